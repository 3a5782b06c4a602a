import type { ReportGranularity } from '../requests/reports.ts';

/**
 * GET /api/v1/reports (billing, super-admin): the figures of a period. Money in integer millimes,
 * hours in thousandths of an hour (1,5 h = 1500), dates as YYYY-MM-DD in the garage's time zone.
 * Types only: nothing here reaches a bundle.
 */

export interface RevenueRow {
  /** `2026-03-14`, `2026-03` or `2026` after the granularity. */
  period: string;
  invoices: number;
  creditNotes: number;
  /** Invoices minus credit notes issued in the period. */
  htMillimes: number;
  vatMillimes: number;
  stampMillimes: number;
  ttcMillimes: number;
}

export type RevenueTotals = Omit<RevenueRow, 'period'>;

export interface VatRow {
  /** `2026-03`: the month of the TVA return. */
  month: string;
  rateBp: number;
  /** Taxable base and VAT of invoices minus those of credit notes issued that month at that rate. */
  baseMillimes: number;
  vatMillimes: number;
}

export interface StampRow {
  month: string;
  /** Fiscal stamps of invoices minus those given back by credit notes. */
  stampMillimes: number;
}

export type AgeingBucket = '0-30' | '31-60' | '61-90' | '90+';

export interface AgeingBucketRow {
  bucket: AgeingBucket;
  invoices: number;
  balanceMillimes: number;
}

export interface UnpaidInvoiceRow {
  invoiceId: string;
  number: string;
  issueDate: string;
  ageDays: number;
  bucket: AgeingBucket;
  totalTtcMillimes: number;
  balanceMillimes: number;
}

export interface TechnicianHoursRow {
  technicianId: string;
  /** Closed time entries that started in the period. */
  clockedMilli: number;
  /** Labour billed on invoices issued in the period, shared between the technicians of each work order by their clocked time on it. */
  billedMilli: number;
}

export type WorkOrderAgeBucket = '0-2' | '3-7' | '8-30' | '30+';

export interface OpenWorkOrderRow {
  status: string;
  count: number;
  byAge: Record<WorkOrderAgeBucket, number>;
  oldestDays: number;
}

export interface ReportResponse {
  period: { from: string; to: string; granularity: ReportGranularity; timeZone: string; generatedAt: string };
  revenue: { rows: RevenueRow[]; total: RevenueTotals };
  vat: { rows: VatRow[]; stamps: StampRow[]; totalVatMillimes: number };
  ageing: { asOf: string; basis: 'issue-date'; buckets: AgeingBucketRow[]; totalMillimes: number; invoices: UnpaidInvoiceRow[]; more: boolean };
  hours: { technicians: TechnicianHoursRow[]; unattributedBilledMilli: number; totalClockedMilli: number; totalBilledMilli: number; runningEntries: number };
  workOrders: { asOf: string; rows: OpenWorkOrderRow[]; total: number };
  averageOrder: { workOrderInvoices: number; totalTtcMillimes: number; averageTtcMillimes: number };
}

/** A rebuild of the read model from garage's replayed history (`POST /api/v1/reports/read-model/rebuild`). */
export interface ReportReplay {
  id: string;
  requestedAt: string;
  /** The super-admin who asked (null for a replay billing learnt of only from garage's events). */
  requestedBy: string | null;
  /** Work orders garage held when the replay began (null until its first batch arrives). */
  total: number | null;
  /** Work orders received so far. */
  applied: number;
  finishedAt: string | null;
}

/** GET /api/v1/reports/read-model: what the reports' read model of garage's work orders holds. */
export interface ReportReadModelResponse {
  workOrders: number;
  timeEntries: number;
  /** Opening date (garage's time zone) of the oldest work order it knows, null when empty. */
  since: string | null;
  /** The latest rebuild, null when none was asked for. */
  replay: ReportReplay | null;
}
