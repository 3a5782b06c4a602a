import { Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCursorList } from '../shell/api/paging.ts';
import { formatDate } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { EmptyState, ErrorState, LoadingState } from '../shell/ui/states.tsx';
import { StatusBadge } from '../workshop/WorkshopUi.tsx';
import type { WorkOrder } from '../workshop/workOrder.ts';
import classes from './customer.module.css';

/** The customer's repairs (their own work orders), newest first as the API pages them. */
export default function RepairsScreen() {
  const { t, i18n } = useTranslation(['customer', 'workshop', 'common']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const repairs = useCursorList<WorkOrder>(['work-orders', 'mine'], '/api/v1/work-orders', {}, { cursorParam: 'after' });
  return (
    <Stack>
      <Title order={1}>{t('repairs.title')}</Title>
      {repairs.query.isPending ? (
        <LoadingState />
      ) : repairs.query.error && repairs.items.length === 0 ? (
        <ErrorState error={repairs.query.error} onRetry={() => void repairs.query.refetch()} />
      ) : repairs.items.length === 0 ? (
        <EmptyState>{t('repairs.none')}</EmptyState>
      ) : (
        <ul className={classes.list} aria-label={t('repairs.title')}>
          {repairs.items.map((repair) => (
            <li key={repair.id}>
              <Card withBorder data-testid="repair" data-status={repair.status}>
                <Stack gap="xs">
                  <Group justify="space-between" wrap="wrap">
                    <Text size="sm" c="gray.7">
                      <bdi dir="ltr" data-testid="work-order-number">{repair.number}</bdi>
                      {` · ${t('repairs.opened', { date: formatDate(repair.createdAt, language) })}`}
                    </Text>
                    <StatusBadge status={repair.status} />
                  </Group>
                  <Text className={classes.text}>{repair.complaint}</Text>
                  {repair.status === 'estimate_sent' ? <Text fw={700}>{t('repairs.awaiting')}</Text> : null}
                  <Anchor component={Link} to={`/repairs/${repair.id}`} fw={600}>
                    {repair.status === 'estimate_sent' ? t('repairs.review') : t('repairs.follow')}
                  </Anchor>
                </Stack>
              </Card>
            </li>
          ))}
        </ul>
      )}
      {repairs.hasMore ? (
        <Button variant="default" loading={repairs.query.isFetchingNextPage} onClick={repairs.loadMore}>
          {t('common:actions.loadMore')}
        </Button>
      ) : null}
    </Stack>
  );
}
