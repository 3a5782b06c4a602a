import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { formatThousandths } from '../../lib/ui.tsx';
import { formatSigned, type Part } from './types.ts';

/** Parts whose available quantity (on hand − reserved, every location) is below their reorder point, or that approved lines wait for. */
export default function LowStockScreen() {
  const { t } = useTranslation('parts');
  const list = useCursorList<Part>(['admin', 'stock-low'], '/api/v1/stock/low', {}, { cursorParam: 'after' });
  return (
    <Stack>
      <Title order={1}>{t('lowStock.title')}</Title>
      {list.query.isSuccess && list.items.length === 0 ? <Text data-testid="low-none">{t('lowStock.none')}</Text> : null}
      <CursorTable
        list={list}
        caption={t('lowStock.list')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'reference',
            header: t('fields.reference'),
            cell: (row) => (
              <Anchor component={Link} to={`/parts/${row.id}`} data-testid="low-part">
                <bdi>{row.reference}</bdi>
              </Anchor>
            ),
          },
          { id: 'brand', header: t('fields.brand'), cell: (row) => row.brand },
          { id: 'description', header: t('fields.description'), cell: (row) => <span dir="auto">{row.description}</span> },
          { id: 'onHand', header: t('fields.onHand'), cell: (row) => <bdi>{formatSigned(row.onHandMilli)}</bdi> },
          { id: 'reserved', header: t('fields.reserved'), cell: (row) => <bdi>{formatSigned(row.reservedMilli)}</bdi> },
          { id: 'available', header: t('fields.available'), cell: (row) => <bdi data-available>{formatSigned(row.availableMilli)}</bdi> },
          { id: 'short', header: t('fields.short'), cell: (row) => <bdi data-short>{formatSigned(row.shortMilli)}</bdi> },
          { id: 'reorder', header: t('fields.reorderPoint'), cell: (row) => <bdi>{formatThousandths(row.reorderPointMilli)}</bdi> },
        ]}
      />
    </Stack>
  );
}
