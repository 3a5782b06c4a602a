import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BackupIntegrityError, DecryptStream, EncryptStream } from '../crypto/chunked-cipher.ts';

/** Large reads: fewer, bigger chunks through the hash and the decipher. */
const READ_CHUNK = 1024 * 1024;

export interface WrittenFile {
  size: number;
  sha256: string;
  plainBytes: number;
}

function counting(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}

/**
 * Encrypts `source` into `path` (encryption happens before any byte touches the disk), hashing the
 * encrypted bytes on the way, and flushes the file to disk before returning.
 */
export async function writeEncryptedFile(source: Readable, dataKey: Buffer, fileName: string, path: string): Promise<WrittenFile> {
  let plainBytes = 0;
  let size = 0;
  const hash = createHash('sha256');
  await pipeline(
    source,
    counting((n) => (plainBytes += n)),
    new EncryptStream(dataKey, fileName),
    counting((n) => (size += n)),
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
    }),
    createWriteStream(path, { flags: 'wx', mode: 0o600 }),
  );
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { size, sha256: hash.digest('hex'), plainBytes };
}

async function sha256OfFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    createReadStream(path, { highWaterMark: READ_CHUNK }),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback();
      },
    }),
  );
  return { sha256: hash.digest('hex'), size };
}

/** Checks a file against its manifest entry before anything trusts its content. */
export async function assertFileMatches(path: string, expected: { name: string; size: number; sha256: string }): Promise<void> {
  let actual: { sha256: string; size: number };
  try {
    actual = await sha256OfFile(path);
  } catch (error) {
    throw new BackupIntegrityError(`${expected.name}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (actual.size !== expected.size) throw new BackupIntegrityError(`${expected.name}: size ${actual.size} differs from the manifest (${expected.size}): file truncated or altered`);
  if (actual.sha256 !== expected.sha256) throw new BackupIntegrityError(`${expected.name}: SHA-256 differs from the manifest: file altered`);
}

/** The decrypted content of a backup file as a stream (errors when a tag fails or the file ends early). */
export function decryptedStream(path: string, dataKey: Buffer, fileName: string): Readable {
  const out = new PassThrough();
  pipeline(createReadStream(path, { highWaterMark: READ_CHUNK }), new DecryptStream(dataKey, fileName), out).catch((error: unknown) => out.destroy(error as Error));
  return out;
}

/**
 * Reads a just-written file once: its SHA-256 and size must be those computed while writing, and
 * every record must decrypt under the data key (every tag checked). Nothing is kept.
 */
export async function verifyWrittenFile(path: string, dataKey: Buffer, expected: { name: string; size: number; sha256: string }): Promise<void> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    createReadStream(path, { highWaterMark: READ_CHUNK }),
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    }),
    new DecryptStream(dataKey, expected.name),
    new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    }),
  );
  if (size !== expected.size || hash.digest('hex') !== expected.sha256) {
    throw new BackupIntegrityError(`${expected.name}: the file on disk differs from what was written`);
  }
}
