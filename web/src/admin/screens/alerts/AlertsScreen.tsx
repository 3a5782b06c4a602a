import { Button, Group, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiJson } from '../../../shell/api/client.ts';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import type { Alert } from '../../lib/types.ts';
import { ActionResult, StatusBadge, useAction, useLanguage, When } from '../../lib/ui.tsx';
import { formatDateTime } from '../../../shell/format.ts';

function Acknowledge({ alert }: { alert: Alert }) {
  const { t } = useTranslation('admin');
  const language = useLanguage();
  const [note, setNote] = useState('');
  const ack = useAction(() => apiJson(`/api/v1/audit/alerts/${alert.id}/ack`, { method: 'POST', json: note.trim() ? { note: note.trim() } : {} }), [['admin', 'alerts']]);
  if (alert.acknowledgedAt) return <Text size="sm">{t('alerts.acknowledged', { date: formatDateTime(alert.acknowledgedAt, language) })}</Text>;
  return (
    <Stack gap={4}>
      <Group gap={4} wrap="wrap" align="flex-end">
        <TextInput size="xs" label={t('alerts.note')} value={note} onChange={(event) => setNote(event.currentTarget.value)} />
        <Button size="xs" onClick={() => ack.mutate()} loading={ack.isPending} data-testid="alert-ack">
          {t('alerts.ack')}
        </Button>
      </Group>
      <ActionResult mutation={ack} />
    </Stack>
  );
}

export default function AlertsScreen() {
  const { t } = useTranslation('admin');
  const [status, setStatus] = useState<'open' | 'all'>('open');
  const list = useCursorList<Alert>(['admin', 'alerts'], '/api/v1/audit/alerts', { status });
  return (
    <Stack>
      <Title order={1}>{t('alerts.title')}</Title>
      <SegmentedControl
        aria-label={t('alerts.show')}
        value={status}
        onChange={(value) => setStatus(value === 'all' ? 'all' : 'open')}
        data={[
          { value: 'open', label: t('alerts.open') },
          { value: 'all', label: t('alerts.all') },
        ]}
      />
      <CursorTable
        list={list}
        caption={t('alerts.title')}
        rowKey={(row) => row.id}
        columns={[
          { id: 'severity', header: t('alerts.severity'), cell: (row) => <StatusBadge value={row.severity} color={row.severity === 'critical' ? 'red' : 'orange'} label={t(`alerts.severities.${row.severity}`)} /> },
          { id: 'summary', header: t('alerts.summary'), cell: (row) => row.summary },
          { id: 'rule', header: t('alerts.rule'), cell: (row) => <code>{row.rule}</code> },
          { id: 'raised', header: t('alerts.raised'), cell: (row) => <When at={row.raisedAt} /> },
          { id: 'ack', header: t('common.actions'), cell: (row) => <Acknowledge alert={row} /> },
        ]}
      />
    </Stack>
  );
}
