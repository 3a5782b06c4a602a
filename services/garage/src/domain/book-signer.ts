import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { PublishedBookKey } from '@ecar/contracts/responses/garage-book';

export type { PublishedBookKey };

/** PKCS#8 DER prefix of an Ed25519 private key (RFC 8410): the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The garage's Ed25519 keyring for maintenance books: the last key signs, every key verifies
 * what it signed. Only the public halves ever leave the service (`published`).
 */
export class BookSigner {
  private constructor(
    private readonly keys: ReadonlyMap<string, { privateKey: KeyObject; publicKey: KeyObject; raw: string }>,
    readonly currentKeyId: string,
  ) {}

  static fromSeeds(seeds: ReadonlyArray<readonly [string, Buffer]>): BookSigner {
    const keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject; raw: string }>();
    for (const [kid, seed] of seeds) {
      if (seed.length !== 32) throw new Error(`key ${kid} must be a 32-byte Ed25519 seed`);
      const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
      const publicKey = createPublicKey(privateKey);
      const raw = String(publicKey.export({ format: 'jwk' }).x);
      keys.set(kid, { privateKey, publicKey, raw });
    }
    const current = seeds[seeds.length - 1];
    if (!current) throw new Error('the signing keyring is empty');
    return new BookSigner(keys, current[0]);
  }

  /** Ed25519 signature (base64url) of `payload` with the current key. */
  sign(payload: string): { kid: string; value: string } {
    const key = this.keys.get(this.currentKeyId)!;
    return { kid: this.currentKeyId, value: sign(null, Buffer.from(payload, 'utf8'), key.privateKey).toString('base64url') };
  }

  knows(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** Whether `value` is `kid`'s signature of `payload`; false for an unknown key or a malformed signature. */
  verify(kid: string, payload: string, value: string): boolean {
    const key = this.keys.get(kid);
    if (!key) return false;
    const signature = Buffer.from(value, 'base64url');
    if (signature.length !== 64) return false;
    return verify(null, Buffer.from(payload, 'utf8'), key.publicKey, signature);
  }

  published(): PublishedBookKey[] {
    return [...this.keys].map(([kid, key]) => ({ kid, alg: 'Ed25519', publicKey: key.raw, current: kid === this.currentKeyId }));
  }
}
