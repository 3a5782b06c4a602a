import { readFileSync } from 'node:fs';

/** Amiri, from Debian's fonts-hosny-amiri (as billing's invoices; installed in the image). */
const ARABIC_FONT_FILE = '/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf';

let arabicFont: Buffer | undefined;
/** Read with the first book, not at start (keeps the garage's memory low). */
export function loadArabicFont(): Buffer {
  arabicFont ??= readFileSync(ARABIC_FONT_FILE);
  return arabicFont;
}
