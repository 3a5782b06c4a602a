import { Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type CSSProperties, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { REPORT_GRANULARITIES, reportQuery, type ReportFormat, type ReportGranularity } from '@ecar/contracts/requests/reports';
import type { ReportResponse } from '@ecar/contracts/responses/reports';
import { QueryState } from '../../../shell/ui/states.tsx';
import { ScrollX } from '../../../shell/ui/ScrollX.tsx';
import stacked from '../../../shell/ui/stackedTable.module.css';
import classes from './reports.module.css';
import { ActionResult, Money, Section, formatRate, formatThousandths, useAction, useLanguage } from '../../lib/ui.tsx';
import { useTechnicians } from '../../lib/technicians.ts';
import { downloadReport, fetchReadModel, fetchReport, presetPeriod, READ_MODEL_KEY, rebuildReadModel, REPORTS_KEY, type Period } from './api.ts';
import { formatDate, formatDateTime } from '../../../shell/format.ts';

const PRESETS = ['thisMonth', 'lastMonth', 'thisYear'] as const;
const FORMATS: readonly ReportFormat[] = ['csv', 'xlsx', 'pdf'];

/** Hours in thousandths as `7,5 h`, isolated so the figure stays whole in Arabic. */
function Hours({ milli }: { milli: number }) {
  return <bdi>{`${formatThousandths(milli)}\u00a0h`}</bdi>;
}

interface Column {
  header: string;
  numeric?: boolean;
}

/** A report table: an ordinary table from tablet width, one card per row on phones (stacked). */
function ReportTable({ label, columns, rows, footer, testId, minWidth = 520 }: { label: string; columns: Column[]; rows: ReactNode[][]; footer?: ReactNode[]; testId: string; minWidth?: number }) {
  const cell = (content: ReactNode, index: number) => (
    <Table.Td key={index} data-label={columns[index]!.header} ta={columns[index]!.numeric ? 'end' : undefined} data-empty={content === '' ? '' : undefined}>
      {content}
    </Table.Td>
  );
  return (
    <ScrollX label={label}>
      <Table className={stacked.table} style={{ '--stacked-min-width': `${minWidth}px` } as CSSProperties} data-testid={testId} striped>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th key={column.header} scope="col" ta={column.numeric ? 'end' : undefined}>
                {column.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, index) => (
            <Table.Tr key={index}>{row.map(cell)}</Table.Tr>
          ))}
          {/* The totals row stays in the body: on phones it becomes a card like the others (several amounts, each with its label). */}
          {footer ? (
            <Table.Tr className={classes.total} data-total>
              {footer.map(cell)}
            </Table.Tr>
          ) : null}
        </Table.Tbody>
      </Table>
    </ScrollX>
  );
}

function Figures({ report }: { report: ReportResponse }) {
  const { t } = useTranslation('reports');
  const technicians = useTechnicians();
  const nameOf = (id: string) => technicians.data?.find((user) => user.id === id)?.displayName ?? id.slice(0, 8);
  const { revenue, vat, ageing, hours, workOrders, averageOrder } = report;
  const ratio = (billed: number, clocked: number) => (clocked > 0 ? `${Math.round((billed * 100) / clocked)}\u00a0%` : '—');
  return (
    <Stack>
      <Section title={t('revenue.title')} testId="report-revenue">
        {revenue.rows.length === 0 ? (
          <Text size="sm">{t('revenue.empty')}</Text>
        ) : (
          <ReportTable
            label={t('revenue.title')}
            testId="revenue-table"
            minWidth={760}
            columns={[
              { header: t('revenue.period') },
              { header: t('revenue.invoices'), numeric: true },
              { header: t('revenue.creditNotes'), numeric: true },
              { header: t('revenue.ht'), numeric: true },
              { header: t('revenue.vat'), numeric: true },
              { header: t('revenue.stamp'), numeric: true },
              { header: t('revenue.ttc'), numeric: true },
            ]}
            rows={revenue.rows.map((row) => [
              <bdi key="p">{row.period}</bdi>,
              row.invoices,
              row.creditNotes,
              <Money key="ht" millimes={row.htMillimes} />,
              <Money key="vat" millimes={row.vatMillimes} />,
              <Money key="stamp" millimes={row.stampMillimes} />,
              <Money key="ttc" millimes={row.ttcMillimes} />,
            ])}
            footer={[
              t('revenue.total'),
              revenue.total.invoices,
              revenue.total.creditNotes,
              <Money key="ht" millimes={revenue.total.htMillimes} />,
              <Money key="vat" millimes={revenue.total.vatMillimes} />,
              <Money key="stamp" millimes={revenue.total.stampMillimes} />,
              <Money key="ttc" millimes={revenue.total.ttcMillimes} />,
            ]}
          />
        )}
      </Section>
      <Section title={t('vat.title')} testId="report-vat">
        <Text size="sm">{t('vat.hint')}</Text>
        {vat.rows.length === 0 && vat.stamps.length === 0 ? (
          <Text size="sm">{t('vat.empty')}</Text>
        ) : (
          <ReportTable
            label={t('vat.title')}
            testId="vat-table"
            columns={[{ header: t('vat.month') }, { header: t('vat.rate') }, { header: t('vat.base'), numeric: true }, { header: t('vat.vat'), numeric: true }]}
            rows={[
              ...vat.rows.map((row) => [<bdi key="m">{row.month}</bdi>, <bdi key="r">{formatRate(row.rateBp)}</bdi>, <Money key="b" millimes={row.baseMillimes} />, <Money key="v" millimes={row.vatMillimes} />]),
              ...vat.stamps.map((row) => [<bdi key="m">{row.month}</bdi>, t('vat.stamp'), '', <Money key="s" millimes={row.stampMillimes} />]),
            ]}
            footer={[t('vat.total'), '', '', <Money key="t" millimes={vat.totalVatMillimes} />]}
          />
        )}
      </Section>
      <Section title={t('ageing.title')} testId="report-ageing">
        <Text size="sm">{t('ageing.hint', { date: ageing.asOf })}</Text>
        <ReportTable
          label={t('ageing.title')}
          testId="ageing-table"
          minWidth={420}
          columns={[{ header: t('ageing.bucket') }, { header: t('ageing.invoices'), numeric: true }, { header: t('ageing.balance'), numeric: true }]}
          rows={ageing.buckets.map((row) => [
            row.bucket === '90+' ? t('ageing.over') : t('ageing.days', { range: row.bucket.replace('-', '–') }),
            row.invoices,
            <Money key="b" millimes={row.balanceMillimes} />,
          ])}
          footer={[t('ageing.total'), ageing.buckets.reduce((sum, row) => sum + row.invoices, 0), <Money key="t" millimes={ageing.totalMillimes} />]}
        />
        {ageing.invoices.length === 0 ? (
          <Text size="sm">{t('ageing.empty')}</Text>
        ) : (
          <ReportTable
            label={t('ageing.number')}
            testId="unpaid-table"
            minWidth={620}
            columns={[{ header: t('ageing.number') }, { header: t('ageing.issueDate') }, { header: t('ageing.age'), numeric: true }, { header: t('ageing.ttc'), numeric: true }, { header: t('ageing.balance'), numeric: true }]}
            rows={ageing.invoices.map((row) => [
              <Link key="n" to={`/admin/invoices/${row.invoiceId}`}>
                <bdi>{row.number}</bdi>
              </Link>,
              <bdi key="d">{row.issueDate}</bdi>,
              row.ageDays,
              <Money key="t" millimes={row.totalTtcMillimes} />,
              <Money key="b" millimes={row.balanceMillimes} />,
            ])}
          />
        )}
        {ageing.more ? <Text size="sm">{t('ageing.more')}</Text> : null}
      </Section>
      <Section title={t('hours.title')} testId="report-hours">
        <Text size="sm">{t('hours.hint')}</Text>
        {hours.technicians.length === 0 && hours.totalBilledMilli === 0 ? (
          <Text size="sm">{t('hours.empty')}</Text>
        ) : (
          <ReportTable
            label={t('hours.title')}
            testId="hours-table"
            columns={[{ header: t('hours.technician') }, { header: t('hours.clocked'), numeric: true }, { header: t('hours.billed'), numeric: true }, { header: t('hours.ratio'), numeric: true }]}
            rows={[
              ...hours.technicians.map((row) => [<bdi key="n">{nameOf(row.technicianId)}</bdi>, <Hours key="c" milli={row.clockedMilli} />, <Hours key="b" milli={row.billedMilli} />, ratio(row.billedMilli, row.clockedMilli)]),
              ...(hours.unattributedBilledMilli > 0 ? [[t('hours.unattributed'), '—', <Hours key="b" milli={hours.unattributedBilledMilli} />, '—']] : []),
            ]}
            footer={[t('hours.total'), <Hours key="c" milli={hours.totalClockedMilli} />, <Hours key="b" milli={hours.totalBilledMilli} />, ratio(hours.totalBilledMilli, hours.totalClockedMilli)]}
          />
        )}
        <Text size="sm">{t('hours.running', { count: hours.runningEntries })}</Text>
      </Section>
      <Section title={t('workOrders.title')} testId="report-work-orders">
        <Text size="sm">{t('workOrders.hint')}</Text>
        {workOrders.rows.length === 0 ? (
          <Text size="sm">{t('workOrders.empty')}</Text>
        ) : (
          <ReportTable
            label={t('workOrders.title')}
            testId="work-orders-table"
            minWidth={640}
            columns={[
              { header: t('workOrders.status') },
              { header: t('workOrders.count'), numeric: true },
              { header: '0–2', numeric: true },
              { header: '3–7', numeric: true },
              { header: '8–30', numeric: true },
              { header: '> 30', numeric: true },
              { header: t('workOrders.oldest'), numeric: true },
            ]}
            rows={workOrders.rows.map((row) => [
              t(`workOrders.statuses.${row.status as 'open'}`, { defaultValue: row.status }),
              row.count,
              row.byAge['0-2'],
              row.byAge['3-7'],
              row.byAge['8-30'],
              row.byAge['30+'],
              row.oldestDays,
            ])}
            footer={[t('workOrders.total'), workOrders.total, '', '', '', '', '']}
          />
        )}
      </Section>
      <Section title={t('average.title')} testId="report-average">
        <ReportTable
          label={t('average.title')}
          testId="average-table"
          minWidth={420}
          columns={[{ header: t('average.orders'), numeric: true }, { header: t('average.total'), numeric: true }, { header: t('average.average'), numeric: true }]}
          rows={[[averageOrder.workOrderInvoices, <Money key="t" millimes={averageOrder.totalTtcMillimes} />, <Money key="a" millimes={averageOrder.averageTtcMillimes} />]]}
        />
      </Section>
    </Stack>
  );
}

/** Since when the read model of garage's work orders holds data, and its rebuild (garage replays its history): a button and the progress. */
function ReadModelPanel() {
  const { t } = useTranslation('reports');
  const language = useLanguage();
  const state = useQuery({
    queryKey: [READ_MODEL_KEY],
    queryFn: ({ signal }) => fetchReadModel(signal),
    // While a rebuild runs, its progress is read again every 2 seconds.
    refetchInterval: (query) => (query.state.data?.replay && query.state.data.replay.finishedAt === null ? 2000 : false),
  });
  const rebuild = useAction(() => rebuildReadModel(), [[READ_MODEL_KEY], [REPORTS_KEY]]);
  return (
    <Section title={t('readModel.title')} testId="report-read-model">
      <QueryState query={state}>
        {(data) => {
          const replay = data.replay;
          const under = replay !== null && replay.finishedAt === null;
          return (
            <Stack gap="xs">
              <Text size="sm" data-testid="read-model-since">
                {data.since ? t('readModel.since', { workOrders: data.workOrders, timeEntries: data.timeEntries, since: formatDate(data.since, language) }) : t('readModel.empty')}
              </Text>
              <Text size="sm">{t('readModel.explain')}</Text>
              {replay ? (
                <Text size="sm" role="status" data-testid="read-model-replay" data-finished={replay.finishedAt ? '' : undefined}>
                  {replay.finishedAt
                    ? t('readModel.done', { date: formatDateTime(replay.finishedAt, language), applied: replay.applied })
                    : replay.total === null
                      ? t('readModel.waiting')
                      : t('readModel.running', { applied: replay.applied, total: replay.total })}
                </Text>
              ) : null}
              <Group>
                <Button size="xs" variant="default" loading={rebuild.isPending} disabled={under} onClick={() => rebuild.mutate()} data-testid="read-model-rebuild">
                  {t('readModel.rebuild')}
                </Button>
              </Group>
              <ActionResult mutation={rebuild} />
            </Stack>
          );
        }}
      </QueryState>
    </Section>
  );
}

/** Reports (super-admin): a period, its figures, and the same figures as CSV, XLSX or PDF. */
export default function ReportsScreen() {
  const { t } = useTranslation('reports');
  const language = useLanguage();
  const [period, setPeriod] = useState<Period>(() => presetPeriod('thisMonth'));
  const valid = reportQuery.safeParse(period).success;
  const report = useQuery({ queryKey: [REPORTS_KEY, period], queryFn: ({ signal }) => fetchReport(period, signal), enabled: valid });
  const download = useAction((format: ReportFormat) => downloadReport(period, format, language));
  const set = (change: Partial<Period>) => setPeriod((current) => ({ ...current, ...change }));
  return (
    <Stack>
      <Title order={1}>{t('title')}</Title>
      <Text size="sm">{t('intro')}</Text>
      <Group align="end" wrap="wrap" data-testid="report-period">
        <TextInput type="date" label={t('from')} value={period.from} onChange={(event) => set({ from: event.currentTarget.value })} data-testid="report-from" />
        <TextInput type="date" label={t('to')} value={period.to} onChange={(event) => set({ to: event.currentTarget.value })} data-testid="report-to" />
        <NativeSelect
          label={t('granularity')}
          value={period.granularity}
          onChange={(event) => set({ granularity: event.currentTarget.value as ReportGranularity })}
          data={REPORT_GRANULARITIES.map((value) => ({ value, label: t(`granularities.${value}`) }))}
          data-testid="report-granularity"
        />
      </Group>
      <Group gap="xs" wrap="wrap" role="group" aria-label={t('presets.label')}>
        {PRESETS.map((preset) => (
          <Button key={preset} size="xs" variant="default" onClick={() => setPeriod(presetPeriod(preset))} data-testid={`preset-${preset}`}>
            {t(`presets.${preset}`)}
          </Button>
        ))}
      </Group>
      {valid ? null : (
        <Text c="red.9" size="sm" role="alert">
          {t('invalidPeriod')}
        </Text>
      )}
      <Group gap="xs" wrap="wrap" role="group" aria-label={t('exports.label')}>
        <Text size="sm" fw={700}>
          {t('exports.label')}
        </Text>
        {FORMATS.map((format) => (
          <Button key={format} size="xs" variant="light" disabled={!valid} loading={download.isPending && download.variables === format} onClick={() => download.mutate(format)} data-testid={`export-${format}`}>
            {t(`exports.${format}`)}
          </Button>
        ))}
      </Group>
      <ActionResult mutation={download} success={t('exports.done')} />
      {valid ? <QueryState query={report}>{(data) => <Figures report={data} />}</QueryState> : null}
      <ReadModelPanel />
    </Stack>
  );
}
