/**
 * Tunisian tax identifier (matricule fiscal): 7 digits, a control letter (never I, O or U), then
 * for the 13-character form a VAT code, a category code and a 3-digit establishment number.
 * Checked by format only (DOMAIN.md: not an authority check). Accepted with or without slashes,
 * spaces or dashes; normalised to `1234567/X/A/M/000` (or `1234567/X` for the 8-character form).
 */
const CONTROL = '[A-HJ-NP-TV-Z]';
const FULL = new RegExp(`^(\\d{7})(${CONTROL})([A-Z])([A-Z])(\\d{3})$`);
const SHORT = new RegExp(`^(\\d{7})(${CONTROL})$`);

export function normaliseMatriculeFiscal(input: string): string | undefined {
  const compact = input.toUpperCase().replace(/[\s/.-]/g, '');
  const full = FULL.exec(compact);
  if (full) return `${full[1]}/${full[2]}/${full[3]}/${full[4]}/${full[5]}`;
  const short = SHORT.exec(compact);
  if (short) return `${short[1]}/${short[2]}`;
  return undefined;
}

export function isMatriculeFiscal(input: string): boolean {
  return normaliseMatriculeFiscal(input) !== undefined;
}
