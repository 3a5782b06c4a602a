import { z } from 'zod';

/**
 * Tunisian identifiers, validated for format only (not against any authority). Each schema
 * normalises what it accepts, so the stored value and its blind index do not depend on spacing
 * or letter case.
 */

/** `+216` and 8 digits; spaces, dots and dashes between digits are tolerated and dropped. */
export const phoneSchema = z
  .string()
  .max(32)
  .transform((value) => value.replace(/[\s.-]/g, ''))
  .pipe(z.string().regex(/^\+216\d{8}$/, 'phone must be +216 followed by 8 digits'));

/** Carte d'identité nationale: exactly 8 digits. */
export const cinSchema = z.string().regex(/^\d{8}$/, 'CIN must be 8 digits');

/**
 * Matricule fiscal: 7 digits + control letter (not I, O, U), then optionally VAT code, category
 * code and a 3-digit establishment number — `1234567X` (8), `1234567XAM000` (13) or with slashes
 * `1234567/X/A/M/000`. Normalised to the slashed display form.
 */
export const taxIdSchema = z
  .string()
  .max(32)
  .transform((value) => value.toUpperCase().replace(/[\s/.-]/g, ''))
  .pipe(
    z
      .string()
      .regex(/^\d{7}[A-HJ-NP-TV-Z]([ABDNP][MCPNE]\d{3})?$/, 'tax ID must be a matricule fiscal like 1234567/X/A/M/000 (control letter not I, O or U)')
      .transform((value) => (value.length === 8 ? `${value.slice(0, 7)}/${value[7]}` : `${value.slice(0, 7)}/${value[7]}/${value[8]}/${value[9]}/${value.slice(10)}`)),
  );

/**
 * Tunisian plates: the ordinary series `123 TU 4567` (serial 1–3 digits, "TU" in Latin letters
 * for تونس, number 1–4 digits), the `RS` series (régime suspensif) `123456 RS`, and the other
 * series written number + letters (`12345 NT`, `1234 CD`, …). Normalised to upper case with
 * single spaces.
 */
const PLATE_PATTERNS = [/^\d{1,3} TU \d{1,4}$/, /^\d{1,6} RS$/, /^\d{1,6} (NT|CD|CMD|PAT|MD|MC|TRAC|REM|AA|ES|GOV)$/];
export const plateSchema = z
  .string()
  .max(32)
  .transform((value) => value.toUpperCase().trim().replace(/\s+/g, ' '))
  .pipe(z.string().refine((value) => PLATE_PATTERNS.some((pattern) => pattern.test(value)), 'plate must look like "123 TU 4567", "123456 RS" or another Tunisian series'));

/** 17 characters, letters and digits, never I, O or Q (ISO 3779); the check digit is optional in Tunisia. */
export const vinSchema = z
  .string()
  .transform((value) => value.toUpperCase().trim())
  .pipe(z.string().regex(/^[A-HJ-NPR-Z0-9]{17}$/, 'VIN must be 17 characters without I, O or Q'));

export const emailSchema = z
  .email()
  .max(254)
  .transform((value) => value.toLowerCase());

/** Free text that is displayed back: bounded and without control characters. */
export const textSchema = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((value) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value), 'control characters are not allowed');
