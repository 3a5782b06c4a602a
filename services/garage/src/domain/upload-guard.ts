import { Transform, type TransformCallback } from 'node:stream';
import { payloadTooLarge, unsupportedMediaType } from '@ecar/errors';
import { SNIFF_BYTES, sniffContentType, type DocumentContentType } from './file-types.ts';

/**
 * Passes an upload through while checking it: the first bytes must be the declared type (magic
 * bytes), and the total must stay within the limit. Nothing passes before the type is known, so
 * a refused file never reaches the encryptor.
 */
export class UploadGuard extends Transform {
  private head: Buffer = Buffer.alloc(0);
  private checked = false;
  bytes = 0;

  constructor(
    private readonly declared: DocumentContentType,
    private readonly maxBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(payloadTooLarge(`Documents are limited to ${this.maxBytes} bytes`));
      return;
    }
    if (this.checked) {
      callback(null, chunk);
      return;
    }
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < SNIFF_BYTES) {
      callback();
      return;
    }
    this.release(callback);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.checked) {
      this.release(callback);
      return;
    }
    callback();
  }

  private release(callback: TransformCallback): void {
    const actual = sniffContentType(this.head);
    if (actual !== this.declared) {
      callback(unsupportedMediaType(`The file content is not ${this.declared}${actual ? ` (it is ${actual})` : ''}`));
      return;
    }
    this.checked = true;
    const head = this.head;
    this.head = Buffer.alloc(0);
    callback(null, head);
  }
}
