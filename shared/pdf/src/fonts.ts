import { readFileSync } from 'node:fs';

/** Amiri, from Debian's fonts-hosny-amiri (installed by the system check and in the image). */
export const ARABIC_FONT_FILES = {
  regular: '/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf',
  bold: '/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Bold.ttf',
};

let arabicFonts: { regular: Buffer; bold: Buffer } | undefined;
export function loadArabicFonts(): { regular: Buffer; bold: Buffer } {
  arabicFonts ??= { regular: readFileSync(ARABIC_FONT_FILES.regular), bold: readFileSync(ARABIC_FONT_FILES.bold) };
  return arabicFonts;
}

/** Fails at start, not at the first invoice, when the Arabic font is missing. */
export function assertPdfFontsPresent(): void {
  loadArabicFonts();
}

/** What PDFKit needs to register a font it should not parse again: a fontkit font (PDFKit accepts one, its types do not say so). */
type ParsedFont = { layout(text: string): unknown };
/** The part of PDFKit.PDFDocument this module uses. */
interface FontRegistry {
  registerFont(name: string, src?: string | Buffer | Uint8Array | ArrayBuffer, family?: string): unknown;
}

let parsedFonts: Promise<{ regular: ParsedFont; bold: ParsedFont }> | undefined;

/**
 * Registers Amiri regular and bold as `Amiri` and `Amiri-Bold`, parsed by fontkit once per
 * process. Handing PDFKit the file bytes made it parse the 550 kB font (its GSUB/GPOS shaping
 * tables) again for every document: about 90 % of an invoice PDF's CPU time (issue 16,
 * docs/performance/scale.md). fontkit's font object is read-only once decoded (glyph and layout
 * caches only), and each document still embeds its own subset.
 */
export async function registerArabicFonts(pdf: FontRegistry): Promise<void> {
  parsedFonts ??= import('fontkit').then(({ create }) => {
    const files = loadArabicFonts();
    return { regular: create(files.regular) as ParsedFont, bold: create(files.bold) as ParsedFont };
  });
  const fonts = await parsedFonts;
  pdf.registerFont('Amiri', fonts.regular as unknown as Buffer);
  pdf.registerFont('Amiri-Bold', fonts.bold as unknown as Buffer);
}
