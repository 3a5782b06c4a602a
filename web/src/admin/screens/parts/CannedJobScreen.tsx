import { Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { cannedJobBody } from '@ecar/contracts/requests/garage';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { apiJson } from '../../../shell/api/client.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { ScrollX } from '../../../shell/ui/ScrollX.tsx';
import { EmptyState, QueryState } from '../../../shell/ui/states.tsx';
import { checkBody } from '../../lib/forms.ts';
import { formatRate, formatThousandths, Money, parseThousandths, Section } from '../../lib/ui.tsx';
import { PartPicker } from './PartPicker.tsx';
import { VAT_RATES, type CannedJob, type Part } from './types.ts';

interface JobForm {
  name: string;
  description: string;
  make: string;
  model: string;
  labourHours: string;
  labourRate: string;
  labourVatRateBp: string;
  parts: Array<{ partId: string; quantity: string }>;
  serviceIntervalMonths: string;
  serviceIntervalKm: string;
}

function formOf(job: CannedJob | undefined): JobForm {
  return {
    name: job?.name ?? '',
    description: job?.description ?? '',
    make: job?.make ?? '',
    model: job?.model ?? '',
    labourHours: formatThousandths(job?.labourHoursMilli ?? 1000),
    labourRate: job ? formatThousandths(job.labourRateMillimes) : '',
    labourVatRateBp: String(job?.labourVatRateBp ?? 1900),
    parts: (job?.parts ?? []).map((part) => ({ partId: part.partId, quantity: formatThousandths(part.quantityMilli) })),
    serviceIntervalMonths: job?.serviceIntervalMonths ? String(job.serviceIntervalMonths) : '',
    serviceIntervalKm: job?.serviceIntervalKm ? String(job.serviceIntervalKm) : '',
  };
}

function JobEditor({ job }: { job?: CannedJob }) {
  const { t } = useTranslation(['parts', 'reminders']);
  const fieldError = useFieldError();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  const form = useForm<JobForm>({ defaultValues: formOf(job) });
  const parts = useFieldArray({ control: form.control, name: 'parts' });
  const chosen = form.watch('parts');
  const details = useQueries({
    queries: chosen.map((item) => ({ queryKey: ['admin', 'part', item.partId], queryFn: () => apiJson<Part>(`/api/v1/parts/${item.partId}`) })),
  });
  const labour = form.watch(['labourHours', 'labourRate']);
  const total =
    Math.round(((parseThousandths(labour[0]) ?? 0) * (parseThousandths(labour[1]) ?? 0)) / 1000) +
    chosen.reduce((sum, item, index) => sum + Math.round(((parseThousandths(item.quantity) ?? 0) * (details[index]?.data?.sellingPriceMillimes ?? 0)) / 1000), 0);
  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    const text = (value: string) => (value.trim() ? value.trim() : undefined);
    const candidate = {
      name: values.name,
      ...(text(values.description) ? { description: text(values.description) } : {}),
      ...(text(values.make) ? { make: text(values.make) } : {}),
      ...(text(values.model) ? { model: text(values.model) } : {}),
      labourHoursMilli: parseThousandths(values.labourHours) ?? -1,
      labourRateMillimes: parseThousandths(values.labourRate) ?? -1,
      labourVatRateBp: Number(values.labourVatRateBp),
      parts: values.parts.map((item) => ({ partId: item.partId, quantityMilli: parseThousandths(item.quantity) ?? -1 })),
      // The replacement keeps the service interval (reminders): empty = none.
      ...(values.serviceIntervalMonths.trim() ? { serviceIntervalMonths: Number(values.serviceIntervalMonths.trim()) } : {}),
      ...(values.serviceIntervalKm.trim() ? { serviceIntervalKm: Number(values.serviceIntervalKm.trim()) } : {}),
    };
    const fieldOf: Record<string, string> = { labourHoursMilli: 'labourHours', labourRateMillimes: 'labourRate' };
    values.parts.forEach((_, index) => (fieldOf[`parts.${index}.quantityMilli`] = `parts.${index}.quantity`));
    const body = checkBody(form, cannedJobBody, candidate, fieldOf);
    if (!body) return;
    try {
      const result = await apiJson<CannedJob>(job ? `/api/v1/canned-jobs/${job.id}` : '/api/v1/canned-jobs', { method: job ? 'PUT' : 'POST', json: body });
      await client.invalidateQueries({ queryKey: ['admin', 'canned-jobs'] });
      await client.invalidateQueries({ queryKey: ['admin', 'canned-job', result.id] });
      setSaved(true);
      if (!job) await navigate(`/canned-jobs/${result.id}`);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <form onSubmit={submit} noValidate data-testid="canned-form">
      <Stack>
        <Section title={job ? t('cannedJobs.editTitle') : t('cannedJobs.newTitle')}>
          <TextInput label={t('cannedJobs.name')} required {...form.register('name')} error={fieldError(errors.name)} />
          <TextInput label={t('cannedJobs.description')} {...form.register('description')} error={fieldError(errors.description)} />
          <Group align="flex-start" wrap="wrap">
            <TextInput label={t('cannedJobs.make')} {...form.register('make')} error={fieldError(errors.make)} />
            <TextInput label={t('cannedJobs.model')} {...form.register('model')} error={fieldError(errors.model)} />
          </Group>
          <Group align="flex-start" wrap="wrap">
            <TextInput label={t('cannedJobs.labourHours')} inputMode="decimal" required {...form.register('labourHours')} error={fieldError(errors.labourHours)} />
            <TextInput label={t('cannedJobs.labourRate')} inputMode="decimal" required {...form.register('labourRate')} error={fieldError(errors.labourRate)} />
            <NativeSelect label={t('cannedJobs.labourVat')} data={VAT_RATES.map((value) => ({ value, label: formatRate(Number(value)) }))} {...form.register('labourVatRateBp')} />
          </Group>
          <Group align="flex-start" wrap="wrap">
            <TextInput label={t('reminders:form.intervalMonths')} inputMode="numeric" {...form.register('serviceIntervalMonths')} error={fieldError(errors.serviceIntervalMonths)} data-testid="canned-interval-months" />
            <TextInput label={t('reminders:form.intervalKm')} inputMode="numeric" {...form.register('serviceIntervalKm')} error={fieldError(errors.serviceIntervalKm)} data-testid="canned-interval-km" />
          </Group>
        </Section>
        <Section title={t('cannedJobs.parts')} testId="canned-parts">
          {parts.fields.length === 0 ? (
            <EmptyState>{t('cannedJobs.noParts')}</EmptyState>
          ) : (
            <ScrollX label={t('cannedJobs.parts')}>
              <Table miw={420}>
                <Table.Caption c="gray.8">{t('cannedJobs.parts')}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('fields.reference')}</Table.Th>
                    <Table.Th scope="col">{t('stock.quantity')}</Table.Th>
                    <Table.Th scope="col">{t('fields.sellingPrice')}</Table.Th>
                    <Table.Th scope="col">{t('cannedJobs.removePart')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {parts.fields.map((field, index) => {
                    const part = details[index]?.data;
                    return (
                      <Table.Tr key={field.id} data-testid="canned-part-row">
                        <Table.Td>
                          <bdi>{part ? `${part.brand} ${part.reference}` : field.partId.slice(0, 8)}</bdi>
                        </Table.Td>
                        <Table.Td>
                          <TextInput
                            aria-label={t('stock.quantity')}
                            inputMode="decimal"
                            w={96}
                            {...form.register(`parts.${index}.quantity`)}
                            error={fieldError(errors.parts?.[index]?.quantity)}
                          />
                        </Table.Td>
                        <Table.Td>{part ? <Money millimes={part.sellingPriceMillimes} /> : '—'}</Table.Td>
                        <Table.Td>
                          <Button size="xs" variant="default" onClick={() => parts.remove(index)}>
                            {t('cannedJobs.removePart')}
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </ScrollX>
          )}
          <PartPicker onPick={(part) => parts.append({ partId: part.id, quantity: '1' })} />
        </Section>
        <Text fw={700} data-testid="canned-total">
          {`${t('cannedJobs.total')} : `}
          <Money millimes={total} />
        </Text>
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting} data-testid="canned-save">
            {t('cannedJobs.save')}
          </Button>
          {saved ? (
            <Text size="sm" c="teal.9" role="status" data-state="action-done">
              {t('cannedJobs.saved')}
            </Text>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}

/** Create (`/canned-jobs/new`) or edit a canned job: labour hours × rate and catalogue parts. */
export default function CannedJobScreen() {
  const { t } = useTranslation('parts');
  const { id = '' } = useParams();
  const creating = id === 'new';
  const query = useQuery({ queryKey: ['admin', 'canned-job', id], enabled: !creating, queryFn: () => apiJson<CannedJob>(`/api/v1/canned-jobs/${id}`) });
  return (
    <Stack>
      <Title order={1}>{t('cannedJobs.title')}</Title>
      {creating ? <JobEditor /> : <QueryState query={query}>{(job) => <JobEditor key={job.updatedAt} job={job} />}</QueryState>}
    </Stack>
  );
}
