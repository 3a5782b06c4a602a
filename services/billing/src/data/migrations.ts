import { sqlMigration } from '@ecar/db';
import { reportMigrations } from './report-migrations.ts';

/** Refuses a change with a message that names the table; used by the immutability triggers. */
const refuseFunction = `
CREATE FUNCTION billing_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'billing: % on % is not allowed (issued fiscal documents are immutable)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$`;

/** An issued invoice is immutable (every column); invoices are never deleted. */
const invoiceGuard = `
CREATE FUNCTION billing_guard_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'billing: invoices are never deleted (invoice %)', OLD.id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.status = 'issued' THEN
    RAISE EXCEPTION 'billing: issued invoice % is immutable', OLD.number USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$`;

/** Lines follow their invoice: no insert, update or delete once it is issued. FOR SHARE waits for an issuing transaction. */
const lineGuard = `
CREATE FUNCTION billing_guard_invoice_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_status text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT status INTO parent_status FROM invoices WHERE id = OLD.invoice_id FOR SHARE;
    IF parent_status = 'issued' THEN
      RAISE EXCEPTION 'billing: lines of issued invoice % are immutable', OLD.invoice_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT status INTO parent_status FROM invoices WHERE id = NEW.invoice_id FOR SHARE;
    IF parent_status = 'issued' THEN
      RAISE EXCEPTION 'billing: lines of issued invoice % are immutable', NEW.invoice_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
  END IF;
  RETURN OLD;
END $$`;

/** A counter only ever moves forward by exactly one: no gap can be made, even by hand. */
const counterGuard = `
CREATE FUNCTION billing_guard_counter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.series <> OLD.series OR NEW.fiscal_year <> OLD.fiscal_year OR NEW.last_seq <> OLD.last_seq + 1 THEN
    RAISE EXCEPTION 'billing: numbering counters only advance by one' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$`;

/**
 * An issued number must be the one its counter just allocated (same transaction, counter row
 * locked), in the canonical form, in the year of the document's date: a number cannot be made up,
 * reused or taken out of order, even by raw SQL.
 */
const numberGuard = `
CREATE FUNCTION billing_guard_document_number() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  allocated int;
  padded text;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NOT (OLD.status = 'draft' AND NEW.status = 'issued') THEN
      RETURN NEW;
    END IF;
  END IF;
  SELECT last_seq INTO allocated FROM document_counters WHERE series = NEW.series AND fiscal_year = NEW.fiscal_year;
  padded := CASE WHEN length(NEW.seq::text) >= 6 THEN NEW.seq::text ELSE lpad(NEW.seq::text, 6, '0') END;
  IF allocated IS NULL OR allocated <> NEW.seq OR NEW.number <> NEW.series || '-' || NEW.fiscal_year || '-' || padded
     OR extract(year FROM NEW.issue_date)::int <> NEW.fiscal_year THEN
    RAISE EXCEPTION 'billing: % is not the number just allocated for % %', NEW.number, NEW.series, NEW.fiscal_year
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$`;

export const billingMigrations = [
  sqlMigration('BillingInit1764288000000', [
    // Tax tables: a change of law is a new row, never a code change (docs/billing.md).
    `CREATE TABLE vat_rates (
       rate_bp int NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
       valid_from date NOT NULL,
       valid_until date,
       label text NOT NULL,
       source text NOT NULL,
       PRIMARY KEY (rate_bp, valid_from),
       CHECK (valid_until IS NULL OR valid_until > valid_from)
     )`,
    `INSERT INTO vat_rates (rate_bp, valid_from, valid_until, label, source) VALUES
       (1800, '2000-01-01', '2018-01-01', 'Taux normal', 'Code de la TVA, avant la loi de finances 2018'),
       (1200, '2000-01-01', '2018-01-01', 'Taux intermédiaire', 'Code de la TVA, avant la loi de finances 2018'),
       (600, '2000-01-01', '2018-01-01', 'Taux réduit', 'Code de la TVA, avant la loi de finances 2018'),
       (1900, '2018-01-01', NULL, 'Taux normal', 'Loi de finances 2018'),
       (1300, '2018-01-01', NULL, 'Taux intermédiaire', 'Loi de finances 2018'),
       (700, '2018-01-01', NULL, 'Taux réduit', 'Loi de finances 2018')`,
    `CREATE TABLE fiscal_stamp_rates (
       valid_from date PRIMARY KEY,
       amount_millimes int NOT NULL CHECK (amount_millimes >= 0),
       source text NOT NULL
     )`,
    `INSERT INTO fiscal_stamp_rates (valid_from, amount_millimes, source) VALUES
       ('2000-01-01', 600, 'Droit de timbre en vigueur avant 2023 (0,600 TND)'),
       ('2023-01-01', 1000, 'Loi de finances 2023 (1,000 TND)')`,
    `CREATE TABLE document_counters (
       series text NOT NULL CHECK (series IN ('FA', 'AV')),
       fiscal_year int NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 9999),
       last_seq int NOT NULL CHECK (last_seq >= 1),
       PRIMARY KEY (series, fiscal_year)
     )`,
    `CREATE TABLE invoices (
       id uuid PRIMARY KEY,
       origin text NOT NULL CHECK (origin IN ('work_order', 'manual')),
       work_order_id uuid UNIQUE,
       customer_id uuid,
       owner_user_id uuid,
       buyer jsonb NOT NULL,
       vehicle jsonb,
       status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
       series text CHECK (series = 'FA'),
       fiscal_year int,
       seq int,
       number text UNIQUE,
       issue_date date,
       issued_at timestamptz,
       issued_by text,
       seller jsonb,
       vat_breakdown jsonb,
       total_ht bigint,
       total_vat bigint,
       stamp bigint,
       total_ttc bigint,
       created_by text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       UNIQUE (series, fiscal_year, seq),
       CHECK (status = 'draft' OR (number IS NOT NULL AND seq IS NOT NULL AND issue_date IS NOT NULL AND seller IS NOT NULL
              AND total_ht IS NOT NULL AND total_vat IS NOT NULL AND stamp IS NOT NULL AND total_ttc = total_ht + total_vat + stamp))
     )`,
    `CREATE INDEX invoices_owner ON invoices (owner_user_id, created_at DESC)`,
    `CREATE INDEX invoices_created ON invoices (created_at DESC, id)`,
    `CREATE TABLE invoice_lines (
       invoice_id uuid NOT NULL REFERENCES invoices(id),
       position int NOT NULL CHECK (position >= 1),
       kind text NOT NULL CHECK (kind IN ('labour', 'part', 'other')),
       description text NOT NULL,
       quantity_milli bigint NOT NULL CHECK (quantity_milli > 0),
       unit_price_millimes bigint NOT NULL CHECK (unit_price_millimes >= 0),
       vat_rate_bp int NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
       amount_ht bigint NOT NULL CHECK (amount_ht >= 0),
       PRIMARY KEY (invoice_id, position)
     )`,
    `CREATE TABLE credit_notes (
       id uuid PRIMARY KEY,
       invoice_id uuid NOT NULL REFERENCES invoices(id),
       series text NOT NULL CHECK (series = 'AV'),
       fiscal_year int NOT NULL,
       seq int NOT NULL,
       number text NOT NULL UNIQUE,
       issue_date date NOT NULL,
       issued_at timestamptz NOT NULL DEFAULT now(),
       issued_by text NOT NULL,
       reason text NOT NULL,
       seller jsonb NOT NULL,
       buyer jsonb NOT NULL,
       lines jsonb NOT NULL,
       vat_breakdown jsonb NOT NULL,
       total_ht bigint NOT NULL CHECK (total_ht >= 0),
       total_vat bigint NOT NULL CHECK (total_vat >= 0),
       stamp bigint NOT NULL CHECK (stamp >= 0),
       total_ttc bigint NOT NULL CHECK (total_ttc > 0 AND total_ttc = total_ht + total_vat + stamp),
       closes_invoice boolean NOT NULL,
       UNIQUE (series, fiscal_year, seq)
     )`,
    `CREATE INDEX credit_notes_invoice ON credit_notes (invoice_id)`,
    `CREATE TABLE payments (
       id uuid PRIMARY KEY,
       invoice_id uuid NOT NULL REFERENCES invoices(id),
       method text NOT NULL CHECK (method IN ('cash', 'card', 'cheque', 'transfer')),
       amount_millimes bigint NOT NULL CHECK (amount_millimes > 0),
       cheque_number text,
       cheque_bank text,
       transfer_reference text,
       card_reference text,
       received_on date NOT NULL,
       recorded_at timestamptz NOT NULL DEFAULT now(),
       recorded_by text NOT NULL,
       CHECK (method <> 'cheque' OR (cheque_number IS NOT NULL AND cheque_bank IS NOT NULL)),
       CHECK (method <> 'transfer' OR transfer_reference IS NOT NULL)
     )`,
    `CREATE INDEX payments_invoice ON payments (invoice_id, recorded_at)`,
    `CREATE TABLE payment_reversals (
       payment_id uuid PRIMARY KEY REFERENCES payments(id),
       reason text NOT NULL,
       reversed_by text NOT NULL,
       reversed_at timestamptz NOT NULL DEFAULT now()
     )`,
    refuseFunction,
    invoiceGuard,
    lineGuard,
    counterGuard,
    `CREATE TRIGGER invoices_guard BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION billing_guard_invoice()`,
    `CREATE TRIGGER invoice_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION billing_guard_invoice_line()`,
    `CREATE TRIGGER document_counters_guard BEFORE UPDATE OR DELETE ON document_counters FOR EACH ROW EXECUTE FUNCTION billing_guard_counter()`,
    ...['credit_notes', 'payments', 'payment_reversals'].map(
      (table) => `CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION billing_refuse_change()`,
    ),
    ...['invoices', 'invoice_lines', 'credit_notes', 'payments', 'payment_reversals', 'document_counters'].map(
      (table) => `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION billing_refuse_change()`,
    ),
  ]),
  sqlMigration('BillingNumberGuard1764374400000', [
    numberGuard,
    `CREATE TRIGGER invoices_number_guard BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION billing_guard_document_number()`,
    `CREATE TRIGGER credit_notes_number_guard BEFORE INSERT ON credit_notes FOR EACH ROW EXECUTE FUNCTION billing_guard_document_number()`,
  ]),
  // Issue 14: the work order's human number (OR-2026-000123), carried by garage.workorder.completed, cited on the invoice.
  // Drafts and invoices made before it keep null (their PDF cites the work order's id, as it always did).
  sqlMigration('BillingWorkOrderNumber1797200000000', [`ALTER TABLE invoices ADD COLUMN work_order_number text CHECK (work_order_number ~ '^OR-[0-9]{4}-[0-9]{6}$')`]),
  // Issue 16: the list pages by (created_at DESC, id DESC); the old index had id ascending, so the
  // first page read and sorted every invoice sharing the newest created_at. One index per way the
  // list is asked for: all invoices, and one status (docs/performance/scale.md).
  sqlMigration('BillingListIndexes1797900000000', [
    `DROP INDEX invoices_created`,
    `CREATE INDEX invoices_created ON invoices (created_at DESC, id DESC)`,
    `CREATE INDEX invoices_status_created ON invoices (status, created_at DESC, id DESC)`,
  ]),
  ...reportMigrations,
];
