import { Anchor, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { InvoiceResponse } from '@ecar/contracts/responses/billing';
import { apiJson, downloadFile } from '../shell/api/client.ts';
import { formatDate, formatMoney } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { ErrorState, QueryState } from '../shell/ui/states.tsx';
import { formatThousandths, formatVatRate } from '../workshop/workOrder.ts';
import { useIntlLocale } from '../workshop/WorkshopUi.tsx';
import classes from './customer.module.css';
import { ScrollX } from '../shell/ui/ScrollX.tsx';

type Invoice = InvoiceResponse;

function InvoiceView({ invoice }: { invoice: Invoice }) {
  const { t, i18n } = useTranslation(['customer', 'workshop', 'common']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const locale = useIntlLocale();
  const pdf = useMutation({ mutationFn: () => downloadFile(`/api/v1/invoices/${invoice.id}/pdf`, `${invoice.number ?? 'facture'}.pdf`) });
  return (
    <Stack>
      <Anchor component={Link} to="/invoices">
        {t('invoice.back')}
      </Anchor>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('invoice.title', { number: invoice.number ?? t('invoices.draft') })}</Title>
        <Button onClick={() => pdf.mutate()} loading={pdf.isPending} data-testid="download-pdf">
          {t('invoice.pdf')}
        </Button>
      </Group>
      {pdf.error ? <ErrorState error={pdf.error} /> : null}
      <Card withBorder>
        <dl className={classes.definitions}>
          <dt>{t('invoice.date')}</dt>
          <dd>{invoice.issueDate ? formatDate(invoice.issueDate, language) : '—'}</dd>
          <dt>{t('invoice.seller')}</dt>
          {/* Null only on a draft, which a customer is not shown. */}
          <dd>{invoice.seller?.name ?? '—'}</dd>
          <dt>{t('invoice.buyer')}</dt>
          <dd>{invoice.buyer.name}</dd>
          {invoice.vehicle?.plate ? (
            <>
              <dt>{t('invoice.vehicle')}</dt>
              <dd>{[invoice.vehicle.plate, invoice.vehicle.description].filter(Boolean).join(' · ')}</dd>
            </>
          ) : null}
          <dt>{t('invoice.payment')}</dt>
          <dd data-testid="payment-status">{t(`invoice.paymentStatus.${invoice.paymentStatus}`)}</dd>
          <dt>{t('invoice.balance')}</dt>
          <dd>{formatMoney(invoice.balance.balanceMillimes)}</dd>
        </dl>
      </Card>
      <ScrollX label={t('invoice.lines')}>
        <Table miw={480} striped captionSide="top">
          <Table.Caption>{t('invoice.lines')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('workshop:lines.description')}</Table.Th>
              <Table.Th scope="col">{t('workshop:lines.quantity')}</Table.Th>
              <Table.Th scope="col">{t('workshop:lines.unitPrice')}</Table.Th>
              <Table.Th scope="col">{t('workshop:lines.vat')}</Table.Th>
              <Table.Th scope="col">{t('workshop:lines.net')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invoice.lines.map((line) => (
              <Table.Tr key={line.position}>
                <Table.Td>{line.description}</Table.Td>
                <Table.Td>{formatThousandths(line.quantityMilli, locale)}</Table.Td>
                <Table.Td>{formatMoney(line.unitPriceMillimes)}</Table.Td>
                <Table.Td>{formatVatRate(line.vatRateBp)}</Table.Td>
                <Table.Td>{formatMoney(line.amountHtMillimes)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr>
              <Table.Th scope="row" colSpan={4}>{t('workshop:lines.totalNet')}</Table.Th>
              <Table.Td>{formatMoney(invoice.totals.htMillimes)}</Table.Td>
            </Table.Tr>
            {invoice.vat.map((rate) => (
              <Table.Tr key={rate.rateBp}>
                <Table.Th scope="row" colSpan={4}>{t('workshop:lines.vatAt', { rate: formatVatRate(rate.rateBp) })}</Table.Th>
                <Table.Td>{formatMoney(rate.vatMillimes)}</Table.Td>
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Th scope="row" colSpan={4}>{t('invoice.stamp')}</Table.Th>
              <Table.Td>{formatMoney(invoice.totals.stampMillimes)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th scope="row" colSpan={4}>{t('workshop:lines.totalGross')}</Table.Th>
              <Table.Td data-testid="invoice-total">{formatMoney(invoice.totals.ttcMillimes)}</Table.Td>
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </ScrollX>
      <Text size="sm" lang="fr" className={classes.text}>
        {invoice.totals.ttcInWords}
      </Text>
    </Stack>
  );
}

export default function InvoiceScreen() {
  const { id = '' } = useParams();
  const invoice = useQuery({ queryKey: ['invoices', id], queryFn: ({ signal }) => apiJson<Invoice>(`/api/v1/invoices/${id}`, { signal }) });
  return <QueryState query={invoice}>{(data) => <InvoiceView invoice={data} />}</QueryState>;
}
