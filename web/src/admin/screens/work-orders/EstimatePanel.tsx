import { Badge, Button, Group, Modal, NativeSelect, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { editLineBody, recordedDecisionsBody, type LineApproval } from '@ecar/contracts/requests/garage';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type CSSProperties } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { apiJson } from '../../../shell/api/client.ts';
import { formatDateTime, formatMoney } from '../../../shell/format.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { ScrollX } from '../../../shell/ui/ScrollX.tsx';
import stacked from '../../../shell/ui/stackedTable.module.css';
import { EmptyState, QueryState } from '../../../shell/ui/states.tsx';
import { checkBody, type LineForm } from '../../lib/forms.ts';
import { linesEditable } from '../../lib/status.ts';
import type { WorkOrderDetail, WorkOrderLine } from '../../lib/types.ts';
import { duringJob } from '../../../workshop/workOrder.ts';
import { ActionResult, ConfirmButton, formatRate, formatThousandths, Money, parseThousandths, Section, useAction, useLanguage } from '../../lib/ui.tsx';

/** Estimates line by line in the back office (issue #14): each line's approval, corrections, an answer given by phone, the versions. */

const VAT_RATES = ['1900', '1300', '700', '0'] as const;
const APPROVAL_COLOR: Record<LineApproval, string> = { draft: 'gray.8', awaiting_approval: 'indigo.9', approved: 'teal.9', declined: 'red.9' };

const orderKey = (order: { id: string }) => ['admin', 'work-order', order.id] as const;
const versionsKey = (order: { id: string }) => ['admin', 'work-order', order.id, 'versions'] as const;

/** A line may be corrected or removed while not approved, on an open order or during the job. */
function changeable(order: WorkOrderDetail, line: WorkOrderLine): boolean {
  return linesEditable(order.status) && (line.approval === 'draft' || line.approval === 'awaiting_approval');
}

export function ApprovalBadge({ approval }: { approval: LineApproval }) {
  const { t } = useTranslation('estimates');
  return (
    <Badge variant="filled" color={APPROVAL_COLOR[approval]} data-approval={approval}>
      {t(`approval.${approval}`)}
    </Badge>
  );
}

export function EstimateHeaderCells() {
  const { t } = useTranslation('estimates');
  return (
    <>
      <Table.Th scope="col">{t('columns.approval')}</Table.Th>
      <Table.Th scope="col">{t('columns.actions')}</Table.Th>
    </>
  );
}

function EditLine({ order, line, onClose }: { order: WorkOrderDetail; line: WorkOrderLine; onClose: () => void }) {
  const { t } = useTranslation(['estimates', 'admin']);
  const fieldError = useFieldError();
  const client = useQueryClient();
  const form = useForm<LineForm>({
    defaultValues: {
      kind: line.kind,
      description: line.description,
      quantity: formatThousandths(line.quantityMilli).replace(/\s/g, ''),
      unitPrice: formatThousandths(line.unitPriceMillimes).replace(/\s/g, ''),
      vatRateBp: String(line.vatRateBp) as LineForm['vatRateBp'],
    },
  });
  const submit = form.handleSubmit(async (values) => {
    const body = checkBody(
      form,
      editLineBody,
      { kind: values.kind, description: values.description, quantityMilli: parseThousandths(values.quantity) ?? -1, unitPriceMillimes: parseThousandths(values.unitPrice) ?? -1, vatRateBp: Number(values.vatRateBp) },
      { quantityMilli: 'quantity', unitPriceMillimes: 'unitPrice' },
    );
    if (!body) return;
    try {
      await apiJson(`/api/v1/work-orders/${order.id}/lines/${line.id}`, { method: 'PATCH', json: body });
      await client.invalidateQueries({ queryKey: orderKey(order) });
      onClose();
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="line-edit">
      <Stack gap="xs">
        <NativeSelect
          label={t('admin:workOrders.lineKind')}
          data={(['labour', 'part'] as const).map((value) => ({ value, label: t(`admin:workOrders.lineKinds.${value}`) }))}
          {...form.register('kind')}
        />
        <TextInput label={t('admin:workOrders.description')} required {...form.register('description')} error={fieldError(form.formState.errors.description)} />
        <TextInput label={t('admin:workOrders.quantity')} inputMode="decimal" required {...form.register('quantity')} error={fieldError(form.formState.errors.quantity)} />
        <TextInput label={t('admin:workOrders.unitPrice')} inputMode="decimal" required {...form.register('unitPrice')} error={fieldError(form.formState.errors.unitPrice)} />
        <NativeSelect label={t('admin:workOrders.vatRate')} data={VAT_RATES.map((value) => ({ value, label: formatRate(Number(value)) }))} {...form.register('vatRateBp')} />
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting} data-testid="line-edit-save">
            {t('save')}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t('cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The approval and the actions cells of one line of the job card's table. */
export function EstimateLineCells({ order, line }: { order: WorkOrderDetail; line: WorkOrderLine }) {
  const { t } = useTranslation('estimates');
  const [editing, setEditing] = useState(false);
  const remove = useAction(() => apiJson(`/api/v1/work-orders/${order.id}/lines/${line.id}`, { method: 'DELETE' }), [orderKey(order)]);
  return (
    <>
      <Table.Td data-label={t('columns.approval')}>
        <ApprovalBadge approval={line.approval} />
      </Table.Td>
      <Table.Td data-label={t('columns.actions')}>
        {changeable(order, line) ? (
          <Stack gap={4}>
            <Group gap="xs" wrap="nowrap">
              <Button size="xs" variant="default" onClick={() => setEditing(true)} data-testid="line-edit-open">
                {t('edit')}
              </Button>
              <ConfirmButton label={t('remove')} question={t('removeQuestion', { description: line.description })} color="red" onConfirm={() => remove.mutate()} loading={remove.isPending} testId="line-remove" />
            </Group>
            <ActionResult mutation={remove} />
            <Modal opened={editing} onClose={() => setEditing(false)} title={t('editTitle')} lockScroll={false}>
              {editing ? <EditLine order={order} line={line} onClose={() => setEditing(false)} /> : null}
            </Modal>
          </Stack>
        ) : null}
      </Table.Td>
    </>
  );
}

export function ApprovedTotal({ order }: { order: WorkOrderDetail }) {
  const { t } = useTranslation('estimates');
  return (
    <Text fw={700} data-testid="approved-total">
      {t('approvedTotal', { total: '' })}
      <Money millimes={order.approvedTotals.grossMillimes} />
    </Text>
  );
}

interface RecordForm {
  answers: Record<string, '' | 'approved' | 'declined'>;
  method: 'phone' | 'in_person';
  givenBy: string;
  givenAt: string;
  customerWords: string;
}

/** `YYYY-MM-DDTHH:mm` in the browser's zone, for a datetime-local field. */
function localNow(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** Staff record an answer the customer gave by phone or at the counter: per line, how, who, when, their words. */
export function RecordAnswer({ order }: { order: WorkOrderDetail }) {
  const { t } = useTranslation('estimates');
  const fieldError = useFieldError();
  const client = useQueryClient();
  const awaiting = order.lines.filter((line) => line.approval === 'awaiting_approval');
  const form = useForm<RecordForm>({
    defaultValues: { answers: Object.fromEntries(awaiting.map((line) => [line.id, ''])), method: 'phone', givenBy: order.customer?.name ?? '', givenAt: localNow(), customerWords: '' },
  });
  if (awaiting.length === 0 || (order.status !== 'estimate_sent' && !duringJob(order.status))) return null;
  const submit = form.handleSubmit(async (values) => {
    const decisions = Object.entries(values.answers)
      .filter((entry): entry is [string, 'approved' | 'declined'] => entry[1] !== '')
      .map(([lineId, decision]) => ({ lineId, decision }));
    if (decisions.length === 0) {
      form.setError('root.server', { type: 'server', message: t('record.noneAnswered') });
      return;
    }
    const givenAt = Number.isNaN(Date.parse(values.givenAt)) ? values.givenAt : new Date(values.givenAt).toISOString();
    const body = checkBody(form, recordedDecisionsBody, { decisions, method: values.method, givenBy: values.givenBy, givenAt, customerWords: values.customerWords });
    if (!body) return;
    try {
      await apiJson(`/api/v1/work-orders/${order.id}/estimate/recorded-decisions`, { method: 'POST', json: body });
      await Promise.all([client.invalidateQueries({ queryKey: orderKey(order) }), client.invalidateQueries({ queryKey: ['admin', 'work-orders'] })]);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <Section title={t('record.title')} testId="record-answer">
      <Text size="sm">{t('record.intro')}</Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="xs">
          {awaiting.map((line) => (
            <NativeSelect
              key={line.id}
              label={t('record.line', { description: line.description })}
              data={[
                { value: '', label: t('record.unanswered') },
                { value: 'approved', label: t('record.approve') },
                { value: 'declined', label: t('record.decline') },
              ]}
              data-line-id={line.id}
              {...form.register(`answers.${line.id}`)}
            />
          ))}
          <NativeSelect
            label={t('record.method')}
            data={(['phone', 'in_person'] as const).map((value) => ({ value, label: t(`record.methods.${value}`) }))}
            {...form.register('method')}
            data-testid="record-method"
          />
          <TextInput label={t('record.givenBy')} required {...form.register('givenBy')} error={fieldError(form.formState.errors.givenBy)} data-testid="record-given-by" />
          <TextInput label={t('record.givenAt')} type="datetime-local" required {...form.register('givenAt')} error={fieldError(form.formState.errors.givenAt)} />
          <Textarea label={t('record.customerWords')} required autosize minRows={2} {...form.register('customerWords')} error={fieldError(form.formState.errors.customerWords)} data-testid="record-words" />
          <FormError form={form} />
          <Group>
            <Button type="submit" loading={form.formState.isSubmitting} data-testid="record-submit">
              {t('record.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

interface VersionLine {
  id: string;
  description: string;
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp: number;
  approval: LineApproval;
}

interface EstimateVersion {
  version: number;
  kind: 'sent' | 'decision';
  /** `DV-2026-000045` for a version sent to the customer. */
  number: string | null;
  createdAt: string;
  lines: VersionLine[];
  totals: { grossMillimes: number };
  approvedTotals: { grossMillimes: number };
  decision: { method: 'app' | 'phone' | 'in_person'; givenBy: string | null; givenAt: string; customerWords: string | null } | null;
}

/** What was sent and what was approved, version by version (newest first). */
/** A version's lines: cards on phones (stackedTable.module.css), a table of at least 420 px from 36em. */
const VERSION_MIN_WIDTH = { '--stacked-min-width': '420px' } as CSSProperties;

export function EstimateVersions({ order }: { order: WorkOrderDetail }) {
  const { t } = useTranslation(['estimates', 'admin']);
  const language = useLanguage();
  const query = useQuery({
    queryKey: versionsKey(order),
    queryFn: () => apiJson<{ items: EstimateVersion[] }>(`/api/v1/work-orders/${order.id}/estimate/versions`),
  });
  return (
    <Section title={t('versions.title')} testId="estimate-versions">
      <QueryState query={query}>
        {({ items }) =>
          items.length === 0 ? (
            <EmptyState>{t('versions.none')}</EmptyState>
          ) : (
            <Stack gap="sm">
              {[...items].reverse().map((version) => (
                <Paper key={version.version} withBorder p="sm" data-testid="estimate-version" data-kind={version.kind}>
                  <Stack gap={4}>
                    <Title order={3} size="h5">
                      {`${version.number ? `${version.number} · ` : ''}${t('versions.version', { version: version.version })} · ${t(`versions.kinds.${version.kind}`)} · ${t('versions.at', { date: formatDateTime(version.createdAt, language) })}`}
                    </Title>
                    {version.decision ? (
                      <Stack gap={2} data-testid="version-decision">
                        <Text size="sm">{t('versions.decision', { method: t(`versions.methods.${version.decision.method}`) })}</Text>
                        {version.decision.givenBy ? (
                          <Text size="sm" dir="auto">
                            {t('versions.givenBy', { name: version.decision.givenBy })}
                          </Text>
                        ) : null}
                        <Text size="sm">{t('versions.givenAt', { date: formatDateTime(version.decision.givenAt, language) })}</Text>
                        {version.decision.customerWords ? (
                          <Text size="sm" dir="auto" data-testid="version-words">
                            {t('versions.words', { words: version.decision.customerWords })}
                          </Text>
                        ) : null}
                      </Stack>
                    ) : null}
                    <ScrollX label={t('versions.version', { version: version.version })}>
                      <Table className={stacked.table} style={VERSION_MIN_WIDTH}>
                        <Table.Tbody>
                          {version.lines.map((line) => (
                            <Table.Tr key={line.id}>
                              <Table.Td dir="auto" data-label={t('admin:workOrders.description')}>
                                {line.description}
                              </Table.Td>
                              <Table.Td data-label={t('admin:workOrders.amount')}>
                                <Money millimes={Math.round((line.quantityMilli * line.unitPriceMillimes) / 1000)} />
                              </Table.Td>
                              <Table.Td data-label={t('columns.approval')}>
                                <ApprovalBadge approval={line.approval} />
                              </Table.Td>
                            </Table.Tr>
                          ))}
                        </Table.Tbody>
                      </Table>
                    </ScrollX>
                    <Group gap="md">
                      <Text size="sm">
                        {t('versions.total', { total: '' })}
                        <bdi>{formatMoney(version.totals.grossMillimes)}</bdi>
                      </Text>
                      <Text size="sm" fw={700}>
                        {t('versions.approvedTotal', { total: '' })}
                        <bdi>{formatMoney(version.approvedTotals.grossMillimes)}</bdi>
                      </Text>
                    </Group>
                  </Stack>
                </Paper>
              ))}
            </Stack>
          )
        }
      </QueryState>
    </Section>
  );
}
