import { Button, Group, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { apiJson } from '../../shell/api/client.ts';
import { applyServerErrors } from '../../shell/forms.ts';
import { useFieldError } from '../../shell/ui/fields.ts';
import { FormError } from '../../shell/ui/FormError.tsx';
import { checkBody } from './forms.ts';

/**
 * The one-field form that adds a named thing to a list (a supplier, a bay): checked with the
 * service's request schema, POSTed to `path`, then the form emptied and `invalidate` refetched;
 * the service's refusal shows at the field. Test ids: `<testId>-form` and `<testId>-save`.
 */
export function NameForm({ path, schema, invalidate, label, submitLabel, testId }: { path: string; schema: z.ZodType; invalidate: readonly unknown[]; label: string; submitLabel: string; testId: string }) {
  const fieldError = useFieldError();
  const client = useQueryClient();
  const form = useForm<{ name: string }>({ defaultValues: { name: '' } });
  const submit = form.handleSubmit(async (values) => {
    const body = checkBody(form, schema, { name: values.name.trim() });
    if (!body) return;
    try {
      await apiJson(path, { method: 'POST', json: body });
      form.reset({ name: '' });
      await client.invalidateQueries({ queryKey: invalidate });
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid={`${testId}-form`}>
      <Group align="flex-end" wrap="wrap">
        <TextInput label={label} required {...form.register('name')} error={fieldError(form.formState.errors.name)} />
        <Button type="submit" variant="default" loading={form.formState.isSubmitting} data-testid={`${testId}-save`}>
          {submitLabel}
        </Button>
      </Group>
      <FormError form={form} />
    </form>
  );
}
