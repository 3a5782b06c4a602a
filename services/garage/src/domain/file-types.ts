/** The file types a registration document may be, recognised by their first bytes (never by name or header alone). */
export const DOCUMENT_TYPES = {
  'application/pdf': { extension: 'pdf', magic: [Buffer.from('%PDF-', 'ascii')] },
  'image/jpeg': { extension: 'jpg', magic: [Buffer.from([0xff, 0xd8, 0xff])] },
  'image/png': { extension: 'png', magic: [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])] },
} as const;

export type DocumentContentType = keyof typeof DOCUMENT_TYPES;

/** Bytes needed to recognise any of the types. */
export const SNIFF_BYTES = 8;

export function isDocumentContentType(value: string): value is DocumentContentType {
  return Object.hasOwn(DOCUMENT_TYPES, value);
}

/** The type the content really is, or undefined (an executable renamed `.pdf` is undefined). */
export function sniffContentType(head: Buffer): DocumentContentType | undefined {
  for (const [type, { magic }] of Object.entries(DOCUMENT_TYPES) as Array<[DocumentContentType, (typeof DOCUMENT_TYPES)[DocumentContentType]]>) {
    if (magic.some((signature) => head.length >= signature.length && head.subarray(0, signature.length).equals(signature))) return type;
  }
  return undefined;
}
