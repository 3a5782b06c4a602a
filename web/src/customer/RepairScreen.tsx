import { Alert, Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { apiJson } from '../shell/api/client.ts';
import { useMe } from '../shell/auth/session.tsx';
import { formatDateTime, formatMoney } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { ErrorState, QueryState } from '../shell/ui/states.tsx';
import { LinesTable, StatusBadge } from '../workshop/WorkshopUi.tsx';
import { PROGRESS, progressStep, type WorkOrderDetail } from '../workshop/workOrder.ts';
import classes from './customer.module.css';
import { LineDecisions, LineStatuses } from './LineDecisions.tsx';

function Progress({ repair }: { repair: WorkOrderDetail }) {
  const { t } = useTranslation(['customer', 'workshop', 'common']);
  const ended = repair.status === 'declined' || repair.status === 'cancelled';
  const reached = PROGRESS.indexOf(progressStep(repair.status));
  return (
    <nav aria-label={t('repair.progress')}>
      <ol className={classes.progress}>
        {PROGRESS.map((step, index) => {
          const state = index < reached ? classes.done : index === reached ? classes.current : '';
          return (
            <li key={step} className={`${classes.step} ${state}`} aria-current={index === reached ? 'step' : undefined}>
              {t(`workshop:status.${step}`)}
            </li>
          );
        })}
      </ol>
      {ended ? (
        <Text mt="xs" fw={700}>
          {t(`repair.ended.${repair.status as 'declined' | 'cancelled'}`)}
        </Text>
      ) : null}
    </nav>
  );
}

/** Approve or decline, each behind a second, explicit confirmation (keyboard: Tab + Enter). */
function EstimateDecision({ repair }: { repair: WorkOrderDetail }) {
  const { t } = useTranslation(['customer', 'workshop', 'common']);
  const queryClient = useQueryClient();
  const [asked, setAsked] = useState<'approve' | 'decline' | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'decline') => apiJson(`/api/v1/work-orders/${repair.id}/estimate/${decision}`, { method: 'POST', json: {} }),
    onSuccess: async () => {
      setAsked(null);
      await queryClient.invalidateQueries({ queryKey: ['work-orders'] });
    },
  });
  useEffect(() => {
    if (asked) confirmRef.current?.focus();
  }, [asked]);
  return (
    <Card withBorder data-testid="estimate-decision">
      <Stack>
        <Title order={2} size="h3">
          {t('estimate.title')}
        </Title>
        <Text>{t('estimate.intro', { total: formatMoney(repair.totals.grossMillimes) })}</Text>
        {decide.error ? <ErrorState error={decide.error} /> : null}
        {asked ? (
          <Alert color="gray" role="group" aria-labelledby="confirm-question">
            <Stack>
              <Text id="confirm-question" fw={700}>
                {t(`estimate.confirm.${asked}`, { total: formatMoney(repair.totals.grossMillimes) })}
              </Text>
              <Text size="sm">{t('estimate.recorded')}</Text>
              <Group>
                <Button ref={confirmRef} color={asked === 'approve' ? 'teal.9' : 'red.9'} loading={decide.isPending} onClick={() => decide.mutate(asked)} data-testid="confirm-decision">
                  {t(`estimate.yes.${asked}`)}
                </Button>
                <Button variant="default" onClick={() => setAsked(null)} disabled={decide.isPending}>
                  {t('estimate.back')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : (
          <Group>
            <Button color="teal.9" onClick={() => setAsked('approve')} data-testid="approve">
              {t('estimate.approve')}
            </Button>
            <Button color="red" variant="outline" onClick={() => setAsked('decline')} data-testid="decline">
              {t('estimate.decline')}
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}

/** What the garage keeps of the decision: what, when, by whom and from which address. */
function RecordedDecision({ repair }: { repair: WorkOrderDetail }) {
  const { t, i18n } = useTranslation(['customer', 'workshop', 'common']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const me = useMe();
  if (!repair.estimateDecision || !repair.estimateDecidedAt) return null;
  return (
    <Card withBorder data-testid="recorded-decision">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('estimate.recordedTitle')}
        </Title>
        <dl className={classes.definitions}>
          <dt>{t('estimate.decision')}</dt>
          <dd data-testid="decision">{t(`estimate.decided.${repair.estimateDecision}`)}</dd>
          <dt>{t('estimate.when')}</dt>
          <dd>{formatDateTime(repair.estimateDecidedAt, language)}</dd>
          <dt>{t('estimate.who')}</dt>
          <dd>{repair.estimateDecidedBy === me.id ? t('estimate.you') : t('estimate.garage')}</dd>
          <dt>{t('estimate.where')}</dt>
          <dd dir="ltr">{repair.estimateDecidedIp ?? '—'}</dd>
        </dl>
      </Stack>
    </Card>
  );
}

function Repair({ repair }: { repair: WorkOrderDetail }) {
  const { t } = useTranslation(['customer', 'workshop', 'common']);
  return (
    <Stack>
      <Anchor component={Link} to="/repairs">
        {t('repair.back')}
      </Anchor>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} className={classes.text}>
          {repair.vehicle ? `${repair.vehicle.make} ${repair.vehicle.model} · ${repair.vehicle.plate}` : t('repair.title')}
        </Title>
        <Group gap="xs" wrap="wrap">
          <Text fw={700} data-testid="work-order-number">
            <bdi dir="ltr">{repair.number}</bdi>
          </Text>
          <StatusBadge status={repair.status} />
        </Group>
      </Group>
      <Progress repair={repair} />
      <Card withBorder>
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t('repair.complaint')}
          </Title>
          <Text className={classes.text}>{repair.complaint}</Text>
        </Stack>
      </Card>
      <Card withBorder>
        <LinesTable order={repair} />
      </Card>
      <LineDecisions repair={repair} />
      {repair.status === 'estimate_sent' ? <EstimateDecision repair={repair} /> : null}
      <LineStatuses repair={repair} />
      <RecordedDecision repair={repair} />
    </Stack>
  );
}

export default function RepairScreen() {
  const { id = '' } = useParams();
  const repair = useQuery({ queryKey: ['work-orders', id], queryFn: ({ signal }) => apiJson<WorkOrderDetail>(`/api/v1/work-orders/${id}`, { signal }) });
  return <QueryState query={repair}>{(data) => <Repair repair={data} />}</QueryState>;
}
