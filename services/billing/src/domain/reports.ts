import type { ReportQuery } from '@ecar/contracts/requests/reports';
import type {
  AgeingBucket,
  AgeingBucketRow,
  OpenWorkOrderRow,
  ReportResponse,
  RevenueRow,
  StampRow,
  TechnicianHoursRow,
  UnpaidInvoiceRow,
  VatRow,
  WorkOrderAgeBucket,
} from '@ecar/contracts/responses/reports';
import type { Caller } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { requireAdmin, today, type BillingContext } from './context.ts';
import { divideRoundHalfUp } from './money.ts';

/** How many unpaid invoices the report lists one by one (oldest first); the buckets count them all. */
export const UNPAID_LISTED = 200;

/** Statuses in life-cycle order; delivered and cancelled work orders are no longer open. */
export const OPEN_WORK_ORDER_STATUSES = ['open', 'estimate_sent', 'approved', 'declined', 'in_progress', 'completed'] as const;

const AGEING_BUCKETS: readonly AgeingBucket[] = ['0-30', '31-60', '61-90', '90+'];

export function ageingBucket(ageDays: number): AgeingBucket {
  if (ageDays <= 30) return '0-30';
  if (ageDays <= 60) return '31-60';
  if (ageDays <= 90) return '61-90';
  return '90+';
}

const num = (value: unknown) => Number(value ?? 0);

/** Invoices issued in the period count positively, credit notes issued in it negatively (the month of the credit note, as the TVA return does). */
const DOCUMENTS = `
  SELECT issue_date, 1 AS invoices, 0 AS credit_notes, total_ht AS ht, total_vat AS vat, stamp, total_ttc AS ttc, vat_breakdown
    FROM invoices WHERE status = 'issued' AND issue_date BETWEEN $1::date AND $2::date
  UNION ALL
  SELECT issue_date, 0, 1, -total_ht, -total_vat, -stamp, -total_ttc, vat_breakdown
    FROM credit_notes WHERE issue_date BETWEEN $1::date AND $2::date`;

interface DayRow {
  day: string;
  invoices: number;
  creditNotes: number;
  htMillimes: number;
  vatMillimes: number;
  stampMillimes: number;
  ttcMillimes: number;
}

/** The documents of the period summed per day, once: revenue (any granularity) and monthly stamps are rolled up from it. */
async function days(db: EntityManager, query: ReportQuery): Promise<DayRow[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT to_char(issue_date, 'YYYY-MM-DD') AS day, sum(invoices)::int AS invoices, sum(credit_notes)::int AS "creditNotes",
            sum(ht)::text AS ht, sum(vat)::text AS vat, sum(stamp)::text AS stamp, sum(ttc)::text AS ttc
       FROM (${DOCUMENTS}) d GROUP BY 1 ORDER BY 1`,
    [query.from, query.to],
  );
  return rows.map((row) => ({
    day: String(row['day']),
    invoices: num(row['invoices']),
    creditNotes: num(row['creditNotes']),
    htMillimes: num(row['ht']),
    vatMillimes: num(row['vat']),
    stampMillimes: num(row['stamp']),
    ttcMillimes: num(row['ttc']),
  }));
}

const PERIOD_LENGTH = { day: 10, month: 7, year: 4 } as const;

function revenue(dayRows: readonly DayRow[], granularity: ReportQuery['granularity']): RevenueRow[] {
  const periods = new Map<string, RevenueRow>();
  for (const row of dayRows) {
    const period = row.day.slice(0, PERIOD_LENGTH[granularity]);
    const sum = periods.get(period) ?? { period, invoices: 0, creditNotes: 0, htMillimes: 0, vatMillimes: 0, stampMillimes: 0, ttcMillimes: 0 };
    periods.set(period, {
      period,
      invoices: sum.invoices + row.invoices,
      creditNotes: sum.creditNotes + row.creditNotes,
      htMillimes: sum.htMillimes + row.htMillimes,
      vatMillimes: sum.vatMillimes + row.vatMillimes,
      stampMillimes: sum.stampMillimes + row.stampMillimes,
      ttcMillimes: sum.ttcMillimes + row.ttcMillimes,
    });
  }
  return [...periods.values()];
}

async function vat(db: EntityManager, query: ReportQuery): Promise<VatRow[]> {
  const signed = `CASE WHEN d.invoices = 1 THEN 1 ELSE -1 END`;
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT to_char(d.issue_date, 'YYYY-MM') AS month, (b->>'rateBp')::int AS "rateBp",
            sum(${signed} * (b->>'baseMillimes')::bigint)::text AS base, sum(${signed} * (b->>'vatMillimes')::bigint)::text AS vat
       FROM (${DOCUMENTS}) d, jsonb_array_elements(d.vat_breakdown) b GROUP BY 1, 2 ORDER BY 1, 2 DESC`,
    [query.from, query.to],
  );
  return rows.map((row) => ({ month: String(row['month']), rateBp: num(row['rateBp']), baseMillimes: num(row['base']), vatMillimes: num(row['vat']) }));
}

/**
 * What each issued invoice still owed at the end of `asOf`: its TTC minus the payments received
 * by then (not reversed by then) and the credit notes issued by then. Only positive balances.
 * `invoice_balances` (kept by triggers: data/report-migrations.ts) holds each invoice's balance
 * now and the date from which it holds: an invoice stable by `asOf` is read from it (the owed
 * ones only, by index); only those with a payment, reversal or credit note after `asOf` are
 * summed from their documents.
 */
const BALANCES = `
  WITH moving AS MATERIALIZED (SELECT invoice_id FROM invoice_balances WHERE stable_from > $1::date AND issue_date <= $1::date),
  paid AS (
    SELECT p.invoice_id, sum(p.amount_millimes) AS amount FROM payments p
      LEFT JOIN payment_reversals r ON r.payment_id = p.id AND (r.reversed_at AT TIME ZONE $2)::date <= $1::date
     WHERE p.invoice_id IN (SELECT invoice_id FROM moving) AND p.received_on <= $1::date AND r.payment_id IS NULL GROUP BY p.invoice_id),
  credited AS (SELECT invoice_id, sum(total_ttc) AS amount FROM credit_notes WHERE invoice_id IN (SELECT invoice_id FROM moving) AND issue_date <= $1::date GROUP BY invoice_id),
  balances AS (
    SELECT invoice_id AS id, number, issue_date, total_ttc, ($1::date - issue_date) AS age, balance
      FROM invoice_balances WHERE balance > 0 AND issue_date <= $1::date AND stable_from <= $1::date
    UNION ALL
    SELECT i.id, i.number, i.issue_date, i.total_ttc, ($1::date - i.issue_date) AS age,
           i.total_ttc - COALESCE(paid.amount, 0) - COALESCE(credited.amount, 0) AS balance
      FROM moving JOIN invoices i ON i.id = moving.invoice_id LEFT JOIN paid ON paid.invoice_id = i.id LEFT JOIN credited ON credited.invoice_id = i.id
     WHERE i.status = 'issued')`;

async function ageing(db: EntityManager, asOf: string, timeZone: string): Promise<ReportResponse['ageing']> {
  // Balances computed once: the buckets count every unpaid invoice, the list holds the oldest.
  const rows: Array<Record<string, unknown>> = await db.query(
    `${BALANCES},
     unpaid AS MATERIALIZED (SELECT * FROM balances WHERE balance > 0)
     SELECT 'bucket' AS kind, CASE WHEN age <= 30 THEN '0-30' WHEN age <= 60 THEN '31-60' WHEN age <= 90 THEN '61-90' ELSE '90+' END AS bucket,
            count(*)::int AS invoices, sum(balance)::text AS balance, NULL::uuid AS id, NULL AS number, NULL AS "issueDate", NULL::int AS age, NULL AS ttc
       FROM unpaid GROUP BY 2
     UNION ALL
     (SELECT 'invoice', NULL, NULL, balance::text, id, number, to_char(issue_date, 'YYYY-MM-DD'), age, total_ttc::text
        FROM unpaid ORDER BY issue_date, number LIMIT $3)`,
    [asOf, timeZone, UNPAID_LISTED + 1],
  );
  const grouped = rows.filter((row) => row['kind'] === 'bucket');
  const listed = rows.filter((row) => row['kind'] === 'invoice');
  const byBucket = new Map(grouped.map((row) => [String(row['bucket']), row]));
  const buckets: AgeingBucketRow[] = AGEING_BUCKETS.map((bucket) => ({
    bucket,
    invoices: num(byBucket.get(bucket)?.['invoices']),
    balanceMillimes: num(byBucket.get(bucket)?.['balance']),
  }));
  const invoices: UnpaidInvoiceRow[] = listed.slice(0, UNPAID_LISTED).map((row) => ({
    invoiceId: String(row['id']),
    number: String(row['number']),
    issueDate: String(row['issueDate']),
    ageDays: num(row['age']),
    bucket: ageingBucket(num(row['age'])),
    totalTtcMillimes: num(row['ttc']),
    balanceMillimes: num(row['balance']),
  }));
  return { asOf, basis: 'issue-date', buckets, totalMillimes: buckets.reduce((sum, row) => sum + row.balanceMillimes, 0), invoices, more: listed.length > UNPAID_LISTED };
}

async function hours(db: EntityManager, query: ReportQuery, timeZone: string): Promise<ReportResponse['hours']> {
  // Time entries (paired when their events arrived: data/report-model.ts) that started in the period, Tunis dates.
  const clocked: Array<Record<string, unknown>> = await db.query(
    `SELECT technician_id AS "technicianId", round(sum(seconds) / 3.6)::bigint::text AS milli
       FROM report_time_entries
      WHERE started_at >= $1::date::timestamp AT TIME ZONE $3 AND started_at < ($2::date + 1)::timestamp AT TIME ZONE $3 AND ended_at IS NOT NULL
      GROUP BY 1`,
    [query.from, query.to, timeZone],
  );
  // Labour of the invoices issued in the period (not cancelled by a credit note by its end), shared
  // between the technicians of each work order in proportion to the time they clocked on it.
  const billedRows: Array<Record<string, unknown>> = await db.query(
    `WITH period_invoices AS (
       SELECT i.id, i.work_order_id FROM invoices i
        WHERE i.status = 'issued' AND i.issue_date BETWEEN $1::date AND $2::date
          AND NOT EXISTS (SELECT 1 FROM credit_notes c WHERE c.invoice_id = i.id AND c.closes_invoice AND c.issue_date <= $2::date)),
     labour AS (
       SELECT l.invoice_id, sum(l.quantity_milli) AS labour FROM invoice_lines l JOIN period_invoices p ON p.id = l.invoice_id WHERE l.kind = 'labour' GROUP BY 1),
     billed AS (SELECT p.work_order_id, COALESCE(labour.labour, 0) AS labour FROM period_invoices p LEFT JOIN labour ON labour.invoice_id = p.id),
     per_technician AS (
       SELECT e.work_order_id, e.technician_id, sum(e.seconds) AS seconds FROM report_time_entries e
        WHERE e.ended_at IS NOT NULL AND e.work_order_id IN (SELECT work_order_id FROM billed WHERE work_order_id IS NOT NULL) GROUP BY 1, 2),
     per_order AS (SELECT work_order_id, sum(seconds) AS seconds FROM per_technician GROUP BY 1 HAVING sum(seconds) > 0)
     SELECT t.technician_id::text AS "technicianId", sum(round(b.labour * t.seconds / o.seconds))::bigint::text AS milli
       FROM billed b JOIN per_order o ON o.work_order_id = b.work_order_id JOIN per_technician t ON t.work_order_id = b.work_order_id
      GROUP BY 1
     UNION ALL
     SELECT NULL, COALESCE(sum(b.labour), 0)::text FROM billed b
      WHERE b.work_order_id IS NULL OR NOT EXISTS (SELECT 1 FROM per_order o WHERE o.work_order_id = b.work_order_id)
     UNION ALL
     SELECT 'total', COALESCE(sum(labour), 0)::text FROM billed`,
    [query.from, query.to],
  );
  const [running]: Array<{ running: number }> = await db.query(`SELECT count(*)::int AS running FROM report_time_entries WHERE ended_at IS NULL`);
  const technicians = new Map<string, TechnicianHoursRow>();
  const row = (technicianId: string) => {
    let found = technicians.get(technicianId);
    if (!found) technicians.set(technicianId, (found = { technicianId, clockedMilli: 0, billedMilli: 0 }));
    return found;
  };
  for (const entry of clocked) row(String(entry['technicianId'])).clockedMilli = num(entry['milli']);
  let unattributedBilledMilli = 0;
  let totalBilledMilli = 0;
  for (const entry of billedRows) {
    const id = entry['technicianId'];
    if (id === null) unattributedBilledMilli = num(entry['milli']);
    else if (id === 'total') totalBilledMilli = num(entry['milli']);
    else row(String(id)).billedMilli = num(entry['milli']);
  }
  const list = [...technicians.values()].sort((a, b) => b.clockedMilli - a.clockedMilli || a.technicianId.localeCompare(b.technicianId));
  return {
    technicians: list,
    unattributedBilledMilli,
    totalClockedMilli: list.reduce((sum, entry) => sum + entry.clockedMilli, 0),
    totalBilledMilli,
    runningEntries: running?.running ?? 0,
  };
}

const WORK_ORDER_AGE_BUCKETS: readonly WorkOrderAgeBucket[] = ['0-2', '3-7', '8-30', '30+'];

/**
 * Ages in the garage's calendar days (its time zone): a work order opened yesterday evening is one
 * day old this morning, as the people at the counter count, whatever the hour.
 */
async function openWorkOrders(db: EntityManager, now: Date, timeZone: string): Promise<ReportResponse['workOrders']> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT status, count(*)::int AS count,
            count(*) FILTER (WHERE age <= 2)::int AS "0-2", count(*) FILTER (WHERE age BETWEEN 3 AND 7)::int AS "3-7",
            count(*) FILTER (WHERE age BETWEEN 8 AND 30)::int AS "8-30", count(*) FILTER (WHERE age > 30)::int AS "30+", max(age)::int AS oldest
       FROM (SELECT status, GREATEST(0, ($1::timestamptz AT TIME ZONE $3)::date - (opened_at AT TIME ZONE $3)::date) AS age
               FROM report_work_orders WHERE status = ANY($2::text[])) w
      GROUP BY status`,
    [now.toISOString(), OPEN_WORK_ORDER_STATUSES, timeZone],
  );
  const byStatus = new Map(rows.map((row) => [String(row['status']), row]));
  const result: OpenWorkOrderRow[] = OPEN_WORK_ORDER_STATUSES.filter((status) => byStatus.has(status)).map((status) => {
    const row = byStatus.get(status)!;
    return {
      status,
      count: num(row['count']),
      byAge: Object.fromEntries(WORK_ORDER_AGE_BUCKETS.map((bucket) => [bucket, num(row[bucket])])) as Record<WorkOrderAgeBucket, number>,
      oldestDays: num(row['oldest']),
    };
  });
  return { asOf: now.toISOString(), rows: result, total: result.reduce((sum, row) => sum + row.count, 0) };
}

/** Average repair order: TTC of the invoices made from work orders issued in the period, net of their credit notes by its end; cancelled ones (net 0) are not counted. */
async function averageOrder(db: EntityManager, query: ReportQuery): Promise<ReportResponse['averageOrder']> {
  const [row]: Array<Record<string, unknown>> = await db.query(
    `SELECT count(*) FILTER (WHERE net > 0)::int AS count, COALESCE(sum(net) FILTER (WHERE net > 0), 0)::text AS total
       FROM (SELECT i.total_ttc - COALESCE(c.credited, 0) AS net
               FROM invoices i
               LEFT JOIN (SELECT invoice_id, sum(total_ttc) AS credited FROM credit_notes WHERE issue_date <= $2::date GROUP BY 1) c ON c.invoice_id = i.id
              WHERE i.status = 'issued' AND i.origin = 'work_order' AND i.issue_date BETWEEN $1::date AND $2::date) n`,
    [query.from, query.to],
  );
  const count = num(row?.['count']);
  const total = num(row?.['total']);
  return { workOrderInvoices: count, totalTtcMillimes: total, averageTtcMillimes: count === 0 ? 0 : Number(divideRoundHalfUp(BigInt(total), BigInt(count))) };
}

/** Every figure of the reports screen for one period (super-admin only). */
export async function buildReport(context: BillingContext, caller: Caller, query: ReportQuery): Promise<ReportResponse> {
  requireAdmin(caller);
  const now = context.now();
  const todayDate = today(context);
  const asOf = query.to < todayDate ? query.to : todayDate;
  const db = context.dataSource.manager;
  const [dayRows, vatRows, ageingReport, hoursReport, workOrders, average] = await Promise.all([
    days(db, query),
    vat(db, query),
    ageing(db, asOf, context.timeZone),
    hours(db, query, context.timeZone),
    openWorkOrders(db, now, context.timeZone),
    averageOrder(db, query),
  ]);
  const revenueRows = revenue(dayRows, query.granularity);
  const stamps: StampRow[] = revenue(dayRows, 'month').map((row) => ({ month: row.period, stampMillimes: row.stampMillimes }));
  const total = revenueRows.reduce(
    (sum, row) => ({
      invoices: sum.invoices + row.invoices,
      creditNotes: sum.creditNotes + row.creditNotes,
      htMillimes: sum.htMillimes + row.htMillimes,
      vatMillimes: sum.vatMillimes + row.vatMillimes,
      stampMillimes: sum.stampMillimes + row.stampMillimes,
      ttcMillimes: sum.ttcMillimes + row.ttcMillimes,
    }),
    { invoices: 0, creditNotes: 0, htMillimes: 0, vatMillimes: 0, stampMillimes: 0, ttcMillimes: 0 },
  );
  return {
    period: { from: query.from, to: query.to, granularity: query.granularity, timeZone: context.timeZone, generatedAt: now.toISOString() },
    revenue: { rows: revenueRows, total },
    vat: { rows: vatRows, stamps, totalVatMillimes: vatRows.reduce((sum, row) => sum + row.vatMillimes, 0) },
    ageing: ageingReport,
    hours: hoursReport,
    workOrders,
    averageOrder: average,
  };
}
