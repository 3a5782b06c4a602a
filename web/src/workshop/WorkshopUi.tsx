import { Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../shell/format.ts';
import { INTL_LOCALE, isLanguage } from '../shell/i18n/index.ts';
import { formatThousandths, formatVatRate, lineNetMillimes, type WorkOrderDetail, type WorkOrderStatus } from './workOrder.ts';
import { ScrollX } from '../shell/ui/ScrollX.tsx';
import stacked from '../shell/ui/stackedTable.module.css';

/** Filled badges in dark shades: white text keeps at least 4.5:1 contrast (WCAG AA). */
const STATUS_COLOURS: Record<WorkOrderStatus, string> = {
  open: 'gray.8',
  estimate_sent: 'grape.9',
  approved: 'teal.9',
  declined: 'red.9',
  in_progress: 'blue.9',
  completed: 'cyan.9',
  delivered: 'dark.7',
  cancelled: 'gray.7',
  waiting_for_parts: 'pink.9',
  quality_check: 'indigo.9',
};

export function StatusBadge({ status }: { status: WorkOrderStatus }) {
  const { t } = useTranslation('workshop');
  return (
    <Badge color={STATUS_COLOURS[status]} variant="filled" data-status={status} autoContrast>
      {t(`status.${status}`)}
    </Badge>
  );
}

export function useIntlLocale(): string {
  const { i18n } = useTranslation();
  return INTL_LOCALE[isLanguage(i18n.language) ? i18n.language : 'fr'];
}

/** The lines of an estimate or job card with VAT per rate and totals; every string as text. */
export function LinesTable({ order }: { order: Pick<WorkOrderDetail, 'lines' | 'totals'> }) {
  const { t } = useTranslation('workshop');
  const locale = useIntlLocale();
  if (order.lines.length === 0) return <Text c="gray.7" data-state="empty">{t('lines.none')}</Text>;
  return (
    <ScrollX label={t('lines.caption')}>
      <Table striped captionSide="top" data-testid="lines" className={stacked.table}>
        <Table.Caption>{t('lines.caption')}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('lines.description')}</Table.Th>
            <Table.Th scope="col">{t('lines.kind')}</Table.Th>
            <Table.Th scope="col">{t('lines.quantity')}</Table.Th>
            <Table.Th scope="col">{t('lines.unitPrice')}</Table.Th>
            <Table.Th scope="col">{t('lines.vat')}</Table.Th>
            <Table.Th scope="col">{t('lines.net')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {order.lines.map((line) => (
            <Table.Tr key={line.id}>
              <Table.Td data-label={t('lines.description')}>
                <span dir="auto">{line.description}</span>
              </Table.Td>
              <Table.Td data-label={t('lines.kind')}>{t(`kind.${line.kind}`)}</Table.Td>
              <Table.Td data-label={t('lines.quantity')}>{formatThousandths(line.quantityMilli, locale)}</Table.Td>
              <Table.Td data-label={t('lines.unitPrice')}>
                <span dir="ltr">{formatMoney(line.unitPriceMillimes)}</span>
              </Table.Td>
              <Table.Td data-label={t('lines.vat')}>{formatVatRate(line.vatRateBp)}</Table.Td>
              <Table.Td data-label={t('lines.net')}>
                <span dir="ltr">{formatMoney(lineNetMillimes(line))}</span>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th scope="row" colSpan={5}>{t('lines.totalNet')}</Table.Th>
            <Table.Td>
              <span dir="ltr">{formatMoney(order.totals.netMillimes)}</span>
            </Table.Td>
          </Table.Tr>
          {order.totals.vatByRate.map((rate) => (
            <Table.Tr key={rate.vatRateBp}>
              <Table.Th scope="row" colSpan={5}>{t('lines.vatAt', { rate: formatVatRate(rate.vatRateBp) })}</Table.Th>
              <Table.Td>
                <span dir="ltr">{formatMoney(rate.vatMillimes)}</span>
              </Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Th scope="row" colSpan={5}>{t('lines.totalGross')}</Table.Th>
            <Table.Td data-testid="total-gross">
              <span dir="ltr">{formatMoney(order.totals.grossMillimes)}</span>
            </Table.Td>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </ScrollX>
  );
}
