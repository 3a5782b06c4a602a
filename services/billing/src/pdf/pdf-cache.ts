import { createHash } from 'node:crypto';
import type { FiscalDocument } from './fiscal-document.ts';

/** A rendered PDF and its strong entity tag (the SHA-256 of these exact bytes). */
export interface CachedPdf {
  pdf: Buffer;
  etag: string;
}

/**
 * Bumped whenever the renderer (fiscal-document.ts, its fonts or layout) changes what it prints
 * for the same document, so that no process keeps a key that once meant other bytes.
 */
const RENDERER_VERSION = 'fiscal-document.v1';

/**
 * The cache key of a fiscal document: its kind and id, and a SHA-256 of everything the renderer is
 * given (`FiscalDocument`: number, dates, seller, buyer and with it the language, lines, totals,
 * and TTN's reference and QR once accepted). Whatever changes the printed page changes the key, so
 * a stale PDF cannot be served; nothing outside the document (payments, credit notes, the
 * reader's locale) is read by the renderer.
 */
export function pdfCacheKey(kind: 'invoice', id: string, document: FiscalDocument): string {
  const digest = createHash('sha256').update(RENDERER_VERSION).update('\u0000').update(JSON.stringify(document)).digest('base64url');
  return `${kind}:${id}:${digest}`;
}

/** `"<base64url SHA-256>"`: a strong validator (RFC 9110 §8.8.1): equal tags, equal bytes. */
export function strongEtag(pdf: Buffer): string {
  return `"${createHash('sha256').update(pdf).digest('base64url')}"`;
}

/**
 * If-None-Match (RFC 9110 §13.1.2) against `etag`: `*`, or one of the listed tags under the weak
 * comparison that header uses (a `W/` prefix is ignored).
 */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}

/**
 * Rendered PDFs of issued (immutable) documents, in process, bounded by bytes: least recently
 * used first out. Only the caller decides what may enter (issued invoices; never a draft); a PDF
 * larger than the whole bound is rendered and answered but not kept. `maxBytes` 0 keeps nothing.
 */
export class RenderedPdfCache {
  /** A Map iterates in insertion order: re-inserting on a hit makes the first key the least recently used. */
  private readonly entries = new Map<string, CachedPdf>();
  private held = 0;
  private readonly rendering = new Map<string, Promise<CachedPdf>>();

  constructor(readonly maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError('the PDF cache bound must be a whole number of bytes ≥ 0');
  }

  /** Bytes of PDF held (never above `maxBytes`). */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedPdf | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Keeps `pdf` under `key` (evicting the least recently used until it fits) and returns it with its tag. */
  set(key: string, pdf: Buffer): CachedPdf {
    const entry = { pdf, etag: strongEtag(pdf) };
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.held -= previous.pdf.length;
    }
    if (pdf.length > this.maxBytes) return entry;
    while (this.held + pdf.length > this.maxBytes) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, CachedPdf];
      this.entries.delete(oldestKey);
      this.held -= oldest.pdf.length;
    }
    this.entries.set(key, entry);
    this.held += pdf.length;
    return entry;
  }

  /** The cached PDF for `key`, or `render()`'s, kept; concurrent misses of one key share one rendering. */
  async getOrRender(key: string, render: () => Promise<Buffer>): Promise<CachedPdf & { hit: boolean }> {
    const cached = this.get(key);
    if (cached) return { ...cached, hit: true };
    let pending = this.rendering.get(key);
    if (!pending) {
      pending = render().then((pdf) => this.set(key, pdf));
      this.rendering.set(key, pending);
      const forget = () => this.rendering.delete(key);
      pending.then(forget, forget);
    }
    return { ...(await pending), hit: false };
  }
}
