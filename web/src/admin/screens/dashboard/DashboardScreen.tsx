import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { apiJson } from '../../../shell/api/client.ts';
import type { CursorPage } from '../../../shell/api/paging.ts';
import { formatDate, formatDateTime, formatMoney, formatTime, tunisDayBounds } from '../../../shell/format.ts';
import { isLanguage, type Language } from '../../../shell/i18n/languages.ts';
import { ScrollX } from '../../../shell/ui/ScrollX.tsx';
import type { EarlyQuery } from '../../../shell/screens.ts';
import { EmptyState, LoadingState, QueryState } from '../../../shell/ui/states.tsx';
import { BOARD_STATUSES, appointmentsBetween, type Alert, type BackupRun, type BoardStatus, type Drill, type InvoiceBalance, type InvoiceSummary, type WorkOrderSummary } from './api.ts';
import classes from './dashboard.module.css';
import stacked from '../../../shell/ui/stackedTable.module.css';
import { KEY, RECENT_INVOICES, dashboardQueries } from './queries.ts';
import { KeyFigures } from './KeyFigures.tsx';

/** A query of queries.ts (the ones also started at boot) through the API client. */
function specQuery<T>(spec: EarlyQuery) {
  return { queryKey: spec.key, queryFn: ({ signal }: { signal: AbortSignal }) => apiJson<T>(spec.path, { query: spec.query, signal }) };
}

function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : 'fr';
}

function Panel({ title, children, wide = false, testId }: { title: string; children: ReactNode; wide?: boolean; testId: string }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title} className={wide ? classes.wide : undefined} data-testid={testId}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function TodayAppointments() {
  const { t } = useTranslation('dashboard');
  const language = useLanguage();
  const { from, to } = tunisDayBounds();
  const appointments = useQuery({ queryKey: [KEY, 'appointments', from], queryFn: ({ signal }) => appointmentsBetween(from, to, signal) });
  const customerIds = [...new Set((appointments.data ?? []).map((appointment) => appointment.customerId))];
  const customers = useQueries({
    queries: customerIds.map((id) => ({ queryKey: ['customers', id], queryFn: ({ signal }: { signal: AbortSignal }) => apiJson<{ id: string; name: string }>(`/api/v1/customers/${id}`, { signal }) })),
  });
  const nameOf = (id: string) => customers.find((query) => query.data?.id === id)?.data?.name ?? '…';
  return (
    <Panel title={t('appointments.title')} testId="today-appointments">
      <QueryState query={appointments} isEmpty={(rows) => rows.length === 0} empty={t('appointments.empty')}>
        {(rows) => (
          <ScrollX label={t('appointments.title')}>
            <Table className={stacked.table} style={{ '--stacked-min-width': '320px' } as CSSProperties}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('appointments.time')}</Table.Th>
                  <Table.Th scope="col">{t('appointments.customer')}</Table.Th>
                  <Table.Th scope="col">{t('appointments.status')}</Table.Th>
                  <Table.Th scope="col">{t('appointments.note')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((appointment) => (
                  <Table.Tr key={appointment.id}>
                    <Table.Td data-label={t('appointments.time')}>{formatTime(appointment.slotStart, language)}</Table.Td>
                    <Table.Td data-label={t('appointments.customer')}>{nameOf(appointment.customerId)}</Table.Td>
                    <Table.Td data-label={t('appointments.status')}>{t(`appointments.statuses.${appointment.status}`)}</Table.Td>
                    <Table.Td data-label={t('appointments.note')}>
                      <span dir="auto">{appointment.note ?? ''}</span>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollX>
        )}
      </QueryState>
    </Panel>
  );
}

function BoardColumn({ status }: { status: BoardStatus }) {
  const { t } = useTranslation('dashboard');
  const language = useLanguage();
  const orders = useQuery(specQuery<CursorPage<WorkOrderSummary>>(dashboardQueries.board(status)));
  const count = orders.data ? `${orders.data.items.length}${orders.data.nextCursor ? '+' : ''}` : '';
  const headingId = `board-${status}`;
  return (
    <section className={classes.column} aria-labelledby={headingId} data-status={status}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Text fw={700} size="sm" id={headingId} component="h3" m={0}>
          {t(`board.statuses.${status}`)}
        </Text>
        <Badge variant="filled" color="dark" aria-hidden={count === ''}>
          {count}
        </Badge>
      </Group>
      <QueryState query={orders} isEmpty={(page) => page.items.length === 0} empty={t('board.empty')}>
        {(page) => (
          <ul className={classes.list}>
            {page.items.map((order) => (
              <li key={order.id}>
                <Link className={classes.card} to={`/work-orders/${order.id}`} data-work-order={order.id}>
                  <Text size="xs" fw={700} data-testid="work-order-number">
                    <bdi dir="ltr">{order.number}</bdi>
                  </Text>
                  <Text size="sm" className={classes.clamp} dir="auto">
                    {order.complaint}
                  </Text>
                  <Text size="xs" c="dark.6">
                    {t('board.openedOn', { date: formatDate(order.createdAt, language) })}
                  </Text>
                </Link>
              </li>
            ))}
            {page.nextCursor ? (
              <li>
                <Text size="xs">{t('board.more')}</Text>
              </li>
            ) : null}
          </ul>
        )}
      </QueryState>
    </section>
  );
}

function WorkOrderBoard() {
  const { t } = useTranslation('dashboard');
  return (
    <Panel title={t('board.title')} wide testId="work-order-board">
      <div className={classes.board}>
        {BOARD_STATUSES.map((status) => (
          <BoardColumn key={status} status={status} />
        ))}
      </div>
    </Panel>
  );
}

function UnpaidInvoices() {
  const { t } = useTranslation('dashboard');
  const language = useLanguage();
  const issued = useQuery(specQuery<CursorPage<InvoiceSummary>>(dashboardQueries.issuedInvoices));
  const balances = useQueries({
    queries: (issued.data?.items ?? []).map((invoice) => ({
      queryKey: [KEY, 'invoice', invoice.id],
      queryFn: ({ signal }: { signal: AbortSignal }) => apiJson<InvoiceBalance>(`/api/v1/invoices/${invoice.id}`, { signal }),
    })),
  });
  const balancesReady = balances.every((query) => query.data !== undefined || query.error);
  const unpaid = (issued.data?.items ?? []).flatMap((invoice) => {
    const balance = balances.find((query) => query.data?.id === invoice.id)?.data;
    return balance && (balance.paymentStatus === 'unpaid' || balance.paymentStatus === 'partially_paid') ? [{ invoice, balance }] : [];
  });
  return (
    <Panel title={t('invoices.title')} testId="unpaid-invoices">
      <Text size="xs">{t('invoices.scope', { count: RECENT_INVOICES })}</Text>
      <QueryState query={issued}>
        {() =>
          !balancesReady ? (
            <LoadingState />
          ) : unpaid.length === 0 ? (
            <EmptyState>{t('invoices.empty')}</EmptyState>
          ) : (
            <ul className={classes.list}>
              {unpaid.map(({ invoice, balance }) => (
                <li key={invoice.id} className={classes.row}>
                  <span>
                    <Text span fw={700} size="sm">
                      {invoice.number ?? ''}
                    </Text>{' '}
                    <Text span size="sm">
                      {invoice.buyerName}
                    </Text>
                  </span>
                  <span>
                    <Text span size="sm" fw={700} data-testid="balance" dir="ltr">
                      {formatMoney(balance.balance.balanceMillimes)}
                    </Text>{' '}
                    <Text span size="xs">
                      {t(`invoices.statuses.${balance.paymentStatus === 'unpaid' ? 'unpaid' : 'partially_paid'}`)}
                      {invoice.issueDate ? ` · ${t('invoices.issued')} ${formatDate(invoice.issueDate, language)}` : ''}
                    </Text>
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </Panel>
  );
}

function OpenAlerts() {
  const { t } = useTranslation('dashboard');
  const language = useLanguage();
  const alerts = useQuery(specQuery<CursorPage<Alert>>(dashboardQueries.alerts));
  return (
    <Panel title={t('alerts.title')} testId="open-alerts">
      <QueryState query={alerts} isEmpty={(page) => page.items.length === 0} empty={t('alerts.empty')}>
        {(page) => (
          <ul className={classes.list}>
            {page.items.map((alert) => (
              <li key={alert.id} className={classes.row}>
                <span>
                  <Badge color={alert.severity === 'critical' ? 'red.9' : 'dark.6'} variant="filled" me="xs">
                    {t(`alerts.severity.${alert.severity}`)}
                  </Badge>
                  <Text span size="sm" dir="auto">
                    {alert.summary}
                  </Text>
                </span>
                <Text span size="xs">
                  {t('alerts.raisedAt', { date: formatDateTime(alert.raisedAt, language) })}
                </Text>
              </li>
            ))}
            {page.nextCursor ? (
              <li>
                <Text size="xs">{t('board.more')}</Text>
              </li>
            ) : null}
          </ul>
        )}
      </QueryState>
    </Panel>
  );
}

function statusColor(status: 'running' | 'succeeded' | 'failed'): string {
  // Shade 9 (white text ≥ 4.5:1) for every status colour; teal rather than green (green-9 is 4.4:1).
  return status === 'succeeded' ? 'teal.9' : status === 'failed' ? 'red.9' : 'blue.9';
}

function Backups() {
  const { t } = useTranslation('dashboard');
  const language = useLanguage();
  const runs = useQuery(specQuery<CursorPage<BackupRun>>(dashboardQueries.backups));
  const drills = useQuery(specQuery<{ items: Drill[] }>(dashboardQueries.drills));
  return (
    <Panel title={t('backups.title')} testId="backups">
      <Stack gap={4} data-testid="last-backup">
        <Text fw={700} size="sm" component="h3" m={0}>
          {t('backups.lastBackup')}
        </Text>
        <QueryState query={runs} isEmpty={(page) => page.items.length === 0} empty={t('backups.none')}>
          {(page) => {
            const run = page.items[0]!;
            return (
              <Group gap="xs">
                <Badge color={statusColor(run.status)} variant="filled">
                  {t(`backups.statuses.${run.status}`)}
                </Badge>
                <Text size="sm">{t(run.finishedAt ? 'backups.finishedAt' : 'backups.startedAt', { date: formatDateTime(run.finishedAt ?? run.startedAt, language) })}</Text>
                <Text size="xs">{`${t('backups.offsite')} : ${t(`backups.upload.${run.upload.status}`)}`}</Text>
              </Group>
            );
          }}
        </QueryState>
      </Stack>
      <Stack gap={4} data-testid="last-drill">
        <Text fw={700} size="sm" component="h3" m={0}>
          {t('backups.lastDrill')}
        </Text>
        <QueryState query={drills} isEmpty={(page) => page.items.length === 0} empty={t('backups.none')}>
          {(page) => {
            const drill = page.items[0]!;
            return (
              <Group gap="xs">
                <Badge color={statusColor(drill.status)} variant="filled">
                  {t(`backups.statuses.${drill.status}`)}
                </Badge>
                <Text size="sm">{t(drill.finishedAt ? 'backups.finishedAt' : 'backups.startedAt', { date: formatDateTime(drill.finishedAt ?? drill.startedAt, language) })}</Text>
                {drill.mismatches && drill.mismatches.length > 0 ? <Text size="xs">{t('backups.mismatches', { count: drill.mismatches.length })}</Text> : null}
              </Group>
            );
          }}
        </QueryState>
      </Stack>
    </Panel>
  );
}

/** The super-admin's day at a glance, from the services' existing list endpoints. */
export default function DashboardScreen() {
  const { t } = useTranslation('dashboard');
  const queryClient = useQueryClient();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('title')}</Title>
        <Button variant="default" onClick={() => void queryClient.invalidateQueries({ queryKey: [KEY] })}>
          {t('refresh')}
        </Button>
      </Group>
      <div className={classes.panels}>
        <TodayAppointments />
        <OpenAlerts />
        <WorkOrderBoard />
        <UnpaidInvoices />
        <Backups />
        <KeyFigures />
      </div>
    </Stack>
  );
}
