import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Streamed AES-256-GCM for backup files (ENC-3). A file is
 *   MAGIC | u16 header length | header JSON | records…
 * and a record is
 *   u8 final flag | u32 ciphertext length | ciphertext | 16-byte tag.
 * Each file has its own key, HKDF(data key, random salt); the nonce is the record counter, so no
 * nonce repeats under a key. The AAD of a record is SHA-256(header) | counter | final flag: a
 * reordered, dropped or altered record fails its tag, the header (file name included) cannot be
 * swapped, and a file cut after any record fails because the last record read is not final.
 */
export const MAGIC = Buffer.from('ECARBAK1');
export const CHUNK_SIZE = 64 * 1024;
const TAG_BYTES = 16;
const RECORD_HEAD = 5;
const MAX_HEADER = 4096;

export class BackupIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupIntegrityError';
  }
}

interface FileHeader {
  v: 1;
  file: string;
  salt: string;
  chunk: number;
}

function fileKey(dataKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, salt, 'ecar-backup file key v1', 32));
}

function nonce(counter: bigint): Buffer {
  const out = Buffer.alloc(12);
  out.writeBigUInt64BE(counter, 4);
  return out;
}

function aad(headerHash: Buffer, counter: bigint, final: boolean): Buffer {
  const out = Buffer.alloc(headerHash.length + 9);
  headerHash.copy(out);
  out.writeBigUInt64BE(counter, headerHash.length);
  out[headerHash.length + 8] = final ? 1 : 0;
  return out;
}

/** Encrypts a plaintext stream into the record format above, `fileName` bound into every record. */
export class EncryptStream extends Transform {
  private readonly key: Buffer;
  private readonly headerHash: Buffer;
  private readonly header: Buffer;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private counter = 0n;
  private headerWritten = false;

  constructor(dataKey: Buffer, fileName: string) {
    super();
    const salt = randomBytes(16);
    const header: FileHeader = { v: 1, file: fileName, salt: salt.toString('base64'), chunk: CHUNK_SIZE };
    this.header = Buffer.from(JSON.stringify(header));
    this.headerHash = createHash('sha256').update(this.header).digest();
    this.key = fileKey(dataKey, salt);
  }

  private writeHeader(): void {
    if (this.headerWritten) return;
    const length = Buffer.alloc(2);
    length.writeUInt16BE(this.header.length);
    this.push(Buffer.concat([MAGIC, length, this.header]));
    this.headerWritten = true;
  }

  private seal(plain: Buffer, final: boolean): void {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(this.counter));
    cipher.setAAD(aad(this.headerHash, this.counter, final));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const head = Buffer.alloc(RECORD_HEAD);
    head[0] = final ? 1 : 0;
    head.writeUInt32BE(body.length, 1);
    this.push(Buffer.concat([head, body, cipher.getAuthTag()]));
    this.counter += 1n;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.writeHeader();
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // Keep at least one byte back: the last record is sealed in _flush, flagged final.
    if (this.pendingBytes > CHUNK_SIZE) {
      let all = Buffer.concat(this.pending, this.pendingBytes);
      while (all.length > CHUNK_SIZE) {
        this.seal(all.subarray(0, CHUNK_SIZE), false);
        all = all.subarray(CHUNK_SIZE);
      }
      this.pending = [all];
      this.pendingBytes = all.length;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.writeHeader();
    this.seal(Buffer.concat(this.pending, this.pendingBytes), true);
    this.pending = [];
    callback();
  }
}

/** Decrypts the record format, refusing any record whose tag fails and any file cut short. */
export class DecryptStream extends Transform {
  private buffered: Buffer = Buffer.alloc(0);
  private key: Buffer | undefined;
  private headerHash: Buffer | undefined;
  private counter = 0n;
  private finished = false;

  constructor(
    private readonly dataKey: Buffer,
    private readonly expectedFile: string,
  ) {
    super();
  }

  private fail(message: string): BackupIntegrityError {
    return new BackupIntegrityError(`${this.expectedFile}: ${message}`);
  }

  private readHeader(): boolean {
    if (this.buffered.length < MAGIC.length + 2) return false;
    if (!this.buffered.subarray(0, MAGIC.length).equals(MAGIC)) throw this.fail('not an ECAR backup file (bad magic)');
    const length = this.buffered.readUInt16BE(MAGIC.length);
    if (length > MAX_HEADER) throw this.fail('header too large');
    if (this.buffered.length < MAGIC.length + 2 + length) return false;
    const raw = this.buffered.subarray(MAGIC.length + 2, MAGIC.length + 2 + length);
    let header: FileHeader;
    try {
      header = JSON.parse(raw.toString('utf8')) as FileHeader;
    } catch {
      throw this.fail('unreadable header');
    }
    if (header.v !== 1 || typeof header.salt !== 'string') throw this.fail('unsupported header');
    if (header.file !== this.expectedFile) throw this.fail(`header names "${String(header.file)}", not this file`);
    this.headerHash = createHash('sha256').update(raw).digest();
    this.key = fileKey(this.dataKey, Buffer.from(header.salt, 'base64'));
    this.buffered = this.buffered.subarray(MAGIC.length + 2 + length);
    return true;
  }

  private openRecords(): void {
    while (this.buffered.length >= RECORD_HEAD) {
      if (this.finished) throw this.fail('data after the final record (file altered)');
      const flag = this.buffered[0];
      if (flag !== 0 && flag !== 1) throw this.fail('bad record flag (file altered)');
      const length = this.buffered.readUInt32BE(1);
      if (length > CHUNK_SIZE) throw this.fail('record too large (file altered)');
      const total = RECORD_HEAD + length + TAG_BYTES;
      if (this.buffered.length < total) return;
      const final = flag === 1;
      const decipher = createDecipheriv('aes-256-gcm', this.key!, nonce(this.counter));
      decipher.setAAD(aad(this.headerHash!, this.counter, final));
      decipher.setAuthTag(this.buffered.subarray(RECORD_HEAD + length, total));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(this.buffered.subarray(RECORD_HEAD, RECORD_HEAD + length)), decipher.final()]);
      } catch {
        throw this.fail(`authentication failed at record ${this.counter} (file altered, or not this backup's key)`);
      }
      this.push(plain);
      this.counter += 1n;
      this.finished = final;
      this.buffered = this.buffered.subarray(total);
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      if (!this.key && !this.readHeader()) return callback();
      this.openRecords();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (!this.key) return callback(this.fail('truncated (no complete header)'));
    if (!this.finished) return callback(this.fail('truncated (the final record is missing)'));
    callback();
  }
}
