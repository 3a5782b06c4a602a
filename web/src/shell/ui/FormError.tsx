import { Alert } from '@mantine/core';
import type { FieldValues, UseFormReturn } from 'react-hook-form';

/** The form-level error set by applyServerErrors (a refusal not tied to one field), as text. */
export function FormError<T extends FieldValues>({ form }: { form: UseFormReturn<T> }) {
  const message = form.formState.errors.root?.['server']?.message;
  return message ? (
    <Alert color="red" role="alert" data-testid="form-error">
      {message}
    </Alert>
  ) : null;
}
