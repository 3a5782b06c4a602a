import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, apiJson, downloadFile } from '../../shell/api/client.ts';
import { ActionResult, ConfirmButton, problemText, StatusBadge, useAction, When } from '../lib/ui.tsx';

/** The billing service's TEIF record of one invoice or credit note (GET …/teif/status). */
export interface TeifStatus {
  documentId: string;
  kind: 'invoice' | 'credit-note';
  invoiceId: string;
  number: string;
  status: 'pending' | 'accepted' | 'refused';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  refusal: { reason: string; by: 'ttn' | 'ecar' } | null;
  ttnReference: string | null;
  signedAt: string | null;
  decidedAt: string | null;
}

type Badge = 'pending' | 'accepted' | 'refusedByTtn' | 'refusedByEcar';
const BADGE_COLOR: Record<Badge, string> = { pending: 'blue', accepted: 'teal', refusedByTtn: 'red', refusedByEcar: 'red' };
/** While TTN has not answered (or the record is not written yet, right after issue), look again. */
const POLL_MS = 2000;

const badgeOf = (record: TeifStatus): Badge => (record.status === 'refused' ? (record.refusal?.by === 'ecar' ? 'refusedByEcar' : 'refusedByTtn') : record.status);
const pathOf = (kind: TeifStatus['kind'], id: string) => `/api/v1/${kind === 'invoice' ? 'invoices' : 'credit-notes'}/${id}/teif`;
const notRecorded = (error: unknown) => error instanceof ApiError && error.status === 404;

/**
 * El Fatoora (TTN) status of one issued invoice or credit note: the state in words, TTN's
 * reference or the refusal reason, attempts, the signed XML, and re-submission after a refusal.
 */
export function TeifPanel({ kind, id, number }: { kind: TeifStatus['kind']; id: string; number: string }) {
  const { t } = useTranslation(['teif', 'common']);
  const base = pathOf(kind, id);
  const queryKey = ['admin', 'teif', kind, id] as const;
  const query = useQuery({
    queryKey,
    queryFn: ({ signal }) => apiJson<TeifStatus>(`${base}/status`, { signal }),
    retry: false,
    refetchInterval: (current) => (current.state.data?.status === 'pending' || notRecorded(current.state.error) ? POLL_MS : false),
  });
  const download = useAction(() => downloadFile(`${base}/signed`, `TEIF_${number}.xml`));
  const resubmit = useAction(() => apiJson<TeifStatus>(`${base}/resubmit`, { method: 'POST', json: {} }), [queryKey]);
  const record = query.data;
  return (
    <Stack gap={4} data-testid={`teif-${kind}`} data-teif={record?.status ?? 'unknown'}>
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={600}>
          {t('title')}
        </Text>
        {record ? <StatusBadge value={badgeOf(record)} color={BADGE_COLOR[badgeOf(record)]} label={t(`status.${badgeOf(record)}`)} /> : null}
      </Group>
      {query.isPending ? <Text size="sm">{t('state.loading', { ns: 'common' })}</Text> : null}
      {query.isError ? (
        notRecorded(query.error) ? (
          <Text size="sm">{t('notRecorded')}</Text>
        ) : (
          <Alert color="red" role="alert" data-state="error">
            {problemText(query.error, t('state.error', { ns: 'common' }), t('state.network', { ns: 'common' }))}
          </Alert>
        )
      ) : null}
      {record ? (
        <>
          {record.status === 'accepted' && record.ttnReference ? (
            <Text size="sm" data-testid="teif-reference">
              {`${t('reference')} : `}
              <bdi>{record.ttnReference}</bdi>
            </Text>
          ) : null}
          {record.refusal ? (
            <Text size="sm" data-testid="teif-refusal">
              {`${t(record.refusal.by === 'ecar' ? 'reasonEcar' : 'reasonTtn')} : `}
              <bdi>{record.refusal.reason}</bdi>
            </Text>
          ) : null}
          <Text size="sm">
            {t('attempts', { n: record.attempts })}
            {record.nextAttemptAt ? (
              <>
                {` · ${t('nextAttempt')} `}
                <When at={record.nextAttemptAt} />
              </>
            ) : null}
          </Text>
          {record.lastError ? (
            <Text size="sm">
              {`${t('lastError')} : `}
              <bdi>{record.lastError}</bdi>
            </Text>
          ) : null}
          <Group gap="xs" wrap="wrap">
            {record.signedAt ? (
              <Button size="xs" variant="default" onClick={() => download.mutate()} loading={download.isPending} data-testid="teif-signed">
                {t('download')}
              </Button>
            ) : null}
            {record.status === 'refused' ? <ConfirmButton label={t('resubmit')} question={t('resubmitConfirm')} onConfirm={() => resubmit.mutate()} loading={resubmit.isPending} testId="teif-resubmit" /> : null}
          </Group>
          <ActionResult mutation={download} />
          <ActionResult mutation={resubmit} success={t('resubmitted')} />
        </>
      ) : null}
    </Stack>
  );
}
