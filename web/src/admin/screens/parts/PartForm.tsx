import { Button, Group, NativeSelect, Stack, TextInput } from '@mantine/core';
import { createPartBody, patchPartBody } from '@ecar/contracts/requests/garage';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { apiJson } from '../../../shell/api/client.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { checkBody } from '../../lib/forms.ts';
import { formatRate, formatThousandths, parseThousandths } from '../../lib/ui.tsx';
import { VAT_RATES, type Part } from './types.ts';

interface PartFormValues {
  reference: string;
  brand: string;
  description: string;
  purchasePrice: string;
  sellingPrice: string;
  vatRateBp: string;
  barcode: string;
  reorderPoint: string;
}

const FIELD_OF = { purchasePriceMillimes: 'purchasePrice', sellingPriceMillimes: 'sellingPrice', reorderPointMilli: 'reorderPoint' };

/** Creates a part (no `part`) or changes one; the contract's schema checks the body before it is sent. */
export function PartForm({ part, onSaved }: { part?: Part; onSaved: (saved: Part) => void | Promise<void> }) {
  const { t } = useTranslation('parts');
  const { t: ta } = useTranslation('admin');
  const { t: tc } = useTranslation();
  const fieldError = useFieldError();
  const form = useForm<PartFormValues>({
    defaultValues: {
      reference: part?.reference ?? '',
      brand: part?.brand ?? '',
      description: part?.description ?? '',
      purchasePrice: part ? formatThousandths(part.purchasePriceMillimes) : '',
      sellingPrice: part ? formatThousandths(part.sellingPriceMillimes) : '',
      vatRateBp: String(part?.vatRateBp ?? 1900),
      barcode: part?.barcode ?? '',
      reorderPoint: formatThousandths(part?.reorderPointMilli ?? 0),
    },
  });
  const submit = form.handleSubmit(async (values) => {
    const fields = {
      reference: values.reference,
      brand: values.brand,
      description: values.description,
      purchasePriceMillimes: parseThousandths(values.purchasePrice) ?? -1,
      sellingPriceMillimes: parseThousandths(values.sellingPrice) ?? -1,
      vatRateBp: Number(values.vatRateBp),
      reorderPointMilli: parseThousandths(values.reorderPoint) ?? -1,
    };
    const barcode = values.barcode.trim();
    const body = part
      ? checkBody(form, patchPartBody, { ...fields, barcode: barcode || null }, FIELD_OF)
      : checkBody(form, createPartBody, { ...fields, ...(barcode ? { barcode } : {}) }, FIELD_OF);
    if (!body) return;
    try {
      const saved = await apiJson<Part>(part ? `/api/v1/parts/${part.id}` : '/api/v1/parts', { method: part ? 'PATCH' : 'POST', json: body });
      await onSaved(saved);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <form onSubmit={submit} noValidate data-testid="part-form">
      <Stack gap="sm">
        <Group align="flex-start" wrap="wrap">
          <TextInput label={t('fields.reference')} required {...form.register('reference')} error={fieldError(errors.reference)} />
          <TextInput label={t('fields.brand')} required {...form.register('brand')} error={fieldError(errors.brand)} />
        </Group>
        <TextInput label={t('fields.description')} required {...form.register('description')} error={fieldError(errors.description)} />
        <Group align="flex-start" wrap="wrap">
          <TextInput label={t('fields.purchasePrice')} inputMode="decimal" required {...form.register('purchasePrice')} error={fieldError(errors.purchasePrice)} />
          <TextInput label={t('fields.sellingPrice')} inputMode="decimal" required {...form.register('sellingPrice')} error={fieldError(errors.sellingPrice)} />
          <NativeSelect label={t('fields.vatRate')} data={VAT_RATES.map((value) => ({ value, label: formatRate(Number(value)) }))} {...form.register('vatRateBp')} />
        </Group>
        <Group align="flex-start" wrap="wrap">
          <TextInput label={t('fields.barcode')} description={t('fields.barcodeHint')} inputMode="numeric" {...form.register('barcode')} error={fieldError(errors.barcode)} />
          <TextInput label={t('fields.reorderPoint')} inputMode="decimal" {...form.register('reorderPoint')} error={fieldError(errors.reorderPoint)} />
        </Group>
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting} data-testid="part-save">
            {part ? tc('actions.save') : ta('common.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
