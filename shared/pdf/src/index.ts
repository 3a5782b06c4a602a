/**
 * What ECAR's PDFs share (billing's invoices and credit notes, garage's estimates): the embedded
 * Amiri font for Arabic and the bidirectional text drawer. PDFKit itself is imported lazily by each
 * renderer, with its first document, to keep a service's resident memory low.
 */
export * from './bidi-text.ts';
export * from './fonts.ts';
