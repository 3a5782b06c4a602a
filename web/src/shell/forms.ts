import type { FieldValues, Path, UseFormReturn } from 'react-hook-form';
import { ApiError } from './api/client.ts';

/**
 * Shows a refused request on the form: each problem+json field error at its field (paths are
 * dotted like react-hook-form's: `lines.0.quantity`), anything else as the form's root error.
 */
export function applyServerErrors<T extends FieldValues>(form: UseFormReturn<T>, error: unknown): void {
  const values = form.getValues() as Record<string, unknown>;
  if (!(error instanceof ApiError)) {
    form.setError('root.server', { type: 'server', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  const unplaced: string[] = [];
  for (const field of error.fieldErrors) {
    const top = field.path.split('.')[0] ?? '';
    if (field.path && top in values) form.setError(field.path as Path<T>, { type: 'server', message: field.message }, { shouldFocus: unplaced.length === 0 });
    else unplaced.push(field.path ? `${field.path}: ${field.message}` : field.message);
  }
  if (error.fieldErrors.length === 0 || unplaced.length > 0) {
    form.setError('root.server', { type: 'server', message: [error.message, ...unplaced].join(' — ') });
  }
}
