import { sqlMigration } from '@ecar/db';

/**
 * The reports' read model (docs/reports.md): what billing learns from garage's events — the state
 * and age of each work order, the clock-in/clock-out of technicians — kept in billing's own
 * database, so no report reads garage's. Invoices, credit notes and payments are billing's own
 * tables; the indexes make the period queries range scans.
 */
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
];
