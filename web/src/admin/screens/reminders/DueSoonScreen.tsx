import { Anchor, Button, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { REMINDER_KINDS, type ReminderKind } from '@ecar/contracts/requests/garage';
import type { DueSoonVehicleResponse } from '@ecar/contracts/responses/garage';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { DueDates } from '../../../shell/ui/DueDates.tsx';

const WINDOWS = [7, 30, 90] as const;

/** Vehicles with a service, visite technique, insurance or vignette due soon or overdue (GET /api/v1/reminders/due-soon, cursor pages). */
export default function DueSoonScreen() {
  const { t } = useTranslation(['reminders', 'admin']);
  const [withinDays, setWithinDays] = useState<number>(30);
  const [kind, setKind] = useState<ReminderKind | ''>('');
  const list = useCursorList<DueSoonVehicleResponse>(['admin', 'due-soon'], '/api/v1/reminders/due-soon', { withinDays, kind: kind || undefined }, { cursorParam: 'after' });
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('dueSoon.title')}</Title>
        <Button variant="default" onClick={() => void list.query.refetch()}>
          {t('admin:common.refresh')}
        </Button>
      </Group>
      <Text size="sm">{t('dueSoon.intro')}</Text>
      <Group wrap="wrap" align="end">
        <NativeSelect
          label={t('dueSoon.within')}
          value={String(withinDays)}
          onChange={(event) => setWithinDays(Number(event.currentTarget.value))}
          data={WINDOWS.map((days) => ({ value: String(days), label: t('dueSoon.withinDays', { count: days }) }))}
          data-testid="due-soon-window"
        />
        <NativeSelect
          label={t('dueSoon.kind')}
          value={kind}
          onChange={(event) => setKind(event.currentTarget.value as ReminderKind | '')}
          data={[{ value: '', label: t('dueSoon.allKinds') }, ...REMINDER_KINDS.map((value) => ({ value, label: t(`kinds.${value}`) }))]}
          data-testid="due-soon-kind"
        />
      </Group>
      <CursorTable
        list={list}
        caption={t('dueSoon.title')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'vehicle',
            header: t('dueSoon.vehicle'),
            cell: (row) => (
              <Stack gap={0}>
                <Anchor component={Link} to={`/vehicles/${row.id}`} data-testid="due-soon-vehicle">
                  <bdi dir="ltr">{row.plate}</bdi>
                </Anchor>
                <Text size="sm">{`${row.make} ${row.model}`}</Text>
              </Stack>
            ),
          },
          {
            id: 'customer',
            header: t('dueSoon.customer'),
            cell: (row) => (
              <Anchor component={Link} to={`/customers/${row.customerId}`} dir="auto">
                {row.customerName}
              </Anchor>
            ),
          },
          { id: 'dues', header: t('dueSoon.dues'), cell: (row) => <DueDates dues={row.dues} /> },
        ]}
      />
    </Stack>
  );
}
