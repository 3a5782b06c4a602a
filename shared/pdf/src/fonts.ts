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
