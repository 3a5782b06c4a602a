/**
 * Field names that hold personal data (Organic Law 2004-63). Producers mask them in `changes`
 * (`maskChanges`), and the audit log masks them in stored `data`: the log says *that* a value
 * changed and who changed it, not the value.
 */
export const PII_FIELDS = new Set([
  'phone',
  'email',
  'address',
  'cin',
  'taxId',
  'nationalId',
  'plate',
  'vin',
  'dateOfBirth',
  'password',
  'passwordHash',
]);

export const MASK = '***';

export function maskChanges(changes: Record<string, [unknown, unknown]>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const [field, [before, after]] of Object.entries(changes)) {
    out[field] = PII_FIELDS.has(field) ? [before === null || before === undefined ? before : MASK, after === null || after === undefined ? after : MASK] : [before, after];
  }
  return out;
}
