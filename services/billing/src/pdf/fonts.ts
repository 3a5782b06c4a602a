// Moved to @ecar/pdf (shared with garage's estimate PDF, issue #14).
export { ARABIC_FONT_FILES, assertPdfFontsPresent, loadArabicFonts, registerArabicFonts } from '@ecar/pdf';
