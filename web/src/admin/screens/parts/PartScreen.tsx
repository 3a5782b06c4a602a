import { Anchor, Button, Checkbox, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { stockMovementBody } from '@ecar/contracts/requests/garage';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { apiJson } from '../../../shell/api/client.ts';
import { useCursorList } from '../../../shell/api/paging.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { ScrollX } from '../../../shell/ui/ScrollX.tsx';
import { EmptyState, QueryState } from '../../../shell/ui/states.tsx';
import { checkBody } from '../../lib/forms.ts';
import { formatRate, formatThousandths, Money, parseThousandths, Section, ShortId, StatusBadge, When } from '../../lib/ui.tsx';
import { PartForm } from './PartForm.tsx';
import { formatSigned, isLow, type PartDetail, type StockMovement, type StockReservation } from './types.ts';

const MANUAL_KINDS = ['receipt', 'adjustment', 'return'] as const;

interface MovementForm {
  kind: (typeof MANUAL_KINDS)[number];
  location: string;
  quantity: string;
  reason: string;
  allowNegative: boolean;
}

/** `-2,5` or `3` → thousandths (an adjustment may be negative). */
function parseSigned(text: string): number | undefined {
  const trimmed = text.trim();
  const negative = trimmed.startsWith('-') || trimmed.startsWith('−');
  const magnitude = parseThousandths(negative ? trimmed.slice(1) : trimmed);
  return magnitude === undefined ? undefined : negative ? -magnitude : magnitude;
}

function RecordMovement({ part }: { part: PartDetail }) {
  const { t } = useTranslation('parts');
  const fieldError = useFieldError();
  const client = useQueryClient();
  const [done, setDone] = useState(false);
  const form = useForm<MovementForm>({ defaultValues: { kind: 'receipt', location: 'main', quantity: '', reason: '', allowNegative: false } });
  const kind = form.watch('kind');
  const submit = form.handleSubmit(async (values) => {
    setDone(false);
    const reason = values.reason.trim();
    const body = checkBody(
      form,
      stockMovementBody,
      {
        kind: values.kind,
        location: values.location.trim(),
        quantityMilli: parseSigned(values.quantity) ?? 0,
        ...(reason ? { reason } : {}),
        ...(values.kind === 'adjustment' && values.allowNegative ? { allowNegative: true } : {}),
      },
      { quantityMilli: 'quantity' },
    );
    if (!body) return;
    try {
      await apiJson(`/api/v1/parts/${part.id}/movements`, { method: 'POST', json: body });
      form.reset({ ...values, quantity: '', reason: '', allowNegative: false });
      setDone(true);
      await Promise.all([
        client.invalidateQueries({ queryKey: ['admin', 'part', part.id] }),
        client.invalidateQueries({ queryKey: ['admin', 'part-movements', part.id] }),
        client.invalidateQueries({ queryKey: ['admin', 'parts'] }),
        client.invalidateQueries({ queryKey: ['admin', 'stock-low'] }),
      ]);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <Section title={t('stock.movementTitle')} testId="movement">
      <form onSubmit={submit} noValidate data-testid="movement-form">
        <Stack gap="xs">
          <Group align="flex-start" wrap="wrap">
            <NativeSelect label={t('stock.kind')} data={MANUAL_KINDS.map((value) => ({ value, label: t(`stock.kinds.${value}`) }))} {...form.register('kind')} />
            <TextInput label={t('stock.location')} required {...form.register('location')} error={fieldError(form.formState.errors.location)} />
            <TextInput label={t('stock.quantity')} inputMode="decimal" required {...form.register('quantity')} error={fieldError(form.formState.errors.quantity)} />
          </Group>
          {kind === 'adjustment' ? <Text size="sm">{t('stock.adjustmentHint')}</Text> : null}
          <TextInput label={t('stock.reason')} required={kind === 'adjustment'} {...form.register('reason')} error={fieldError(form.formState.errors.reason)} />
          {kind === 'adjustment' ? <Checkbox label={t('stock.allowNegative')} {...form.register('allowNegative')} /> : null}
          <FormError form={form} />
          <Group>
            <Button type="submit" loading={form.formState.isSubmitting} data-testid="movement-save">
              {t('stock.record')}
            </Button>
            {done ? (
              <Text size="sm" c="teal.9" role="status" data-state="action-done">
                {t('stock.recorded')}
              </Text>
            ) : null}
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

function Levels({ part }: { part: PartDetail }) {
  const { t } = useTranslation('parts');
  return (
    <Section title={t('stock.levels')} testId="levels">
      <Group gap="md">
        <Text fw={700} data-testid="on-hand">
          {`${t('fields.onHand')} : `}
          <bdi>{formatSigned(part.onHandMilli)}</bdi>
        </Text>
        <Text data-testid="reserved">
          {`${t('fields.reserved')} : `}
          <bdi>{formatSigned(part.reservedMilli)}</bdi>
        </Text>
        <Text fw={700} data-testid="available">
          {`${t('fields.available')} : `}
          <bdi>{formatSigned(part.availableMilli)}</bdi>
        </Text>
        {part.shortMilli > 0 ? (
          <Text c="red.9" data-testid="short">
            {`${t('fields.short')} : `}
            <bdi>{formatSigned(part.shortMilli)}</bdi>
          </Text>
        ) : null}
        {isLow(part) ? <StatusBadge value="low" color="orange" label={t('stock.low')} /> : null}
      </Group>
      {part.levels.length === 0 ? (
        <EmptyState>{t('stock.noStock')}</EmptyState>
      ) : (
        <ScrollX label={t('stock.levels')}>
          <Table miw={280}>
            <Table.Caption c="gray.8">{t('stock.levels')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('stock.location')}</Table.Th>
                <Table.Th scope="col">{t('fields.onHand')}</Table.Th>
                <Table.Th scope="col">{t('fields.reserved')}</Table.Th>
                <Table.Th scope="col">{t('fields.available')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {part.levels.map((level) => (
                <Table.Tr key={level.location} data-testid="level-row">
                  <Table.Td>
                    <bdi>{level.location}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <bdi>{formatSigned(level.onHandMilli)}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <bdi>{formatSigned(level.reservedMilli)}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <bdi>{formatSigned(level.availableMilli)}</bdi>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollX>
      )}
    </Section>
  );
}

const RESERVATION_COLORS = { reserved: 'blue', released: 'gray', consumed: 'teal' } as const;

/** What approved work-order lines hold of the part: reserved (or short), released, consumed with the completion. */
function Reservations({ part }: { part: PartDetail }) {
  const { t } = useTranslation('parts');
  const list = useCursorList<StockReservation>(['admin', 'part-reservations', part.id], `/api/v1/parts/${part.id}/reservations`, {}, { cursorParam: 'after' });
  return (
    <Section title={t('reservations.title')} testId="reservations">
      {list.query.isSuccess && list.items.length === 0 ? (
        <EmptyState>{t('reservations.none')}</EmptyState>
      ) : (
        <CursorTable
          list={list}
          caption={t('reservations.title')}
          rowKey={(row) => row.id}
          columns={[
            { id: 'when', header: t('stock.when'), cell: (row) => <When at={row.createdAt} /> },
            {
              id: 'workOrder',
              header: t('stock.workOrder'),
              cell: (row) => (
                <Anchor component={Link} to={`/work-orders/${row.workOrderId}`}>
                  <bdi>{row.workOrderNumber}</bdi>
                </Anchor>
              ),
            },
            { id: 'location', header: t('stock.location'), cell: (row) => <bdi>{row.location}</bdi> },
            { id: 'quantity', header: t('stock.quantity'), cell: (row) => <bdi>{formatSigned(row.quantityMilli)}</bdi> },
            { id: 'held', header: t('reservations.held'), cell: (row) => <bdi>{row.status === 'reserved' ? formatSigned(row.reservedMilli) : '—'}</bdi> },
            {
              id: 'status',
              header: t('reservations.status'),
              cell: (row) => (
                <span data-reservation={row.status}>
                  <StatusBadge
                    value={row.status}
                    color={row.status === 'reserved' && row.reservedMilli < row.quantityMilli ? 'red' : RESERVATION_COLORS[row.status]}
                    label={row.status === 'reserved' && row.reservedMilli < row.quantityMilli ? t('reservations.short') : t(`reservations.statuses.${row.status}`)}
                  />
                </span>
              ),
            },
          ]}
        />
      )}
    </Section>
  );
}

function Ledger({ part }: { part: PartDetail }) {
  const { t } = useTranslation('parts');
  const list = useCursorList<StockMovement>(['admin', 'part-movements', part.id], `/api/v1/parts/${part.id}/movements`, {}, { cursorParam: 'after' });
  return (
    <Section title={t('stock.ledger')} testId="ledger">
      <CursorTable
        list={list}
        caption={t('stock.ledger')}
        rowKey={(row) => row.id}
        columns={[
          { id: 'when', header: t('stock.when'), cell: (row) => <When at={row.createdAt} /> },
          { id: 'kind', header: t('stock.kind'), cell: (row) => <span data-kind={row.kind}>{t(`stock.kinds.${row.kind}`)}</span> },
          { id: 'location', header: t('stock.location'), cell: (row) => <bdi>{row.location}</bdi> },
          { id: 'quantity', header: t('stock.quantity'), cell: (row) => <bdi>{formatSigned(row.quantityMilli)}</bdi> },
          { id: 'after', header: t('stock.after'), cell: (row) => <bdi>{formatSigned(row.onHandAfterMilli)}</bdi> },
          { id: 'unitCost', header: t('stock.unitCost'), cell: (row) => (typeof row.unitCostMillimes === 'number' ? <Money millimes={row.unitCostMillimes} /> : '—') },
          { id: 'averageAfter', header: t('stock.averageAfter'), cell: (row) => (typeof row.averageCostAfterMillimes === 'number' ? <Money millimes={row.averageCostAfterMillimes} /> : '—') },
          {
            id: 'reason',
            header: t('stock.reason'),
            cell: (row) => (
              <Group gap={4}>
                {row.reason ? <span dir="auto">{row.reason}</span> : null}
                {row.negativeAllowed ? <StatusBadge value="override" color="red" label={t('stock.override')} /> : null}
              </Group>
            ),
          },
          {
            id: 'workOrder',
            header: t('stock.workOrder'),
            cell: (row) =>
              row.workOrderId ? (
                <Anchor component={Link} to={`/work-orders/${row.workOrderId}`}>
                  {row.workOrderNumber ? <bdi>{row.workOrderNumber}</bdi> : <ShortId id={row.workOrderId} />}
                </Anchor>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </Section>
  );
}

/** One part: its details (editable), its stock per location, the movement forms and its ledger. */
export default function PartScreen() {
  const { t } = useTranslation('parts');
  const { id = '' } = useParams();
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  const query = useQuery({ queryKey: ['admin', 'part', id], queryFn: () => apiJson<PartDetail>(`/api/v1/parts/${id}`) });
  return (
    <QueryState query={query}>
      {(part) => (
        <Stack>
          <Group justify="space-between" wrap="wrap">
            <Title order={1}>
              <bdi>{`${part.brand} ${part.reference}`}</bdi>
            </Title>
            <Text>
              <Money millimes={part.sellingPriceMillimes} />
              {` · ${formatRate(part.vatRateBp)} · ${t('fields.reorderPoint')} ${formatThousandths(part.reorderPointMilli)}`}
            </Text>
            {part.averageCostMillimes !== undefined ? (
              <Text size="sm" data-testid="average-cost">
                {`${t('stock.averageCost')} : `}
                <Money millimes={part.averageCostMillimes} />
              </Text>
            ) : null}
          </Group>
          <Levels part={part} />
          <Reservations part={part} />
          <RecordMovement part={part} />
          <Ledger part={part} />
          <Section title={t('catalogue.editTitle')} testId="part-edit">
            <PartForm
              key={part.updatedAt}
              part={part}
              onSaved={async () => {
                setSaved(true);
                await client.invalidateQueries({ queryKey: ['admin', 'part', id] });
                await client.invalidateQueries({ queryKey: ['admin', 'parts'] });
              }}
            />
            {saved ? (
              <Text size="sm" c="teal.9" role="status">
                {t('catalogue.saved')}
              </Text>
            ) : null}
          </Section>
        </Stack>
      )}
    </QueryState>
  );
}
