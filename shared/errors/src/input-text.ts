import { z } from 'zod';

/**
 * Text the services refuse wherever it comes from (path, query, body, messages): C0 control
 * characters other than tab, line feed and carriage return, DEL, C1 controls, and UTF-16 lone
 * surrogates. PostgreSQL cannot store NUL, a lone surrogate cannot be encoded as UTF-8, and the
 * others only serve to hide text from people reading a log or a screen.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isSafeText(value: string): boolean {
  return !UNSAFE_TEXT.test(value);
}

/** Deeper than any document the API takes; walking further would only serve an attacker. */
const MAX_DEPTH = 32;

/**
 * Where (a dotted path) the first unsafe string or key of a parsed JSON value or query is, if
 * any; a value nested deeper than MAX_DEPTH counts as unsafe.
 */
export function unsafeTextAt(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return isSafeText(value) ? undefined : path || '(root)';
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_DEPTH) return path || '(root)';
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (!isSafeText(key)) return at;
    const found = unsafeTextAt(inner, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A string that passes the shared text rule (for schemas of messages and other non-HTTP input). */
export const safeString = () => z.string().refine(isSafeText, 'control characters and lone surrogates are not allowed');

const INT64_MAX = 9_223_372_036_854_775_807n;

/** A non-negative decimal that fits a PostgreSQL bigint (ids used as cursors). */
export const bigintString = () =>
  z.string().refine((value) => /^\d{1,19}$/.test(value) && BigInt(value) <= INT64_MAX, 'a decimal number within the bigint range is expected');
