import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, Card, Group, NativeSelect, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { z } from '../workshop/zod.ts';
import { apiJson } from '../shell/api/client.ts';
import { useMe } from '../shell/auth/session.tsx';
import { applyServerErrors } from '../shell/forms.ts';
import { formatDateTime } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { useFieldError } from '../shell/ui/fields.ts';
import { FormError } from '../shell/ui/FormError.tsx';
import { ErrorState, QueryState } from '../shell/ui/states.tsx';
import { LinesTable, StatusBadge } from '../workshop/WorkshopUi.tsx';
import { VAT_RATES_BP, duringJob, formatVatRate, parseThousandths, type WorkOrderDetail, type WorkOrderStatus } from '../workshop/workOrder.ts';
import classes from './technician.module.css';
import { ScrollX } from '../shell/ui/ScrollX.tsx';

type TechnicianMove = 'in_progress' | 'completed' | 'waiting_for_parts' | 'quality_check';
/** What a technician may move a job to, from where (the service allows exactly these). */
const NEXT_STATUS: Partial<Record<WorkOrderStatus, readonly TechnicianMove[]>> = {
  approved: ['in_progress'],
  in_progress: ['waiting_for_parts', 'quality_check', 'completed'],
  waiting_for_parts: ['in_progress'],
  quality_check: ['completed', 'in_progress'],
};
const MOVE_COLOUR: Record<TechnicianMove, string> = { in_progress: 'blue.9', completed: 'teal.9', waiting_for_parts: 'pink.9', quality_check: 'indigo.9' };

const amount = (text: string) => parseThousandths(text) !== undefined;
/** The form keeps the API's field names so the service's field errors land on the right input. */
const lineForm = z.object({
  kind: z.enum(['labour', 'part']),
  description: z.string().trim().min(1).max(500),
  quantityMilli: z.string().refine((text) => amount(text) && parseThousandths(text)! > 0),
  unitPriceMillimes: z.string().refine(amount),
  vatRateBp: z.enum(VAT_RATES_BP.map(String) as [string, ...string[]]),
});
type LineForm = z.infer<typeof lineForm>;

function AddLine({ jobId }: { jobId: string }) {
  const { t } = useTranslation(['technician', 'workshop', 'common']);
  const queryClient = useQueryClient();
  const fieldError = useFieldError();
  const form = useForm<LineForm>({ resolver: zodResolver(lineForm), defaultValues: { kind: 'labour', description: '', quantityMilli: '1', unitPriceMillimes: '', vatRateBp: '1900' } });
  const add = useMutation({
    mutationFn: (values: LineForm) =>
      apiJson(`/api/v1/work-orders/${jobId}/lines`, {
        method: 'POST',
        json: {
          kind: values.kind,
          description: values.description,
          quantityMilli: parseThousandths(values.quantityMilli),
          unitPriceMillimes: parseThousandths(values.unitPriceMillimes),
          vatRateBp: Number(values.vatRateBp),
        },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['work-orders', jobId] }),
  });
  const submit = form.handleSubmit(async (values) => {
    try {
      await add.mutateAsync(values);
      form.reset({ ...values, description: '', quantityMilli: '1', unitPriceMillimes: '' });
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-line-title" data-testid="add-line">
      <Stack>
        <Title order={3} id="add-line-title">
          {t('line.title')}
        </Title>
        <FormError form={form} />
        <div className={classes.form}>
          <NativeSelect label={t('line.kind')} data={[{ value: 'labour', label: t('workshop:kind.labour') }, { value: 'part', label: t('workshop:kind.part') }]} {...form.register('kind')} />
          <NativeSelect label={t('line.vat')} data={VAT_RATES_BP.map((bp) => ({ value: String(bp), label: formatVatRate(bp) }))} {...form.register('vatRateBp')} error={fieldError(errors.vatRateBp)} />
          <Textarea className={classes.wide} label={t('line.description')} autosize minRows={2} {...form.register('description')} error={fieldError(errors.description)} />
          <TextInput label={t('line.quantity')} description={t('line.quantityHint')} inputMode="decimal" {...form.register('quantityMilli')} error={fieldError(errors.quantityMilli)} />
          <TextInput label={t('line.unitPrice')} description={t('line.unitPriceHint')} inputMode="decimal" {...form.register('unitPriceMillimes')} error={fieldError(errors.unitPriceMillimes)} />
        </div>
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting}>
            {t('line.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function JobCard({ job }: { job: WorkOrderDetail }) {
  const { t, i18n } = useTranslation(['technician', 'workshop', 'common']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const me = useMe();
  const queryClient = useQueryClient();
  const [actionError, setActionError] = useState<unknown>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['work-orders'] });
  const act = useMutation({
    mutationFn: (action: { path: string; json: unknown }) => apiJson(`/api/v1/work-orders/${job.id}/${action.path}`, { method: 'POST', json: action.json }),
    onMutate: () => setActionError(undefined),
    onSuccess: refresh,
    onError: setActionError,
  });
  const mine = job.timeEntries.filter((entry) => entry.technicianId === me.id);
  const running = mine.find((entry) => entry.endedAt === null);
  const next = NEXT_STATUS[job.status] ?? [];
  const linesOpen = job.status === 'open' || duringJob(job.status);
  return (
    <Stack>
      <Anchor component={Link} to="/jobs">
        {t('job.back')}
      </Anchor>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} className={classes.plate}>
          {job.vehicle ? (
            <>
              <bdi dir="ltr">{job.vehicle.plate}</bdi>
              {` · ${job.vehicle.make} ${job.vehicle.model} (${job.vehicle.year})`}
            </>
          ) : (
            t('job.title')
          )}
        </Title>
        <Group gap="xs" wrap="wrap">
          <Text fw={700} data-testid="work-order-number">
            <bdi dir="ltr">{job.number}</bdi>
          </Text>
          <StatusBadge status={job.status} />
        </Group>
      </Group>
      {actionError ? <ErrorState error={actionError} /> : null}
      <div className={classes.columns}>
        <Card withBorder>
          <Stack gap="xs">
            <Title order={2} size="h4">
              {t('job.complaint')}
            </Title>
            <Text className={classes.text} data-testid="complaint" dir="auto">
              {job.complaint}
            </Text>
            {job.mileageInKm !== null ? <Text size="sm">{t('job.mileage', { km: job.mileageInKm })}</Text> : null}
          </Stack>
        </Card>
        <Card withBorder>
          <Stack gap="xs">
            <Title order={2} size="h4">
              {t('job.customer')}
            </Title>
            <Text className={classes.text} data-testid="customer-name">
              {job.customer?.name ?? '—'}
            </Text>
            {job.customer?.phone ? (
              <Anchor href={`tel:${job.customer.phone}`} dir="ltr">
                {job.customer.phone}
              </Anchor>
            ) : null}
          </Stack>
        </Card>
      </div>
      <Card withBorder>
        <Stack>
          <Title order={2} size="h4">
            {t('job.work')}
          </Title>
          <Group wrap="wrap">
            {running ? (
              <Button color="red.9" onClick={() => act.mutate({ path: 'time', json: { action: 'clock_out' } })} loading={act.isPending}>
                {t('job.clockOut')}
              </Button>
            ) : (
              <Button onClick={() => act.mutate({ path: 'time', json: { action: 'clock_in' } })} disabled={job.status !== 'in_progress' && job.status !== 'quality_check'} loading={act.isPending}>
                {t('job.clockIn')}
              </Button>
            )}
            {next.map((to) => (
              <Button key={to} color={MOVE_COLOUR[to]} onClick={() => act.mutate({ path: 'status', json: { status: to } })} loading={act.isPending} data-move={to}>
                {t(to === 'in_progress' && job.status !== 'approved' ? 'job.moveTo.resume' : `job.moveTo.${to}`)}
              </Button>
            ))}
          </Group>
          <Text size="sm" data-testid="clock-state">
            {running ? t('job.clockedInSince', { time: formatDateTime(running.startedAt, language) }) : job.status === 'in_progress' ? t('job.notClockedIn') : t('job.clockOnlyInProgress')}
          </Text>
          {mine.length > 0 ? (
            <ScrollX label={t('job.myTime')}>
              <Table miw={320} captionSide="top">
                <Table.Caption>{t('job.myTime')}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('job.started')}</Table.Th>
                    <Table.Th scope="col">{t('job.ended')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {mine.map((entry) => (
                    <Table.Tr key={entry.id}>
                      <Table.Td>{formatDateTime(entry.startedAt, language)}</Table.Td>
                      <Table.Td>{entry.endedAt ? formatDateTime(entry.endedAt, language) : t('job.running')}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollX>
          ) : null}
        </Stack>
      </Card>
      <Card withBorder>
        <Stack>
          <LinesTable order={job} />
          {linesOpen ? <AddLine jobId={job.id} /> : <Alert color="gray">{t('line.closed')}</Alert>}
        </Stack>
      </Card>
      <JobParts jobId={job.id} />
    </Stack>
  );
}

interface JobPart {
  lineId: string;
  partId: string;
  reference: string;
  brand: string;
  description: string;
  quantityMilli: number;
  consumed: boolean;
  /** Held for this job since the customer approved the line; short: still to arrive. */
  reservedMilli: number;
  shortMilli: number;
}

type PartStock = 'consumed' | 'short' | 'reserved' | 'notConsumed';

function stockOf(part: JobPart): PartStock {
  if (part.consumed) return 'consumed';
  if (part.shortMilli > 0) return 'short';
  return part.reservedMilli > 0 ? 'reserved' : 'notConsumed';
}

/** The catalogue parts of the job: reference, description, quantity, taken from stock, reserved for the job or still awaited (never a price). */
function JobParts({ jobId }: { jobId: string }) {
  const { t } = useTranslation('technician');
  const parts = useQuery({ queryKey: ['work-orders', jobId, 'parts'], queryFn: ({ signal }) => apiJson<{ items: JobPart[] }>(`/api/v1/work-orders/${jobId}/parts`, { signal }) });
  const items = parts.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Card withBorder data-testid="job-parts">
      <ScrollX label={t('job.parts.title')}>
        <Table miw={300} captionSide="top">
          <Table.Caption>{t('job.parts.title')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('job.parts.reference')}</Table.Th>
              <Table.Th scope="col">{t('job.parts.quantity')}</Table.Th>
              <Table.Th scope="col">{t('job.parts.stock')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((part) => (
              <Table.Tr key={part.lineId} data-testid="job-part">
                <Table.Td>
                  <Text size="sm" fw={600}>
                    <bdi>{`${part.brand} ${part.reference}`}</bdi>
                  </Text>
                  <Text size="sm">
                    <bdi>{part.description}</bdi>
                  </Text>
                </Table.Td>
                <Table.Td>
                  <bdi>{String(part.quantityMilli / 1000).replace('.', ',')}</bdi>
                </Table.Td>
                <Table.Td data-consumed={part.consumed} data-stock={stockOf(part)}>
                  {stockOf(part) === 'short' ? t('job.parts.short', { quantity: String(part.shortMilli / 1000).replace('.', ',') }) : t(`job.parts.${stockOf(part)}`)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollX>
    </Card>
  );
}

/** The job card: vehicle, complaint, the customer's name and phone, time, lines and status. */
export default function JobScreen() {
  const { id = '' } = useParams();
  const job = useQuery({ queryKey: ['work-orders', id], queryFn: ({ signal }) => apiJson<WorkOrderDetail>(`/api/v1/work-orders/${id}`, { signal }) });
  return <QueryState query={job}>{(data) => <JobCard job={data} />}</QueryState>;
}
