import { NativeSelect, Stack, TextInput } from '@mantine/core';
import type { UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useFieldError } from '../../../shell/ui/fields.ts';
import type { CustomerForm } from '../../lib/forms.ts';

/** The customer's data fields, shared by creation and rectification. */
export function CustomerFields({ form, creating }: { form: UseFormReturn<CustomerForm>; creating: boolean }) {
  const { t } = useTranslation('admin');
  const fieldError = useFieldError();
  const { register, formState, watch } = form;
  const kind = watch('kind');
  return (
    <Stack gap="xs">
      {creating ? (
        <NativeSelect
          label={t('customers.kind')}
          data={[
            { value: 'person', label: t('customers.kinds.person') },
            { value: 'company', label: t('customers.kinds.company') },
          ]}
          {...register('kind')}
          error={fieldError(formState.errors.kind)}
        />
      ) : null}
      <TextInput label={t('customers.name')} required {...register('name')} error={fieldError(formState.errors.name)} />
      <TextInput label={t('customers.phone')} type="tel" {...register('phone')} error={fieldError(formState.errors.phone)} />
      <TextInput label={t('customers.email')} type="email" {...register('email')} error={fieldError(formState.errors.email)} />
      <TextInput label={t('customers.address')} {...register('address')} error={fieldError(formState.errors.address)} />
      {kind === 'company' ? (
        <TextInput label={t('customers.taxId')} {...register('taxId')} error={fieldError(formState.errors.taxId)} />
      ) : (
        <TextInput label={t('customers.cin')} inputMode="numeric" {...register('cin')} error={fieldError(formState.errors.cin)} />
      )}
      {creating ? (
        <NativeSelect
          label={t('customers.consentMethod')}
          data={[
            { value: '', label: t('common.none') },
            { value: 'written-form', label: t('customers.consent.methods.written-form') },
            { value: 'electronic', label: t('customers.consent.methods.electronic') },
            { value: 'in-person', label: t('customers.consent.methods.in-person') },
          ]}
          {...register('consentMethod')}
        />
      ) : null}
    </Stack>
  );
}
