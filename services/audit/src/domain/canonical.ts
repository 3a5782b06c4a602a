import { MASK, PII_FIELDS } from '@ecar/contracts';

/**
 * JSON with object keys sorted at every level: the same value always gives the same text, so the
 * stored text is what the hash covers and a verifier can recompute it byte for byte.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/**
 * Replaces the values of personal-data fields (PII_FIELDS) at any depth: the log records that a
 * customer's phone was read or changed, not the phone number.
 */
export function maskPersonalData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskPersonalData);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = PII_FIELDS.has(key) ? (item === null || item === undefined ? item : MASK) : maskPersonalData(item);
  }
  return out;
}
