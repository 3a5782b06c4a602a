import { Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryState } from '../../../shell/ui/states.tsx';
import { Money } from '../../lib/ui.tsx';
import { fetchReport, presetPeriod, REPORTS_KEY } from '../reports/api.ts';
import { KEY } from './queries.ts';
import classes from './dashboard.module.css';
import figures from './keyFigures.module.css';

function Figure({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <Stack gap={2} data-testid={testId}>
      <Text size="xs">{label}</Text>
      <Text fw={700} size="lg">
        {children}
      </Text>
    </Stack>
  );
}

/** This month's key figures from the reports (GET /api/v1/reports), with a link to the Reports screen. */
export function KeyFigures() {
  const { t } = useTranslation('dashboard');
  const period = presetPeriod('thisMonth');
  const report = useQuery({ queryKey: [KEY, REPORTS_KEY, period], queryFn: ({ signal }) => fetchReport(period, signal) });
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={t('keyFigures.title')} className={classes.wide} data-testid="key-figures">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('keyFigures.title')}
        </Title>
        <QueryState query={report}>
          {(data) => (
            <div className={figures.figures}>
              <Figure label={t('keyFigures.revenue')} testId="figure-revenue">
                <Money millimes={data.revenue.total.ttcMillimes} />
              </Figure>
              <Figure label={t('keyFigures.vat')} testId="figure-vat">
                <Money millimes={data.vat.totalVatMillimes} />
              </Figure>
              <Figure label={t('keyFigures.unpaid')} testId="figure-unpaid">
                <Money millimes={data.ageing.totalMillimes} />
              </Figure>
              <Figure label={t('keyFigures.openWorkOrders')} testId="figure-open-work-orders">
                {data.workOrders.total}
              </Figure>
              <Figure label={t('keyFigures.averageOrder')} testId="figure-average-order">
                <Money millimes={data.averageOrder.averageTtcMillimes} />
              </Figure>
              <Figure label={t('keyFigures.hoursRatio')} testId="figure-hours-ratio">
                <bdi>{data.hours.totalClockedMilli > 0 ? `${Math.round((data.hours.totalBilledMilli * 100) / data.hours.totalClockedMilli)}\u00a0%` : '—'}</bdi>
              </Figure>
            </div>
          )}
        </QueryState>
        <Link to="/admin/reports">{t('keyFigures.more')}</Link>
      </Stack>
    </Paper>
  );
}
