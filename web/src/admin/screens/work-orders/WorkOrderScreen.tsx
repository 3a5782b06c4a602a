import { Anchor, Button, Checkbox, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { lineBody } from '@ecar/contracts/requests/garage';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type CSSProperties } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { apiJson } from '../../../shell/api/client.ts';
import { formatDateTime } from '../../../shell/format.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { ScrollX } from '../../../shell/ui/ScrollX.tsx';
import { EmptyState, QueryState } from '../../../shell/ui/states.tsx';
import { checkBody, type LineForm } from '../../lib/forms.ts';
import { ADMIN_MOVES, linesEditable, WORK_ORDER_COLOR } from '../../lib/status.ts';
import { useTechnicians } from '../../lib/technicians.ts';
import { ScheduleForm } from '../planning/ScheduleForm.tsx';
import type { WorkOrderDetail, WorkOrderStatus } from '../../lib/types.ts';
import { ApprovedTotal, EstimateHeaderCells, EstimateLineCells, EstimateVersions, RecordAnswer } from './EstimatePanel.tsx';
import { ApplyCannedJob } from '../parts/ApplyCannedJob.tsx';
import { EstimatePdfButton } from '../../../workshop/EstimatePdf.tsx';
import { ActionResult, formatRate, formatThousandths, Money, parseThousandths, Section, StatusBadge, useAction, useLanguage, When } from '../../lib/ui.tsx';
import stacked from '../../../shell/ui/stackedTable.module.css';

/** Estimate lines: cards on phones (stackedTable.module.css), a table of at least 760 px from 36em. */
const LINES_MIN_WIDTH = { '--stacked-min-width': '760px' } as CSSProperties;

const VAT_RATES = ['1900', '1300', '700', '0'] as const;

function AddLine({ order }: { order: WorkOrderDetail }) {
  const { t } = useTranslation('admin');
  const fieldError = useFieldError();
  const client = useQueryClient();
  const form = useForm<LineForm>({ defaultValues: { kind: 'labour', description: '', quantity: '1', unitPrice: '', vatRateBp: '1900' } });
  const submit = form.handleSubmit(async (values) => {
    const body = checkBody(
      form,
      lineBody,
      { kind: values.kind, description: values.description, quantityMilli: parseThousandths(values.quantity) ?? -1, unitPriceMillimes: parseThousandths(values.unitPrice) ?? -1, vatRateBp: Number(values.vatRateBp) },
      { quantityMilli: 'quantity', unitPriceMillimes: 'unitPrice' },
    );
    if (!body) return;
    try {
      await apiJson(`/api/v1/work-orders/${order.id}/lines`, { method: 'POST', json: body });
      form.reset({ kind: values.kind, description: '', quantity: '1', unitPrice: '', vatRateBp: values.vatRateBp });
      await client.invalidateQueries({ queryKey: ['admin', 'work-order', order.id] });
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="line-add">
      <Stack gap="xs">
        <Group align="flex-start" wrap="wrap">
          <NativeSelect
            label={t('workOrders.lineKind')}
            data={(['labour', 'part'] as const).map((value) => ({ value, label: t(`workOrders.lineKinds.${value}`) }))}
            {...form.register('kind')}
          />
          <TextInput label={t('workOrders.description')} required {...form.register('description')} error={fieldError(form.formState.errors.description)} />
          <TextInput label={t('workOrders.quantity')} inputMode="decimal" required {...form.register('quantity')} error={fieldError(form.formState.errors.quantity)} />
          <TextInput label={t('workOrders.unitPrice')} inputMode="decimal" required {...form.register('unitPrice')} error={fieldError(form.formState.errors.unitPrice)} />
          <NativeSelect label={t('workOrders.vatRate')} data={VAT_RATES.map((value) => ({ value, label: formatRate(Number(value)) }))} {...form.register('vatRateBp')} />
        </Group>
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting}>
            {t('workOrders.addLine')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Technicians({ order }: { order: WorkOrderDetail }) {
  const { t } = useTranslation('admin');
  const technicians = useTechnicians();
  const [chosen, setChosen] = useState<string[]>(order.technicianIds);
  const assign = useAction(() => apiJson(`/api/v1/work-orders/${order.id}/assign`, { method: 'POST', json: { technicianIds: chosen } }), [['admin', 'work-order', order.id]]);
  return (
    <Section title={t('workOrders.technicians')} testId="technicians">
      <QueryState query={technicians} isEmpty={(items) => items.length === 0}>
        {(items) => (
          <Stack gap="xs">
            <Checkbox.Group label={t('workOrders.assignTitle')} value={chosen} onChange={setChosen}>
              <Stack gap={4} mt={4}>
                {items.map((technician) => (
                  <Checkbox key={technician.id} value={technician.id} label={technician.displayName} />
                ))}
              </Stack>
            </Checkbox.Group>
            <Group>
              <Button onClick={() => assign.mutate()} disabled={chosen.length === 0} loading={assign.isPending} data-testid="assign">
                {t('workOrders.assign')}
              </Button>
            </Group>
            <ActionResult mutation={assign} success={t('common.done')} />
          </Stack>
        )}
      </QueryState>
    </Section>
  );
}

function Lines({ order }: { order: WorkOrderDetail }) {
  const { t } = useTranslation('admin');
  return (
    <Section title={t('workOrders.lines')} testId="lines">
      {order.lines.length === 0 ? (
        <EmptyState />
      ) : (
        <ScrollX label={t('workOrders.lines')}>
          <Table className={stacked.table} style={LINES_MIN_WIDTH}>
            <Table.Caption c="gray.8">{t('workOrders.lines')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('workOrders.lineKind')}</Table.Th>
                <Table.Th scope="col">{t('workOrders.description')}</Table.Th>
                <Table.Th scope="col">{t('workOrders.quantity')}</Table.Th>
                <Table.Th scope="col">{t('workOrders.unitPrice')}</Table.Th>
                <Table.Th scope="col">{t('workOrders.vatRate')}</Table.Th>
                <Table.Th scope="col">{t('workOrders.amount')}</Table.Th>
                <EstimateHeaderCells />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {order.lines.map((line) => (
                <Table.Tr key={line.id} data-testid="line-row">
                  <Table.Td data-label={t('workOrders.lineKind')}>{t(`workOrders.lineKinds.${line.kind}`)}</Table.Td>
                  <Table.Td data-label={t('workOrders.description')}>
                    <span dir="auto">{line.description}</span>
                  </Table.Td>
                  <Table.Td data-label={t('workOrders.quantity')}>{formatThousandths(line.quantityMilli)}</Table.Td>
                  <Table.Td data-label={t('workOrders.unitPrice')}>
                    <Money millimes={line.unitPriceMillimes} />
                  </Table.Td>
                  <Table.Td data-label={t('workOrders.vatRate')}>{formatRate(line.vatRateBp)}</Table.Td>
                  <Table.Td data-label={t('workOrders.amount')}>
                    <Money millimes={Math.round((line.quantityMilli * line.unitPriceMillimes) / 1000)} />
                  </Table.Td>
                  <EstimateLineCells order={order} line={line} />
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollX>
      )}
      <Stack gap={2} data-testid="totals">
        <Text>
          {`${t('workOrders.totals.net')} : `}
          <Money millimes={order.totals.netMillimes} />
        </Text>
        <Text>
          {`${t('workOrders.totals.vat')} : `}
          <Money millimes={order.totals.vatMillimes} />
        </Text>
        <Text fw={700}>
          {`${t('workOrders.totals.gross')} : `}
          <Money millimes={order.totals.grossMillimes} />
        </Text>
        <ApprovedTotal order={order} />
      </Stack>
      {linesEditable(order.status) ? <AddLine order={order} /> : null}
      {linesEditable(order.status) ? <ApplyCannedJob order={order} /> : null}
    </Section>
  );
}

function TimeEntries({ order, names }: { order: WorkOrderDetail; names: Map<string, string> }) {
  const { t } = useTranslation('admin');
  return (
    <Section title={t('workOrders.time')}>
      {order.timeEntries.length === 0 ? (
        <EmptyState>{t('workOrders.noTime')}</EmptyState>
      ) : (
        <ScrollX label={t('workOrders.time')}>
          <Table miw={420}>
            <Table.Caption c="gray.8">{t('workOrders.time')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('workOrders.technician')}</Table.Th>
                <Table.Th scope="col">{t('workOrders.started')}</Table.Th>
                <Table.Th scope="col">{t('workOrders.ended')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {order.timeEntries.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td>{names.get(entry.technicianId) ?? entry.technicianId.slice(0, 8)}</Table.Td>
                  <Table.Td>
                    <When at={entry.startedAt} />
                  </Table.Td>
                  <Table.Td>{entry.endedAt ? <When at={entry.endedAt} /> : t('workOrders.running')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollX>
      )}
    </Section>
  );
}

function StatusActions({ order }: { order: WorkOrderDetail }) {
  const { t } = useTranslation('admin');
  const invalidate = [['admin', 'work-order', order.id], ['admin', 'work-orders']] as const;
  const move = useAction((status: WorkOrderStatus) => apiJson(`/api/v1/work-orders/${order.id}/status`, { method: 'POST', json: { status } }), invalidate);
  const decide = useAction((decision: 'approve' | 'decline') => apiJson(`/api/v1/work-orders/${order.id}/estimate/${decision}`, { method: 'POST', json: {} }), invalidate);
  return (
    <Stack gap="xs">
      <Group wrap="wrap">
        {ADMIN_MOVES[order.status].map((status) => (
          <Button
            key={status}
            variant={status === 'cancelled' ? 'default' : 'filled'}
            color={status === 'cancelled' ? 'red' : undefined}
            loading={move.isPending && move.variables === status}
            onClick={() => move.mutate(status)}
            data-move={status}
          >
            {status === 'estimate_sent' ? t('workOrders.sendEstimate') : t('workOrders.moveTo', { status: t(`workOrders.statuses.${status}`) })}
          </Button>
        ))}
        {order.status === 'estimate_sent' ? (
          <>
            <Button color="teal.9" onClick={() => decide.mutate('approve')} loading={decide.isPending} data-move="approve">
              {t('workOrders.approve')}
            </Button>
            <Button color="red" variant="light" onClick={() => decide.mutate('decline')} loading={decide.isPending} data-move="decline">
              {t('workOrders.decline')}
            </Button>
          </>
        ) : null}
      </Group>
      <ActionResult mutation={move} />
      <ActionResult mutation={decide} />
    </Stack>
  );
}

export default function WorkOrderScreen() {
  const { t } = useTranslation('admin');
  const language = useLanguage();
  const { id = '' } = useParams();
  const query = useQuery({ queryKey: ['admin', 'work-order', id], queryFn: () => apiJson<WorkOrderDetail>(`/api/v1/work-orders/${id}`) });
  const technicians = useTechnicians();
  const names = new Map((technicians.data ?? []).map((technician) => [technician.id, technician.displayName]));
  return (
    <QueryState query={query}>
      {(order) => (
        <Stack>
          <Group justify="space-between" wrap="wrap">
            <Title order={1}>
              {t('workOrders.detail')} <bdi data-testid="work-order-number">{order.number}</bdi>
            </Title>
            <StatusBadge value={order.status} color={WORK_ORDER_COLOR[order.status]} label={t(`workOrders.statuses.${order.status}`)} />
          </Group>
          <Section title={t('workOrders.complaint')}>
            <Text data-testid="complaint" dir="auto">
              {order.complaint}
            </Text>
            <Group wrap="wrap">
              {order.customer ? (
                <Anchor component={Link} to={`/customers/${order.customer.id}`}>
                  {order.customer.name}
                </Anchor>
              ) : null}
              {order.customer?.phone ? <bdi>{order.customer.phone}</bdi> : null}
              {order.vehicle ? (
                <Anchor component={Link} to={`/vehicles/${order.vehicle.id}`}>
                  <bdi>{`${order.vehicle.plate} · ${order.vehicle.make} ${order.vehicle.model}`}</bdi>
                </Anchor>
              ) : null}
              {order.mileageInKm !== null ? <Text size="sm">{`${t('workOrders.mileageIn')} : ${order.mileageInKm} km`}</Text> : null}
              <Text size="sm">
                {`${t('workOrders.opened')} `}
                <When at={order.createdAt} />
              </Text>
            </Group>
            {order.estimateDecision && order.estimateDecidedAt ? (
              <Text data-testid="decision">{t('workOrders.decision', { date: formatDateTime(order.estimateDecidedAt, language), decision: t(`workOrders.decisions.${order.estimateDecision}`) })}</Text>
            ) : null}
            <StatusActions order={order} />
            {order.lines.length > 0 ? (
              <Group>
                <EstimatePdfButton workOrderId={order.id} workOrderNumber={order.number} />
              </Group>
            ) : null}
            {order.status === 'completed' || order.status === 'delivered' ? (
              <Anchor component={Link} to="/invoices?status=draft">
                {t('invoices.draftsHint')}
              </Anchor>
            ) : null}
          </Section>
          <Lines order={order} />
          <RecordAnswer key={order.lines.map((line) => `${line.id}:${line.approval}`).join()} order={order} />
          <EstimateVersions order={order} />
          <Technicians order={order} />
          <ScheduleForm path={`/api/v1/work-orders/${order.id}/schedule`} invalidate={[['admin', 'work-order', order.id]]} />
          <TimeEntries order={order} names={names} />
        </Stack>
      )}
    </QueryState>
  );
}
