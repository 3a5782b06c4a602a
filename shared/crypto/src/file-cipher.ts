import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DecryptionError, type Keyring } from './keyring.ts';

/**
 * Chunked AES-256-GCM for files (ENC-2). Each file has its own random data key, wrapped by the
 * keyring; the file holds:
 *
 *   header  = "ECF1" | chunkSize (u32 BE) | noncePrefix (8 bytes)
 *   chunk_i = final flag (1 byte) | length (u32 BE) | ciphertext (length) | tag (16)
 *
 * IV of chunk i = noncePrefix | i (u32 BE); AAD = header | i | final flag. Every chunk is
 * authenticated on its own before its plaintext is released, so a flipped byte aborts at that
 * chunk; chunks cannot be reordered (index in IV and AAD), and a truncated file (no final chunk,
 * or bytes after it) fails.
 */
const MAGIC = Buffer.from('ECF1', 'ascii');
const HEADER_BYTES = 16;
const RECORD_HEAD_BYTES = 5;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

export class FileIntegrityError extends DecryptionError {
  constructor(message: string) {
    super(message);
    this.name = 'FileIntegrityError';
  }
}

function ivFor(noncePrefix: Buffer, index: number): Buffer {
  const iv = Buffer.alloc(12);
  noncePrefix.copy(iv, 0);
  iv.writeUInt32BE(index, 8);
  return iv;
}

function aadFor(header: Buffer, index: number, final: boolean): Buffer {
  const tail = Buffer.alloc(5);
  tail.writeUInt32BE(index, 0);
  tail[4] = final ? 1 : 0;
  return Buffer.concat([header, tail]);
}

/** A fresh data key and its keyring-wrapped form (store the wrapped one next to the file's record). */
export function newDataKey(keyring: Keyring, aad: string): { key: Buffer; wrapped: string } {
  const key = randomBytes(DATA_KEY_BYTES);
  return { key, wrapped: keyring.seal(key, aad) };
}

export function unwrapDataKey(keyring: Keyring, wrapped: string, aad: string): Buffer {
  const key = keyring.open(wrapped, aad);
  if (key.length !== DATA_KEY_BYTES) throw new DecryptionError('wrapped data key has the wrong length');
  return key;
}

/** Plaintext in, chunked ciphertext out. */
export class FileEncryptor extends Transform {
  private readonly header: Buffer;
  private readonly noncePrefix = randomBytes(8);
  private pending: Buffer = Buffer.alloc(0);
  private index = 0;

  constructor(
    private readonly key: Buffer,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    super();
    if (key.length !== DATA_KEY_BYTES) throw new RangeError('data key must be 32 bytes');
    if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) throw new RangeError('bad chunk size');
    const size = Buffer.alloc(4);
    size.writeUInt32BE(chunkBytes, 0);
    this.header = Buffer.concat([MAGIC, size, this.noncePrefix]);
    this.push(this.header);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    // Keep at least one byte back: the final chunk must be the one `_flush` seals.
    while (this.pending.length > this.chunkBytes) {
      this.push(this.sealChunk(this.pending.subarray(0, this.chunkBytes), false));
      this.pending = this.pending.subarray(this.chunkBytes);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.push(this.sealChunk(this.pending, true));
    callback();
  }

  private sealChunk(plain: Buffer, final: boolean): Buffer {
    if (this.index >= 0xffffffff) throw new RangeError('file too large for this format');
    const cipher = createCipheriv('aes-256-gcm', this.key, ivFor(this.noncePrefix, this.index), { authTagLength: TAG_BYTES });
    cipher.setAAD(aadFor(this.header, this.index, final));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const head = Buffer.alloc(RECORD_HEAD_BYTES);
    head[0] = final ? 1 : 0;
    head.writeUInt32BE(body.length, 1);
    this.index++;
    return Buffer.concat([head, body, cipher.getAuthTag()]);
  }
}

/** Chunked ciphertext in, plaintext out; errors with FileIntegrityError on any alteration. */
export class FileDecryptor extends Transform {
  private buffered: Buffer = Buffer.alloc(0);
  private header: Buffer | undefined;
  private chunkBytes = 0;
  private index = 0;
  private finished = false;

  constructor(private readonly key: Buffer) {
    super();
    if (key.length !== DATA_KEY_BYTES) throw new RangeError('data key must be 32 bytes');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    try {
      this.drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (!this.finished || this.buffered.length > 0) {
      callback(new FileIntegrityError('the encrypted file is truncated'));
      return;
    }
    callback();
  }

  private drain(): void {
    if (!this.header) {
      if (this.buffered.length < HEADER_BYTES) return;
      const header = this.buffered.subarray(0, HEADER_BYTES);
      if (!header.subarray(0, 4).equals(MAGIC)) throw new FileIntegrityError('not an encrypted file');
      this.chunkBytes = header.readUInt32BE(4);
      if (this.chunkBytes < 1 || this.chunkBytes > MAX_CHUNK_BYTES) throw new FileIntegrityError('bad chunk size in header');
      this.header = Buffer.from(header);
      this.buffered = this.buffered.subarray(HEADER_BYTES);
    }
    while (this.buffered.length >= RECORD_HEAD_BYTES) {
      if (this.finished) throw new FileIntegrityError('data after the final chunk');
      const flag = this.buffered[0];
      const length = this.buffered.readUInt32BE(1);
      if ((flag !== 0 && flag !== 1) || length > this.chunkBytes) throw new FileIntegrityError(`chunk ${this.index} is malformed`);
      const recordBytes = RECORD_HEAD_BYTES + length + TAG_BYTES;
      if (this.buffered.length < recordBytes) return;
      const body = this.buffered.subarray(RECORD_HEAD_BYTES, RECORD_HEAD_BYTES + length);
      const tag = this.buffered.subarray(RECORD_HEAD_BYTES + length, recordBytes);
      const decipher = createDecipheriv('aes-256-gcm', this.key, ivFor(this.header.subarray(8, 16), this.index), { authTagLength: TAG_BYTES });
      decipher.setAAD(aadFor(this.header, this.index, flag === 1));
      decipher.setAuthTag(tag);
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(body), decipher.final()]);
      } catch {
        throw new FileIntegrityError(`chunk ${this.index} failed authentication: the file was altered`);
      }
      this.buffered = this.buffered.subarray(recordBytes);
      this.index++;
      if (flag === 1) this.finished = true;
      this.push(plain);
    }
  }
}
