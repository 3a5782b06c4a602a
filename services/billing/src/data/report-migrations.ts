import { sqlMigration } from '@ecar/db';

/**
 * The reports' read model (docs/reports.md): what billing learns from garage's events — the state
 * and age of each work order, the clock-in/clock-out of technicians — kept in billing's own
 * database, so no report reads garage's. Invoices, credit notes and payments are billing's own
 * tables; the indexes make the period queries range scans.
 */
/**
 * The balance of one issued invoice now (TTC − payments not reversed − credit notes), and the
 * date from which it holds: the latest date of what it depends on — its issue, its payments, its
 * credit notes, its reversals (UTC date + 1: not before the reversal's local date in any zone). As
 * of that date or later the invoice owes exactly this balance. The writers hold the invoice's row
 * lock (payments, reversals and credit notes lock it first), so two of them do not interleave.
 */
const BALANCE_FUNCTION = `CREATE FUNCTION billing_refresh_balance(target uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO invoice_balances (invoice_id, number, issue_date, total_ttc, balance, stable_from)
  SELECT i.id, i.number, i.issue_date, i.total_ttc, i.total_ttc - COALESCE(p.amount, 0) - COALESCE(c.amount, 0), GREATEST(i.issue_date, p.last, c.last, r.last)
    FROM invoices i
    LEFT JOIN LATERAL (SELECT sum(x.amount_millimes) FILTER (WHERE NOT EXISTS (SELECT 1 FROM payment_reversals y WHERE y.payment_id = x.id)) AS amount,
                              max(x.received_on) AS last
                         FROM payments x WHERE x.invoice_id = i.id) p ON true
    LEFT JOIN LATERAL (SELECT max((y.reversed_at AT TIME ZONE 'UTC')::date + 1) AS last FROM payment_reversals y JOIN payments x ON x.id = y.payment_id
                        WHERE x.invoice_id = i.id) r ON true
    LEFT JOIN LATERAL (SELECT sum(z.total_ttc) AS amount, max(z.issue_date) AS last FROM credit_notes z WHERE z.invoice_id = i.id) c ON true
   WHERE i.id = target AND i.status = 'issued'
  ON CONFLICT (invoice_id) DO UPDATE SET balance = EXCLUDED.balance, stable_from = EXCLUDED.stable_from
$$`;

/** Every issued invoice's balance (the migration, and the benchmark's bulk-written invoices). */
export const BALANCE_BACKFILL = `SELECT billing_refresh_balance(id) FROM invoices WHERE status = 'issued'`;

export const reportMigrations = [
  sqlMigration('BillingReports1797500000000', [
    `CREATE TABLE report_work_orders (
       work_order_id uuid PRIMARY KEY,
       status text NOT NULL,
       status_at timestamptz NOT NULL,
       opened_at timestamptz NOT NULL,
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX report_work_orders_status ON report_work_orders (status, opened_at)`,
    `CREATE TABLE report_time_events (
       event_id uuid PRIMARY KEY,
       work_order_id uuid NOT NULL,
       technician_id uuid NOT NULL,
       action text NOT NULL CHECK (action IN ('clock_in', 'clock_out')),
       at timestamptz NOT NULL
     )`,
    `CREATE INDEX report_time_events_entry ON report_time_events (work_order_id, technician_id, at)`,
    // Time entries paired from the events of one technician on one work order, rebuilt with each of its events.
    `CREATE TABLE report_time_entries (
       work_order_id uuid NOT NULL,
       technician_id uuid NOT NULL,
       started_at timestamptz NOT NULL,
       ended_at timestamptz,
       seconds numeric,
       PRIMARY KEY (work_order_id, technician_id, started_at),
       CHECK ((ended_at IS NULL) = (seconds IS NULL))
     )`,
    `CREATE INDEX report_time_entries_started ON report_time_entries (started_at) INCLUDE (technician_id, seconds)`,
    `CREATE INDEX report_time_entries_running ON report_time_entries (started_at) WHERE ended_at IS NULL`,
    `CREATE INDEX invoices_issued_on ON invoices (issue_date) WHERE status = 'issued'`,
    `CREATE INDEX credit_notes_issued_on ON credit_notes (issue_date)`,
  ]),
  // Replays of garage's work-order history (docs/reports.md): a clock event knows garage's time
  // entry (one row per entry and action, whether it came live or replayed); each replay's progress.
  sqlMigration('BillingReportReplay1798600000001', [
    `ALTER TABLE report_time_events ADD COLUMN time_entry_id uuid`,
    `CREATE UNIQUE INDEX report_time_events_time_entry ON report_time_events (time_entry_id, action) WHERE time_entry_id IS NOT NULL`,
    `CREATE TABLE report_replays (
       id uuid PRIMARY KEY,
       requested_by uuid,
       requested_at timestamptz NOT NULL DEFAULT now(),
       total integer,
       applied integer NOT NULL DEFAULT 0,
       expected integer,
       updated_at timestamptz NOT NULL DEFAULT now(),
       finished_at timestamptz
     )`,
  ]),
  // The ageing reads the balances kept here instead of summing every invoice's payments and
  // credit notes at each request (docs/performance/reports.md): for each issued invoice its balance
  // now and the date from which it holds, kept by triggers on billing's own writes (no code path
  // can forget them); the owed ones by issue date, the ones still moving by that date.
  sqlMigration('BillingInvoiceBalances1798600000002', [
    `CREATE TABLE invoice_balances (
       invoice_id uuid PRIMARY KEY REFERENCES invoices (id),
       number text NOT NULL,
       issue_date date NOT NULL,
       total_ttc bigint NOT NULL,
       balance bigint NOT NULL,
       stable_from date NOT NULL
     )`,
    `CREATE INDEX invoice_balances_owed ON invoice_balances (issue_date) INCLUDE (invoice_id, number, total_ttc, balance, stable_from) WHERE balance > 0`,
    `CREATE INDEX invoice_balances_moving ON invoice_balances (stable_from)`,
    BALANCE_FUNCTION,
    `CREATE FUNCTION billing_balance_of_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM billing_refresh_balance(NEW.id); RETURN NULL; END $$`,
    `CREATE FUNCTION billing_balance_of_document() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM billing_refresh_balance(NEW.invoice_id); RETURN NULL; END $$`,
    `CREATE FUNCTION billing_balance_of_reversal() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM billing_refresh_balance((SELECT invoice_id FROM payments WHERE id = NEW.payment_id)); RETURN NULL; END $$`,
    `CREATE TRIGGER invoices_balance AFTER INSERT OR UPDATE OF status ON invoices FOR EACH ROW WHEN (NEW.status = 'issued') EXECUTE FUNCTION billing_balance_of_invoice()`,
    `CREATE TRIGGER payments_balance AFTER INSERT ON payments FOR EACH ROW EXECUTE FUNCTION billing_balance_of_document()`,
    `CREATE TRIGGER credit_notes_balance AFTER INSERT ON credit_notes FOR EACH ROW EXECUTE FUNCTION billing_balance_of_document()`,
    `CREATE TRIGGER payment_reversals_balance AFTER INSERT ON payment_reversals FOR EACH ROW EXECUTE FUNCTION billing_balance_of_reversal()`,
    BALANCE_BACKFILL,
  ]),
];
