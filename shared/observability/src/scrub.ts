import type { ErrorEvent } from '@sentry/node';

const REDACTED = '[redacted]';

/** Personal data and credentials that must never leave for an error tracker (AUD-3, RES-3). */
const PATTERNS: RegExp[] = [
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, // JWTs
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, // e-mails
  /(\+|00)\s?216[\s.-]?\d{2}[\s.-]?\d{3}[\s.-]?\d{3}/g, // Tunisian phones, international form
  /\b\d{8}\b/g, // CIN and local phone numbers (8 digits)
];

const SECRET_KEYS = /pass(word)?|secret|token|authori[sz]ation|cookie|session|cin|phone|e-?mail|address|plate|vin|iban/i;

export function scrubText(value: string): string {
  return PATTERNS.reduce((text, pattern) => text.replace(pattern, REDACTED), value);
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEYS.test(key) ? REDACTED : scrubValue(item, depth + 1);
  }
  return out;
}

/**
 * Sentry `beforeSend`: drops what identifies people (user ip/email, request bodies, cookies,
 * headers, query strings) and masks personal data that slipped into messages and frames.
 */
export function scrubEvent(event: ErrorEvent): ErrorEvent {
  const scrubbed = scrubValue(event, 0) as ErrorEvent;
  if (event.user) scrubbed.user = event.user.id === undefined ? {} : { id: event.user.id };
  if (scrubbed.request) {
    const { method, url } = scrubbed.request;
    scrubbed.request = {
      ...(method ? { method } : {}),
      ...(url ? { url: scrubText(url.split('?')[0] ?? '') } : {}),
    };
  }
  delete scrubbed.server_name;
  return scrubbed;
}
