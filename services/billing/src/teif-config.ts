import { field, FieldError, type Field } from '@ecar/config';

/**
 * The seller's PKCS#12 (TunTrust certificate and key), base64-encoded so that it can be given as
 * a Docker secret file (`TEIF_SIGNING_P12_FILE`, made with `base64 -w0 seller.p12`). Required in
 * production; development and tests without it sign with a throw-away certificate, said at boot.
 */
function pkcs12Field(): Field<Buffer | undefined> {
  return {
    doc: 'Seller signing certificate for TEIF (PKCS#12, base64; usually TEIF_SIGNING_P12_FILE)',
    secret: true,
    parse(raw, context) {
      const value = raw?.replace(/\s+/g, '');
      if (!value) {
        if (context.mode === 'production') throw new FieldError(`${context.name} is required in production (set ${context.name}_FILE to the base64 of the TunTrust PKCS#12)`);
        context.warn(`${context.name} not set: TEIF documents are signed with a throw-away development certificate that TTN refuses`);
        return undefined;
      }
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new FieldError(`${context.name} must be the base64 of a PKCS#12 file`);
      const bytes = Buffer.from(value, 'base64');
      // A PKCS#12 is a DER SEQUENCE; anything else is the wrong file.
      if (bytes.length < 100 || bytes[0] !== 0x30) throw new FieldError(`${context.name} is not a PKCS#12 file`);
      return bytes;
    },
  };
}

/**
 * TTN's El Fatoora web service. Production requires it (e-invoicing is mandatory) and its host
 * must be on OUTBOUND_ALLOWLIST (checked at start, RES-3); unset elsewhere = nothing is sent and
 * documents stay pending, said at boot.
 */
function ttnUrlField(): Field<string | undefined> {
  return {
    doc: 'URL of the TTN El Fatoora web service (host on OUTBOUND_ALLOWLIST)',
    secret: false,
    parse(raw, context) {
      const value = raw?.trim();
      if (!value) {
        if (context.mode === 'production') throw new FieldError(`${context.name} is required in production (TTN El Fatoora web service)`);
        context.warn(`${context.name} not set: TEIF documents are signed and kept pending, never sent to TTN`);
        return undefined;
      }
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new FieldError(`${context.name} is not a URL`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new FieldError(`${context.name} must be http(s)`);
      if (context.mode === 'production' && url.protocol !== 'https:') throw new FieldError(`${context.name} must use https in production`);
      if (url.username || url.password) throw new FieldError(`${context.name} must not carry credentials (use TTN_LOGIN / TTN_PASSWORD)`);
      return url.toString();
    },
  };
}

function ttnLoginField(): Field<string> {
  return {
    doc: 'El Fatoora web-service login of the garage',
    secret: false,
    parse(raw, context) {
      const value = raw?.trim() ?? '';
      if (!value && context.mode === 'production') throw new FieldError(`${context.name} is required in production (El Fatoora web-service login)`);
      if (value.length > 100) throw new FieldError(`${context.name} is longer than 100 characters`);
      return value;
    },
  };
}

export const teifConfigFields = {
  TEIF_SIGNING_P12: pkcs12Field(),
  TEIF_SIGNING_P12_PASSWORD: field.secretString({ doc: 'Password of the seller PKCS#12', minLength: 12 }),
  TTN_URL: ttnUrlField(),
  TTN_LOGIN: ttnLoginField(),
  TTN_PASSWORD: field.secretString({ doc: 'El Fatoora web-service password', minLength: 12 }),
  TTN_TIMEOUT_MS: field.int({ doc: 'Time allowed for one call to TTN before it counts as an outage', default: 15_000, min: 100, max: 120_000 }),
  TTN_POLL_INTERVAL_MS: field.int({ doc: 'How often the submitter looks for documents due for (re)submission', default: 2_000, min: 50, max: 600_000 }),
  TTN_RETRY_INITIAL_MS: field.int({ doc: 'First delay before re-trying a submission after an outage (doubles, jittered)', default: 30_000, min: 10, max: 3_600_000 }),
  TEIF_SWEEP_GRACE_MS: field.int({ doc: 'After this long without a TEIF record, an issued document is recorded by the submitter itself (its event was missed)', default: 60_000, min: 100, max: 86_400_000 }),
  TTN_RETRY_MAX_MS: field.int({ doc: 'Longest delay between two submission attempts during an outage', default: 3_600_000, min: 10, max: 86_400_000 }),
};
