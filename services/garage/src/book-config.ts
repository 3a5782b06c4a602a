import { devSecret, field, FieldError, type Field } from '@ecar/config';
import { BookSigner } from './domain/book-signer.ts';

const KID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * `MAINTENANCE_BOOK_SIGNING_KEYS=kid:base64(32-byte Ed25519 seed),…` — the garage's maintenance
 * book signing keyring: the last key signs, the others stay published so books they signed still
 * verify. Production refuses a missing key, the development key and a seed that does not look
 * random; development and tests derive a public key from a fixed seed and say so at start.
 */
function signingKeysField(): Field<BookSigner> {
  return {
    doc: 'Ed25519 signing keys of the maintenance book `kid:base64(32-byte seed),…`; the last signs, all are published for verification',
    secret: true,
    parse(raw, context) {
      const devSeed = devSecret(context.name);
      if (raw === undefined || raw.trim() === '') {
        if (context.mode === 'production') throw new FieldError(`${context.name} is required in production (set ${context.name} or ${context.name}_FILE)`);
        context.warn(`${context.name} not set: maintenance books are signed with a public development key (dev-book-1) that proves nothing`);
        return BookSigner.fromSeeds([['dev-book-1', Buffer.from(devSeed, 'base64')]]);
      }
      const entries: Array<[string, Buffer]> = [];
      for (const entry of raw.split(',').map((item) => item.trim()).filter(Boolean)) {
        const [kid = '', seed = '', ...rest] = entry.split(':');
        if (!KID.test(kid) || rest.length > 0) throw new FieldError(`${context.name}: "${kid}" is not a key id (expected kid:base64 of 32 bytes, comma separated)`);
        const bytes = Buffer.from(seed, 'base64');
        if (bytes.length !== 32 || bytes.toString('base64') !== seed) throw new FieldError(`${context.name}: key ${kid} must be the base64 of 32 bytes`);
        if (context.mode === 'production') {
          if (seed === devSeed) throw new FieldError(`${context.name} contains the development key; set a real signing key in production`);
          if (new Set(bytes).size < 16) throw new FieldError(`${context.name}: key ${kid} does not look random`);
        }
        if (entries.some(([known]) => known === kid)) throw new FieldError(`${context.name}: key id ${kid} appears twice`);
        entries.push([kid, bytes]);
      }
      if (entries.length === 0) throw new FieldError(`${context.name} holds no key`);
      return BookSigner.fromSeeds(entries);
    },
  };
}

/** Where the printed QR code of a book points: the public verification page of the web app. */
function publicBaseUrlField(): Field<string> {
  const plain = field.url({ doc: 'Public address of the web app, for the verification link printed on maintenance books (https in production)', default: 'https://localhost', protocols: ['https:', 'http:'] });
  return {
    ...plain,
    parse(raw, context) {
      if (context.mode === 'production') {
        if (raw === undefined || raw.trim() === '') throw new FieldError(`${context.name} is required in production (the portal's https address, printed on maintenance books)`);
        const url = new URL(plain.parse(raw, context));
        if (url.protocol !== 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) throw new FieldError(`${context.name} must be the portal's public https address in production`);
      }
      return plain.parse(raw, context).replace(/\/+$/, '');
    },
  };
}

/** The maintenance book's settings (issue 15), spread into the garage's configuration. */
export const maintenanceBookConfigSpec = {
  MAINTENANCE_BOOK_SIGNING_KEYS: signingKeysField(),
  PUBLIC_BASE_URL: publicBaseUrlField(),
  GARAGE_NAME: field.string({ doc: 'The garage’s name as printed on its maintenance books', default: 'ECAR', maxLength: 200 }),
};
