import { Button, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MESSAGE_STATUSES, type MessageStatus, type MessageView } from '@ecar/contracts/requests/notify';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { ShortId, StatusBadge, When } from '../../lib/ui.tsx';

const STATUS_COLOR: Record<MessageStatus, string> = { queued: 'blue', sent: 'green', failed: 'red', suppressed: 'gray' };
const TEMPLATES = ['estimate_ready', 'vehicle_ready', 'invoice_issued', 'appointment_confirmed', 'appointment_rescheduled', 'approval_requested', 'reminder_due'] as const;
type KnownTemplate = (typeof TEMPLATES)[number];
const isKnownTemplate = (value: string): value is KnownTemplate => (TEMPLATES as readonly string[]).includes(value);

/** Messages sent to customers and their delivery status, newest first (no message text is kept). */
export default function MessagesScreen() {
  const { t } = useTranslation(['notify', 'admin']);
  const [status, setStatus] = useState<MessageStatus | ''>('');
  const list = useCursorList<MessageView>(['admin', 'messages'], '/api/v1/notifications/messages', { status: status || undefined });
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('messages.title')}</Title>
        <Button variant="default" onClick={() => void list.query.refetch()}>
          {t('admin:common.refresh')}
        </Button>
      </Group>
      <Text size="sm">{t('messages.intro')}</Text>
      <NativeSelect
        label={t('messages.status')}
        value={status}
        onChange={(event) => setStatus(event.currentTarget.value as MessageStatus | '')}
        data={[{ value: '', label: t('messages.allStatuses') }, ...MESSAGE_STATUSES.map((value) => ({ value, label: t(`messages.statuses.${value}`) }))]}
        data-testid="messages-status"
      />
      <CursorTable
        list={list}
        caption={t('messages.title')}
        rowKey={(row) => row.id}
        columns={[
          { id: 'created', header: t('messages.createdAt'), cell: (row) => <When at={row.createdAt} /> },
          { id: 'template', header: t('messages.template'), cell: (row) => (isKnownTemplate(row.template) ? t(`messages.templates.${row.template}`) : <bdi>{row.template}</bdi>) },
          { id: 'customer', header: t('messages.customer'), cell: (row) => <ShortId id={row.customerId} /> },
          { id: 'channel', header: t('messages.channel'), cell: (row) => t(`messages.channels.${row.channel}`) },
          { id: 'language', header: t('messages.language'), cell: (row) => row.language.toUpperCase() },
          { id: 'status', header: t('messages.status'), cell: (row) => <StatusBadge value={row.status} color={STATUS_COLOR[row.status]} label={t(`messages.statuses.${row.status}`)} /> },
          { id: 'attempts', header: t('messages.attempts'), cell: (row) => row.attempts },
          { id: 'reason', header: t('messages.reason'), cell: (row) => (row.reason ? <Text size="sm" dir="auto">{row.reason}</Text> : '—') },
        ]}
      />
    </Stack>
  );
}
