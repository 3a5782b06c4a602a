import { createHash, createHmac, createPrivateKey, createPublicKey, hkdfSync, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { BackupIntegrityError } from './chunked-cipher.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'ecar-backup/1';

export interface TableChecksum {
  table: string;
  rows: string;
  /** Order-independent sum of per-row MD5 prefixes; null when the table was too large to checksum. */
  checksum: string | null;
}

export interface ManifestFile {
  name: string;
  kind: 'database' | 'documents';
  database?: string;
  /** Bytes of the encrypted file. */
  size: number;
  /** SHA-256 (hex) of the encrypted file. */
  sha256: string;
  plainBytes: number;
  durationMs: number;
}

/**
 * The audit chain's head as the dump holds it (issue 12, finding 2), read in the dump's snapshot:
 * the last row's seq and chain value (HMAC under the audit chain key, which backup never holds),
 * the key's public name and when the row was recorded. Covered by the MAC and the signature, so
 * the head is published outside the database where its holder cannot change it.
 */
export interface AuditChainHead {
  database: string;
  seq: string;
  hash: string;
  chainKeyId: string | null;
  recordedAt: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  id: string;
  createdAt: string;
  keyId: string;
  /** The set's data key, wrapped with the RSA public key `keyId` (RSA-OAEP SHA-256). */
  wrappedKey: string;
  cipher: 'AES-256-GCM, 64 KiB records, HKDF-SHA256 file keys';
  tools: Record<string, string>;
  timings: { startedAt: string; finishedAt: string; durationMs: number };
  files: ManifestFile[];
  tables: Record<string, TableChecksum[]>;
  /** Present when a dumped database holds the audit chain (with at least one row). */
  auditChain?: AuditChainHead;
  /** HMAC-SHA256 of the rest of the manifest under a key derived from the data key. */
  mac: string;
  /**
   * Ed25519 signature of the rest of the manifest (MAC included) by the backup service's signing
   * key `keyId` (issue 12, finding 8): the MAC only proves whoever wrote the set chose its data key,
   * which anyone holding the public encryption key can; the signature needs BACKUP_SIGNING_KEY.
   */
  signature?: { keyId: string; value: string };
}

function macKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'ecar-backup manifest mac v1', 32));
}

/** Key id of an Ed25519 verification key: `ed25519:` and the SHA-256 of its SPKI encoding. */
export function signingKeyId(publicKey: KeyObject): string {
  return `ed25519:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

export interface ManifestSigner {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Verification keys by key id: the current signing key's and older ones kept for rotation. */
export type VerificationKeyring = ReadonlyMap<string, KeyObject>;

/** Refuses anything but an Ed25519 private key (PKCS#8 PEM), and a seed that does not look random. */
export function loadManifestSigner(pem: string): ManifestSigner {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error('not a readable private key (expected PKCS#8 PEM: openssl genpkey -algorithm ed25519)');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 key is required, got ${privateKey.asymmetricKeyType ?? 'another kind of key'}`);
  const seed = Buffer.from(String(privateKey.export({ format: 'jwk' }).d), 'base64url');
  if (new Set(seed).size < 16) throw new Error('the key does not look random');
  const publicKey = createPublicKey(privateKey);
  return { keyId: signingKeyId(publicKey), privateKey, publicKey };
}

/** One or more Ed25519 public keys (SPKI PEM blocks, concatenated) as a keyring. */
export function loadVerificationKeys(text: string): Map<string, KeyObject> {
  const keyring = new Map<string, KeyObject>();
  const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
  if (text.trim() !== '' && blocks.length === 0) throw new Error('no PEM public key found (expected -----BEGIN PUBLIC KEY----- blocks)');
  for (const block of blocks) {
    const key = createPublicKey(block);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`verification keys must be Ed25519, got ${key.asymmetricKeyType ?? 'another kind of key'}`);
    keyring.set(signingKeyId(key), key);
  }
  return keyring;
}

const SIGNATURE_CONTEXT = 'ecar-backup manifest signature v1\n';

function signedBytes(manifest: Omit<Manifest, 'signature'>): Buffer {
  return Buffer.from(SIGNATURE_CONTEXT + canonical(manifest));
}

export function signManifest(signer: ManifestSigner, manifest: Manifest): Manifest {
  const { signature: _unsigned, ...rest } = manifest;
  return { ...rest, signature: { keyId: signer.keyId, value: sign(null, signedBytes(rest), signer.privateKey).toString('base64') } };
}

/**
 * Refuses a set not signed by one of the verification keys: unsigned (a forger's or a set written
 * before signing existed — refused too, since accepting unsigned sets would let a forger simply
 * leave the signature out), signed by an unknown key, or altered after signing. Public keys only.
 */
export function verifyManifestSignature(keyring: VerificationKeyring, manifest: Manifest): void {
  const { signature, ...rest } = manifest;
  if (!signature || typeof signature.keyId !== 'string' || typeof signature.value !== 'string') {
    throw new BackupIntegrityError('the manifest is not signed: refused (only sets signed by the backup signing key are trusted)');
  }
  const key = keyring.get(signature.keyId);
  if (!key) throw new BackupIntegrityError(`the manifest is signed by ${signature.keyId}, which is not a configured verification key: refused`);
  if (!verify(null, signedBytes(rest), key, Buffer.from(signature.value, 'base64'))) {
    throw new BackupIntegrityError('the manifest signature does not verify (forged or altered set): refused');
  }
}

/** Keys sorted at every level, so the MAC does not depend on property order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function macOf(dataKey: Buffer, manifest: Omit<Manifest, 'mac' | 'signature'>): string {
  return createHmac('sha256', macKey(dataKey)).update(canonical(manifest)).digest('hex');
}

export function sealManifest(dataKey: Buffer, manifest: Omit<Manifest, 'mac' | 'signature'>): Manifest {
  return { ...manifest, mac: macOf(dataKey, manifest) };
}

/** Refuses a manifest changed after it was written (a restore trusts its hashes and checksums). */
export function verifyManifest(dataKey: Buffer, manifest: Manifest): void {
  const { mac, signature: _signature, ...rest } = manifest;
  const expected = Buffer.from(macOf(dataKey, rest), 'hex');
  const given = Buffer.from(typeof mac === 'string' ? mac : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new BackupIntegrityError('the manifest does not match its authentication code (manifest altered)');
  }
}

export function parseManifest(text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BackupIntegrityError('the manifest is not valid JSON');
  }
  const manifest = value as Partial<Manifest>;
  if (manifest.format !== MANIFEST_FORMAT || typeof manifest.wrappedKey !== 'string' || typeof manifest.keyId !== 'string' || !Array.isArray(manifest.files)) {
    throw new BackupIntegrityError(`not an ${MANIFEST_FORMAT} manifest`);
  }
  return manifest as Manifest;
}
