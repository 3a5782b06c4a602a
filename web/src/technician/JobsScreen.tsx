import { Anchor, Button, Card, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { apiJson } from '../shell/api/client.ts';
import { useCursorList, type CursorPage } from '../shell/api/paging.ts';
import { formatDateTime } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { EmptyState, ErrorState, LoadingState } from '../shell/ui/states.tsx';
import { StatusBadge } from '../workshop/WorkshopUi.tsx';
import { WORK_ORDER_STATUS_FILTERS, type WorkOrder } from '../workshop/workOrder.ts';
import classes from './technician.module.css';

interface VehicleRow {
  id: string;
  plate: string;
  make: string;
  model: string;
}

/** The technician's jobs (the API lists only work orders assigned to them), as cards for a tablet. */
export default function JobsScreen() {
  const { t, i18n } = useTranslation(['technician', 'workshop', 'common']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const [status, setStatus] = useState('');
  const jobs = useCursorList<WorkOrder>(['work-orders', 'mine'], '/api/v1/work-orders', { status }, { cursorParam: 'after' });
  // The vehicles of the technician's jobs (the API's reach): one call instead of one per card.
  const vehicles = useQuery({
    queryKey: ['vehicles', 'of-my-jobs'],
    queryFn: ({ signal }) => apiJson<CursorPage<VehicleRow>>('/api/v1/vehicles', { query: { limit: 100 }, signal }),
  });
  const vehicleOf = (id: string) => vehicles.data?.items.find((vehicle) => vehicle.id === id);
  return (
    <Stack>
      <Title order={1}>{t('jobs.title')}</Title>
      <NativeSelect
        label={t('jobs.filter')}
        value={status}
        onChange={(event) => setStatus(event.currentTarget.value)}
        data={[{ value: '', label: t('jobs.all') }, ...WORK_ORDER_STATUS_FILTERS.map((value) => ({ value, label: t(`workshop:status.${value}`) }))]}
        className={classes.filter}
      />
      {jobs.query.isPending ? (
        <LoadingState />
      ) : jobs.query.error && jobs.items.length === 0 ? (
        <ErrorState error={jobs.query.error} onRetry={() => void jobs.query.refetch()} />
      ) : jobs.items.length === 0 ? (
        <EmptyState>{t('jobs.none')}</EmptyState>
      ) : (
        <ul className={classes.cards} aria-label={t('jobs.title')}>
          {jobs.items.map((job) => {
            const vehicle = vehicleOf(job.vehicleId);
            return (
              <li key={job.id}>
                <Card withBorder padding="md" data-testid="job" data-job={job.id}>
                  <Stack gap="xs">
                    <Group justify="space-between" wrap="wrap">
                      <Text fw={700} className={classes.plate}>
                        {vehicle ? `${vehicle.plate} · ${vehicle.make} ${vehicle.model}` : t('jobs.vehicle')}
                      </Text>
                      <StatusBadge status={job.status} />
                    </Group>
                    <Text fw={600} data-testid="work-order-number">
                      <bdi dir="ltr">{job.number}</bdi>
                    </Text>
                    <Text className={classes.text}>{job.complaint}</Text>
                    <Text size="sm" c="gray.7">
                      {t('jobs.opened', { date: formatDateTime(job.createdAt, language) })}
                    </Text>
                    <Anchor component={Link} to={`/jobs/${job.id}`} fw={600}>
                      {t('jobs.open')}
                    </Anchor>
                  </Stack>
                </Card>
              </li>
            );
          })}
        </ul>
      )}
      {jobs.hasMore ? (
        <Button variant="default" loading={jobs.query.isFetchingNextPage} onClick={jobs.loadMore}>
          {t('common:actions.loadMore')}
        </Button>
      ) : null}
    </Stack>
  );
}
