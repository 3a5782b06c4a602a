import { Anchor, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import type { InvoiceSummary } from '../../lib/types.ts';
import { Money, StatusBadge, When } from '../../lib/ui.tsx';

export default function InvoicesScreen() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const status = params.get('status') === 'draft' || params.get('status') === 'issued' ? (params.get('status') as 'draft' | 'issued') : '';
  const list = useCursorList<InvoiceSummary>(['admin', 'invoices'], '/api/v1/invoices', { status });
  return (
    <Stack>
      <Title order={1}>{t('invoices.title')}</Title>
      <Text size="sm">{t('invoices.draftsHint')}</Text>
      <NativeSelect
        label={t('invoices.filter')}
        value={status}
        onChange={(event) => setParams(event.currentTarget.value ? { status: event.currentTarget.value } : {})}
        data={[
          { value: '', label: t('workOrders.all') },
          { value: 'draft', label: t('invoices.statuses.draft') },
          { value: 'issued', label: t('invoices.statuses.issued') },
        ]}
      />
      <CursorTable
        list={list}
        caption={t('invoices.title')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'number',
            header: t('invoices.number'),
            cell: (row) => (
              <Anchor component={Link} to={`/invoices/${row.id}`} data-testid="invoice-link">
                {row.number ?? t('invoices.statuses.draft')}
              </Anchor>
            ),
          },
          { id: 'buyer', header: t('invoices.buyer'), cell: (row) => row.buyerName },
          { id: 'total', header: t('invoices.total'), cell: (row) => <Money millimes={row.totalTtcMillimes} /> },
          { id: 'status', header: t('invoices.filter'), cell: (row) => <StatusBadge value={row.status} color={row.status === 'draft' ? 'gray' : 'blue'} label={t(`invoices.statuses.${row.status}`)} /> },
          { id: 'date', header: t('invoices.date'), cell: (row) => <When at={row.issueDate ?? row.createdAt} dateOnly /> },
        ]}
      />
    </Stack>
  );
}
