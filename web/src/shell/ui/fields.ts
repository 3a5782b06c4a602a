import type { FieldError } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

/**
 * The text shown under a field: the server's own message for a refused request (problem+json
 * `errors`), otherwise a translated message for what the form's zod schema refused.
 */
export function useFieldError(): (error: FieldError | undefined) => string | undefined {
  const { t } = useTranslation();
  return (error) => {
    if (!error) return undefined;
    if (error.type === 'server' && error.message) return error.message;
    if (error.type === 'too_small' || error.type === 'required') return t('form.required');
    return t('form.invalid');
  };
}
