import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiJson } from '../../../shell/api/client.ts';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { EmptyState, QueryState } from '../../../shell/ui/states.tsx';
import type { VerifySetResponse } from '@ecar/contracts/responses/backup';
import type { BackupRun, Drill, VerifySide } from '../../lib/types.ts';
import { ActionResult, Section, StatusBadge, useAction, When } from '../../lib/ui.tsx';

const STATUS_COLOR = { running: 'blue', succeeded: 'green', failed: 'red' } as const;

function sizeText(bytes: string | number | null): string {
  if (bytes === null) return '—';
  return `${(Number(bytes) / 1_048_576).toFixed(1)} MiB`;
}

function Verify({ run }: { run: BackupRun }) {
  const { t } = useTranslation('admin');
  const verify = useAction(() => apiJson<VerifySetResponse>(`/api/v1/backups/${run.id}/verify`, { method: 'POST', json: {} }));
  if (run.status !== 'succeeded') return null;
  const side = (result: VerifySide) => `${t(`backups.sides.${result.status}`)}${'problems' in result && result.problems.length ? ` (${result.problems.join(' ; ')})` : ''}`;
  return (
    <Stack gap={4}>
      <Button size="xs" variant="light" onClick={() => verify.mutate()} loading={verify.isPending} data-testid="backup-verify">
        {t('backups.verify')}
      </Button>
      {verify.data ? (
        <Text size="sm" role="status" data-testid="backup-verified">
          {t('backups.verifySides', { local: side(verify.data.local), remote: side(verify.data.remote) })}
        </Text>
      ) : null}
      <ActionResult mutation={verify} />
    </Stack>
  );
}

function Drills() {
  const { t } = useTranslation('admin');
  const query = useQuery({ queryKey: ['admin', 'drills'], queryFn: () => apiJson<{ items: Drill[] }>('/api/v1/backups/drills', { query: { limit: 10 } }) });
  return (
    <Section title={t('backups.drills')}>
      <Text size="sm">{t('backups.drillsHint')}</Text>
      <QueryState query={query}>
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState />
          ) : (
            <Stack gap={4}>
              {data.items.map((drill) => (
                <Group key={drill.id} gap="xs" wrap="wrap" data-testid="drill-row">
                  <StatusBadge value={drill.status} color={STATUS_COLOR[drill.status]} label={t(`backups.statuses.${drill.status}`)} />
                  <When at={drill.startedAt} />
                  <bdi>{drill.backupId}</bdi>
                  {drill.error ? <Text size="sm">{drill.error}</Text> : null}
                  {drill.mismatches.length ? <Text size="sm">{t('backups.mismatches', { list: drill.mismatches.join(', ') })}</Text> : null}
                </Group>
              ))}
            </Stack>
          )
        }
      </QueryState>
    </Section>
  );
}

export default function BackupsScreen() {
  const { t } = useTranslation('admin');
  const list = useCursorList<BackupRun>(['admin', 'backups'], '/api/v1/backups');
  const run = useAction(() => apiJson<{ id: string }>('/api/v1/backups', { method: 'POST', json: {} }), [['admin', 'backups']]);
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('backups.title')}</Title>
        <Group>
          <Button variant="default" onClick={() => void list.query.refetch()}>
            {t('common.refresh')}
          </Button>
          <Button onClick={() => run.mutate()} loading={run.isPending} data-testid="backup-run">
            {t('backups.runNow')}
          </Button>
        </Group>
      </Group>
      <ActionResult mutation={run} success={t('backups.started')} />
      <CursorTable
        list={list}
        caption={t('backups.title')}
        rowKey={(row) => row.id}
        columns={[
          { id: 'id', header: t('backups.id'), cell: (row) => <bdi>{row.id}</bdi> },
          { id: 'status', header: t('backups.status'), cell: (row) => <StatusBadge value={row.status} color={STATUS_COLOR[row.status]} label={t(`backups.statuses.${row.status}`)} /> },
          { id: 'trigger', header: t('backups.trigger'), cell: (row) => t(`backups.triggers.${row.trigger}`) },
          { id: 'started', header: t('backups.startedAt'), cell: (row) => <When at={row.startedAt} /> },
          { id: 'size', header: t('backups.size'), cell: (row) => sizeText(row.sizeBytes) },
          { id: 'upload', header: t('backups.upload'), cell: (row) => t(`backups.uploads.${row.upload.status}`) },
          { id: 'verify', header: t('common.actions'), cell: (row) => (row.error ? <Text size="sm">{row.error}</Text> : <Verify run={row} />) },
        ]}
      />
      <Drills />
    </Stack>
  );
}
