import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/**
 * Versioned AES-256 keys. New values are sealed with the current key; values sealed with an
 * older key still open until a rotation re-encrypts them.
 */
export class Keyring {
  private readonly keys: ReadonlyMap<string, Buffer>;
  /** The keys imported once: creating a cipher from a KeyObject skips a key import per value. */
  private readonly keyObjects = new Map<string, KeyObject>();

  constructor(
    keys: Record<string, Buffer> | Map<string, Buffer>,
    readonly currentKeyId: string,
  ) {
    this.keys = keys instanceof Map ? new Map(keys) : new Map(Object.entries(keys));
    for (const [id, key] of this.keys) {
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`key id "${id}" is not a safe identifier`);
      if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes for AES-256`);
    }
    if (!this.keys.has(currentKeyId)) throw new Error(`current key ${currentKeyId} is not in the keyring`);
    for (const [id, key] of this.keys) this.keyObjects.set(id, createSecretKey(key));
  }

  /**
   * `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url parts). The AAD binds the value to where it is
   * stored (e.g. `customers.email.<row id>`), so a value copied to another row fails to open.
   */
  seal(plaintext: string | Buffer, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keyObjects.get(this.currentKeyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [FORMAT, this.currentKeyId, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, aad: string): Buffer {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new DecryptionError('not a sealed value');
    const [, keyId, iv, body, tag] = parts as [string, string, string, string, string];
    const key = this.keyObjects.get(keyId);
    if (!key) throw new DecryptionError(`unknown key id ${keyId}`);
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      const plain = decipher.update(Buffer.from(body, 'base64url'));
      const tail = decipher.final();
      return tail.length === 0 ? plain : Buffer.concat([plain, tail]);
    } catch {
      throw new DecryptionError('authentication failed: the value was altered or bound to another place');
    }
  }

  openText(sealed: string, aad: string): string {
    return this.open(sealed, aad).toString('utf8');
  }

  keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }

  /** The ids of every key held (the current one included), in the order given. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /**
   * A 32-byte key for another purpose (e.g. search tokens), derived from key `keyId` with
   * HKDF-SHA256 and `info` naming the purpose: never stored, recomputed from the keyring, and
   * changing with the key (a rotation re-derives it).
   */
  deriveKey(info: string, keyId: string = this.currentKeyId): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`unknown key id ${keyId}`);
    return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), Buffer.from(`ecar.${info}`, 'utf8'), 32));
  }
}

/** Parses `kid:base64,kid:base64` (the last entry is current unless `current` says otherwise). */
export function keyringFromSpec(spec: string, current?: string): Keyring {
  const keys = new Map<string, Buffer>();
  let last: string | undefined;
  for (const entry of spec.split(',').map((item) => item.trim()).filter(Boolean)) {
    const index = entry.indexOf(':');
    if (index <= 0) throw new Error('keyring entries are kid:base64');
    const id = entry.slice(0, index);
    keys.set(id, Buffer.from(entry.slice(index + 1), 'base64'));
    last = id;
  }
  if (!last) throw new Error('keyring is empty');
  return new Keyring(keys, current ?? last);
}

/** Deterministic lookup token for an encrypted field (HMAC-SHA256 with a key of its own). */
export function blindIndex(key: Buffer, value: string, context: string): string {
  return createHmac('sha256', key).update(`${context}\u0000${value}`).digest('base64url');
}
