import { Anchor, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { WORK_ORDER_COLOR } from '../../lib/status.ts';
import { WORK_ORDER_STATUSES, type WorkOrder, type WorkOrderStatus } from '../../lib/types.ts';
import { Reference, StatusBadge, When } from '../../lib/ui.tsx';

export default function WorkOrdersScreen() {
  const { t } = useTranslation('admin');
  const [status, setStatus] = useState<WorkOrderStatus | ''>('');
  const list = useCursorList<WorkOrder>(['admin', 'work-orders'], '/api/v1/work-orders', { status }, { cursorParam: 'after' });
  return (
    <Stack>
      <Title order={1}>{t('workOrders.title')}</Title>
      <Text size="sm">{t('appointments.chooseCustomer')}</Text>
      <Anchor component={Link} to="/customers">
        {t('workOrders.new')}
      </Anchor>
      <NativeSelect
        label={t('workOrders.filter')}
        value={status}
        onChange={(event) => setStatus(event.currentTarget.value as WorkOrderStatus | '')}
        data={[{ value: '', label: t('workOrders.all') }, ...WORK_ORDER_STATUSES.map((value) => ({ value, label: t(`workOrders.statuses.${value}`) }))]}
      />
      <CursorTable
        list={list}
        caption={t('workOrders.title')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'id',
            header: t('workOrders.detail'),
            cell: (row) => (
              <Anchor component={Link} to={`/work-orders/${row.id}`}>
                <Reference number={row.number} id={row.id} />
              </Anchor>
            ),
          },
          { id: 'status', header: t('workOrders.filter'), cell: (row) => <StatusBadge value={row.status} color={WORK_ORDER_COLOR[row.status]} label={t(`workOrders.statuses.${row.status}`)} /> },
          { id: 'complaint', header: t('workOrders.complaint'), cell: (row) => <span dir="auto">{row.complaint}</span> },
          { id: 'opened', header: t('workOrders.opened'), cell: (row) => <When at={row.createdAt} /> },
        ]}
      />
    </Stack>
  );
}
