/** The part of fontkit (PDFKit's font engine) that @ecar/pdf uses; the package ships no types. */
declare module 'fontkit' {
  export function create(buffer: Buffer, postscriptName?: string): unknown;
}
