import type { ReportResponse } from '@ecar/contracts/responses/reports';
import { formatRate, formatTnd } from '../domain/money.ts';

export type ReportLanguage = 'fr' | 'ar' | 'en';

/** A cell of an exported table: money (millimes), hours (thousandths), a count, or text. */
export type Cell = { money: number } | { hours: number } | { count: number } | { text: string };

export interface Sheet {
  /** Worksheet name (≤ 31 characters, no `[]:*?/\`). */
  name: string;
  title: string;
  columns: string[];
  rows: Cell[][];
}

const LABELS = {
  fr: {
    report: 'Rapport',
    period: 'Période',
    revenue: "Chiffre d'affaires (factures moins avoirs)",
    revenueSheet: "Chiffre d'affaires",
    invoices: 'Factures',
    creditNotes: 'Avoirs',
    ht: 'Total HT',
    vat: 'TVA',
    stamp: 'Droit de timbre',
    ttc: 'Total TTC',
    total: 'Total',
    vatTitle: 'TVA collectée par taux et par mois',
    vatSheet: 'TVA',
    month: 'Mois',
    rate: 'Taux',
    base: 'Base HT',
    ageingTitle: "Factures impayées par ancienneté (depuis la date d'émission)",
    ageingSheet: 'Impayés',
    bucket: 'Ancienneté (jours)',
    balance: 'Reste dû',
    number: 'Numéro',
    issueDate: "Date d'émission",
    ageDays: 'Jours',
    hoursTitle: 'Heures pointées et heures facturées par technicien',
    hoursSheet: 'Heures',
    technician: 'Technicien',
    clocked: 'Heures pointées',
    billed: 'Heures facturées',
    unattributed: 'Non attribuées',
    workOrdersTitle: 'Ordres de réparation ouverts par statut et ancienneté (jours)',
    workOrdersSheet: 'Ordres ouverts',
    status: 'Statut',
    count: 'Nombre',
    oldest: 'Plus ancien (jours)',
    averageTitle: 'Panier moyen (TTC par ordre facturé)',
    averageSheet: 'Panier moyen',
    orders: 'Ordres facturés',
    average: 'Panier moyen TTC',
    statuses: { open: 'Ouvert', estimate_sent: 'Devis envoyé', approved: 'Approuvé', declined: 'Refusé', in_progress: 'En cours', completed: 'Terminé' } as Record<string, string>,
  },
  en: {
    report: 'Report',
    period: 'Period',
    revenue: 'Revenue (invoices less credit notes)',
    revenueSheet: 'Revenue',
    invoices: 'Invoices',
    creditNotes: 'Credit notes',
    ht: 'Total excl. VAT',
    vat: 'VAT',
    stamp: 'Fiscal stamp',
    ttc: 'Total incl. VAT',
    total: 'Total',
    vatTitle: 'VAT collected per rate per month',
    vatSheet: 'VAT',
    month: 'Month',
    rate: 'Rate',
    base: 'Taxable base',
    ageingTitle: 'Unpaid invoices by age (from the issue date)',
    ageingSheet: 'Unpaid',
    bucket: 'Age (days)',
    balance: 'Balance due',
    number: 'Number',
    issueDate: 'Issue date',
    ageDays: 'Days',
    hoursTitle: 'Hours clocked and hours billed per technician',
    hoursSheet: 'Hours',
    technician: 'Technician',
    clocked: 'Hours clocked',
    billed: 'Hours billed',
    unattributed: 'Unattributed',
    workOrdersTitle: 'Open work orders by status and age (days)',
    workOrdersSheet: 'Open work orders',
    status: 'Status',
    count: 'Count',
    oldest: 'Oldest (days)',
    averageTitle: 'Average repair order (TTC per invoiced work order)',
    averageSheet: 'Average order',
    orders: 'Invoiced work orders',
    average: 'Average order incl. VAT',
    statuses: { open: 'Open', estimate_sent: 'Estimate sent', approved: 'Approved', declined: 'Declined', in_progress: 'In progress', completed: 'Completed' } as Record<string, string>,
  },
  ar: {
    report: 'تقرير',
    period: 'الفترة',
    revenue: 'رقم المعاملات (الفواتير بعد طرح الفواتير التعديلية)',
    revenueSheet: 'رقم المعاملات',
    invoices: 'الفواتير',
    creditNotes: 'الفواتير التعديلية',
    ht: 'المجموع دون أداء',
    vat: 'الأداء على القيمة المضافة',
    stamp: 'الطابع الجبائي',
    ttc: 'المجموع بكل الأداءات',
    total: 'المجموع',
    vatTitle: 'الأداء على القيمة المضافة المحصل حسب النسبة والشهر',
    vatSheet: 'الأداء',
    month: 'الشهر',
    rate: 'النسبة',
    base: 'القاعدة',
    ageingTitle: 'الفواتير غير المستخلصة حسب الأقدمية (من تاريخ الإصدار)',
    ageingSheet: 'غير المستخلصة',
    bucket: 'الأقدمية (أيام)',
    balance: 'المبلغ المتبقي',
    number: 'العدد',
    issueDate: 'تاريخ الإصدار',
    ageDays: 'أيام',
    hoursTitle: 'الساعات المسجلة والساعات المفوترة لكل فني',
    hoursSheet: 'الساعات',
    technician: 'الفني',
    clocked: 'الساعات المسجلة',
    billed: 'الساعات المفوترة',
    unattributed: 'غير منسوبة',
    workOrdersTitle: 'أوامر الإصلاح المفتوحة حسب الحالة والأقدمية (أيام)',
    workOrdersSheet: 'الأوامر المفتوحة',
    status: 'الحالة',
    count: 'العدد',
    oldest: 'الأقدم (أيام)',
    averageTitle: 'معدل قيمة الإصلاح (بكل الأداءات لكل أمر مفوتر)',
    averageSheet: 'المعدل',
    orders: 'الأوامر المفوترة',
    average: 'المعدل بكل الأداءات',
    statuses: { open: 'مفتوح', estimate_sent: 'أرسل التقدير', approved: 'مقبول', declined: 'مرفوض', in_progress: 'قيد الإنجاز', completed: 'منتهي' } as Record<string, string>,
  },
} as const;

export const reportLabels = (language: ReportLanguage) => LABELS[language];

const money = (value: number): Cell => ({ money: value });
const hours = (value: number): Cell => ({ hours: value });
const count = (value: number): Cell => ({ count: value });
const text = (value: string): Cell => ({ text: value });

/** `1 234,560 TND`, `1,5 h`, `12`, text: how a cell reads in CSV and PDF. */
export function cellText(cell: Cell): string {
  if ('money' in cell) return formatTnd(cell.money);
  if ('hours' in cell) {
    const sign = cell.hours < 0 ? '-' : '';
    const centi = Math.round(Math.abs(cell.hours) / 10);
    return `${sign}${Math.floor(centi / 100)},${String(centi % 100).padStart(2, '0')} h`;
  }
  if ('count' in cell) return String(cell.count);
  return cell.text;
}

/** The report as the tables every export holds, in one language. */
export function reportSheets(report: ReportResponse, language: ReportLanguage): Sheet[] {
  const l = LABELS[language];
  const total = report.revenue.total;
  return [
    {
      name: l.revenueSheet,
      title: l.revenue,
      columns: [l.period, l.invoices, l.creditNotes, l.ht, l.vat, l.stamp, l.ttc],
      rows: [
        ...report.revenue.rows.map((row) => [text(row.period), count(row.invoices), count(row.creditNotes), money(row.htMillimes), money(row.vatMillimes), money(row.stampMillimes), money(row.ttcMillimes)]),
        [text(l.total), count(total.invoices), count(total.creditNotes), money(total.htMillimes), money(total.vatMillimes), money(total.stampMillimes), money(total.ttcMillimes)],
      ],
    },
    {
      name: l.vatSheet,
      title: l.vatTitle,
      columns: [l.month, l.rate, l.base, l.vat],
      rows: [
        ...report.vat.rows.map((row) => [text(row.month), text(formatRate(row.rateBp)), money(row.baseMillimes), money(row.vatMillimes)]),
        ...report.vat.stamps.map((row) => [text(row.month), text(l.stamp), text(''), money(row.stampMillimes)]),
        [text(l.total), text(''), text(''), money(report.vat.totalVatMillimes)],
      ],
    },
    {
      name: l.ageingSheet,
      title: `${l.ageingTitle} — ${report.ageing.asOf}`,
      columns: [l.bucket, l.invoices, l.balance],
      rows: [
        ...report.ageing.buckets.map((row) => [text(row.bucket === '90+' ? '> 90' : row.bucket.replace('-', '–')), count(row.invoices), money(row.balanceMillimes)]),
        [text(l.total), count(report.ageing.buckets.reduce((sum, row) => sum + row.invoices, 0)), money(report.ageing.totalMillimes)],
        [text(''), text(''), text('')],
        [text(l.number), text(l.issueDate), text(l.ageDays), text(l.ttc), text(l.balance)],
        ...report.ageing.invoices.map((row) => [text(row.number), text(row.issueDate), count(row.ageDays), money(row.totalTtcMillimes), money(row.balanceMillimes)]),
      ],
    },
    {
      name: l.hoursSheet,
      title: l.hoursTitle,
      columns: [l.technician, l.clocked, l.billed],
      rows: [
        ...report.hours.technicians.map((row) => [text(row.technicianId), hours(row.clockedMilli), hours(row.billedMilli)]),
        ...(report.hours.unattributedBilledMilli > 0 ? [[text(l.unattributed), hours(0), hours(report.hours.unattributedBilledMilli)]] : []),
        [text(l.total), hours(report.hours.totalClockedMilli), hours(report.hours.totalBilledMilli)],
      ],
    },
    {
      name: l.workOrdersSheet,
      title: l.workOrdersTitle,
      columns: [l.status, l.count, '0–2', '3–7', '8–30', '> 30', l.oldest],
      rows: [
        ...report.workOrders.rows.map((row) => [
          text(l.statuses[row.status] ?? row.status),
          count(row.count),
          count(row.byAge['0-2']),
          count(row.byAge['3-7']),
          count(row.byAge['8-30']),
          count(row.byAge['30+']),
          count(row.oldestDays),
        ]),
        [text(l.total), count(report.workOrders.total), text(''), text(''), text(''), text(''), text('')],
      ],
    },
    {
      name: l.averageSheet,
      title: l.averageTitle,
      columns: [l.orders, l.ttc, l.average],
      rows: [[count(report.averageOrder.workOrderInvoices), money(report.averageOrder.totalTtcMillimes), money(report.averageOrder.averageTtcMillimes)]],
    },
  ];
}
