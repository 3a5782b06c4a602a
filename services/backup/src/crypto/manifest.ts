import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
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
  /** HMAC-SHA256 of the rest of the manifest under a key derived from the data key. */
  mac: string;
}

function macKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'ecar-backup manifest mac v1', 32));
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

function macOf(dataKey: Buffer, manifest: Omit<Manifest, 'mac'>): string {
  return createHmac('sha256', macKey(dataKey)).update(canonical(manifest)).digest('hex');
}

export function sealManifest(dataKey: Buffer, manifest: Omit<Manifest, 'mac'>): Manifest {
  return { ...manifest, mac: macOf(dataKey, manifest) };
}

/** Refuses a manifest changed after it was written (a restore trusts its hashes and checksums). */
export function verifyManifest(dataKey: Buffer, manifest: Manifest): void {
  const { mac, ...rest } = manifest;
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
