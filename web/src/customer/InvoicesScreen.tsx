import { Anchor, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { InvoiceSummaryResponse } from '@ecar/contracts/responses/billing';
import { useCursorList } from '../shell/api/paging.ts';
import { formatDate, formatMoney } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { CursorTable } from '../shell/ui/CursorTable.tsx';

type InvoiceSummary = InvoiceSummaryResponse;

/** The customer's issued invoices (billing lists only their own), cursor-paged. */
export default function InvoicesScreen() {
  const { t, i18n } = useTranslation(['customer', 'workshop', 'common']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const invoices = useCursorList<InvoiceSummary>(['invoices', 'mine'], '/api/v1/invoices', {}, { cursorParam: 'cursor' });
  return (
    <Stack>
      <Title order={1}>{t('invoices.title')}</Title>
      <CursorTable
        list={invoices}
        caption={t('invoices.caption')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'number',
            header: t('invoices.number'),
            cell: (row) => (
              <Anchor component={Link} to={`/invoices/${row.id}`}>
                {row.number ?? t('invoices.draft')}
              </Anchor>
            ),
          },
          { id: 'date', header: t('invoices.date'), cell: (row) => (row.issueDate ? formatDate(row.issueDate, language) : '—') },
          { id: 'total', header: t('invoices.total'), cell: (row) => (row.totalTtcMillimes === null ? '—' : formatMoney(row.totalTtcMillimes)) },
        ]}
      />
    </Stack>
  );
}
