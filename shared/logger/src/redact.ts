/**
 * Keys whose values never reach a log line. Matching is case-insensitive on the key name and
 * also catches compound names (`refreshToken`, `x-api-key`, `new_password`).
 */
const SENSITIVE_KEY =
  /passw(or)?d|passphrase|secret|token|authorization|cookie|api[-_]?key|private[-_]?key|^otp$|totp|recovery[-_]?codes?|^cin$|national[-_]?id|iban|card[-_]?number/i;

const MASK = '[REDACTED]';
const MAX_DEPTH = 8;

/** Bearer tokens, JWTs and cookie headers that slip into free text. */
const SECRET_IN_TEXT = [
  /Bearer\s+[A-Za-z0-9._~+/=-]+/g,
  /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  /(__Host-[A-Za-z0-9_-]+)=[^;\s]+/g,
];

export function redactText(text: string): string {
  let out = text;
  for (const pattern of SECRET_IN_TEXT) {
    out = out.replace(pattern, (match, cookieName?: string) =>
      typeof cookieName === 'string' && match.startsWith(cookieName) ? `${cookieName}=${MASK}` : MASK,
    );
  }
  return out;
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Deep copy of `value` with sensitive keys masked; cycles and depth are bounded. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack ? redactText(value.stack) : undefined };
  }
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) ? MASK : redact(inner, depth + 1, seen);
  }
  return out;
}
