import { sqlMigration } from '@ecar/db';

/**
 * Columns ending in `_sealed` hold Keyring values (`v1.<kid>.<iv>.<ct>.<tag>`, AAD
 * `<table>.<column>.<row id>`); `_bidx` columns hold blind indexes (HMAC) for lookups. A
 * customer's fields are sealed in two groups — contact (phone, e-mail: what lists show) and
 * identity (address, CIN/tax ID: read one customer at a time) — one AES-GCM operation per group.
 */
export const garageMigrations = [
  sqlMigration('GarageInit1764288000000', [
    `CREATE TABLE customers (
       id uuid PRIMARY KEY,
       user_id uuid UNIQUE,
       kind text NOT NULL CHECK (kind IN ('person', 'company')),
       name text NOT NULL,
       contact_sealed text,
       identity_sealed text,
       phone_bidx text,
       email_bidx text,
       national_id_bidx text,
       consent_given_at timestamptz,
       consent_method text,
       consent_withdrawn_at timestamptz,
       anonymised_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX customers_phone_bidx ON customers (phone_bidx)`,
    `CREATE INDEX customers_email_bidx ON customers (email_bidx)`,
    `CREATE INDEX customers_national_id_bidx ON customers (national_id_bidx)`,
    `CREATE INDEX customers_name ON customers (name, id)`,
    `CREATE TABLE vehicles (
       id uuid PRIMARY KEY,
       customer_id uuid NOT NULL REFERENCES customers (id),
       plate_sealed text NOT NULL,
       plate_bidx text NOT NULL,
       vin_sealed text,
       vin_bidx text,
       make text NOT NULL,
       model text NOT NULL,
       year integer NOT NULL,
       mileage_km integer NOT NULL,
       next_service_date date,
       next_service_mileage_km integer,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE UNIQUE INDEX vehicles_plate_bidx ON vehicles (plate_bidx)`,
    `CREATE INDEX vehicles_vin_bidx ON vehicles (vin_bidx)`,
    `CREATE INDEX vehicles_customer ON vehicles (customer_id)`,
    `CREATE TABLE documents (
       id uuid PRIMARY KEY,
       vehicle_id uuid NOT NULL REFERENCES vehicles (id),
       customer_id uuid NOT NULL REFERENCES customers (id),
       kind text NOT NULL,
       content_type text NOT NULL,
       size_bytes integer NOT NULL,
       storage_name text NOT NULL UNIQUE,
       data_key_sealed text NOT NULL,
       uploaded_by uuid NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX documents_vehicle ON documents (vehicle_id)`,
    `CREATE TABLE appointments (
       id uuid PRIMARY KEY,
       customer_id uuid NOT NULL REFERENCES customers (id),
       vehicle_id uuid REFERENCES vehicles (id),
       slot_start timestamptz NOT NULL,
       status text NOT NULL CHECK (status IN ('requested', 'confirmed', 'cancelled')),
       note text,
       requested_by uuid NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX appointments_slot ON appointments (slot_start) WHERE status <> 'cancelled'`,
    `CREATE INDEX appointments_customer ON appointments (customer_id)`,
    `CREATE TABLE work_orders (
       id uuid PRIMARY KEY,
       customer_id uuid NOT NULL REFERENCES customers (id),
       vehicle_id uuid NOT NULL REFERENCES vehicles (id),
       appointment_id uuid UNIQUE REFERENCES appointments (id),
       status text NOT NULL,
       complaint text NOT NULL,
       mileage_in_km integer,
       opened_by uuid NOT NULL,
       estimate_decision text CHECK (estimate_decision IN ('approved', 'declined')),
       estimate_decided_by uuid,
       estimate_decided_at timestamptz,
       estimate_decided_ip text,
       completed_at timestamptz,
       delivered_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX work_orders_customer ON work_orders (customer_id)`,
    `CREATE INDEX work_orders_vehicle ON work_orders (vehicle_id)`,
    `CREATE TABLE work_order_technicians (
       work_order_id uuid NOT NULL REFERENCES work_orders (id),
       technician_id uuid NOT NULL,
       assigned_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (work_order_id, technician_id)
     )`,
    `CREATE INDEX work_order_technicians_technician ON work_order_technicians (technician_id)`,
    `CREATE TABLE work_order_lines (
       id uuid PRIMARY KEY,
       work_order_id uuid NOT NULL REFERENCES work_orders (id),
       kind text NOT NULL CHECK (kind IN ('labour', 'part')),
       description text NOT NULL,
       quantity_milli integer NOT NULL CHECK (quantity_milli > 0),
       unit_price_millimes bigint NOT NULL CHECK (unit_price_millimes >= 0),
       vat_rate_bp integer NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
       added_by uuid NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX work_order_lines_order ON work_order_lines (work_order_id, created_at)`,
    `CREATE TABLE time_entries (
       id uuid PRIMARY KEY,
       work_order_id uuid NOT NULL REFERENCES work_orders (id),
       technician_id uuid NOT NULL,
       started_at timestamptz NOT NULL,
       ended_at timestamptz,
       CHECK (ended_at IS NULL OR ended_at >= started_at)
     )`,
    `CREATE UNIQUE INDEX time_entries_one_open ON time_entries (work_order_id, technician_id) WHERE ended_at IS NULL`,
  ]),
  // Estimates (issue #14): each line's approval, the customer's answers, the versions sent and approved.
  sqlMigration('GarageEstimates1796126036456', [
    `ALTER TABLE work_order_lines
       ADD COLUMN approval text NOT NULL DEFAULT 'draft' CHECK (approval IN ('draft', 'awaiting_approval', 'approved', 'declined')),
       ADD COLUMN decision_id uuid,
       ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`,
    // Lines written before per-line approval follow their order's whole-estimate answer.
    `UPDATE work_order_lines l SET approval = CASE
        WHEN w.estimate_decision = 'approved' THEN 'approved'
        WHEN w.estimate_decision = 'declined' THEN 'declined'
        WHEN w.status = 'estimate_sent' THEN 'awaiting_approval'
        ELSE 'draft' END
       FROM work_orders w WHERE w.id = l.work_order_id`,
    `CREATE TABLE estimate_decisions (
       id uuid PRIMARY KEY,
       work_order_id uuid NOT NULL REFERENCES work_orders (id),
       method text NOT NULL CHECK (method IN ('app', 'phone', 'in_person')),
       recorded_by uuid NOT NULL,
       given_by_sealed text,
       given_at timestamptz NOT NULL,
       words_sealed text,
       ip text,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX estimate_decisions_order ON estimate_decisions (work_order_id)`,
    `CREATE TABLE estimate_versions (
       id uuid PRIMARY KEY,
       work_order_id uuid NOT NULL REFERENCES work_orders (id),
       version integer NOT NULL CHECK (version > 0),
       kind text NOT NULL CHECK (kind IN ('sent', 'decision')),
       decision_id uuid REFERENCES estimate_decisions (id),
       lines jsonb NOT NULL,
       totals jsonb NOT NULL,
       approved_totals jsonb NOT NULL,
       created_by uuid NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       UNIQUE (work_order_id, version)
     )`,
  ]),
  // Issue 14: parts catalogue, stock per location with its movement ledger, canned jobs; a work-order line may cite a part.
  sqlMigration('GarageParts1764979200000', [
    `CREATE TABLE parts (
       id uuid PRIMARY KEY,
       reference text NOT NULL,
       brand text NOT NULL,
       description text NOT NULL,
       purchase_price_millimes bigint NOT NULL CHECK (purchase_price_millimes >= 0),
       selling_price_millimes bigint NOT NULL CHECK (selling_price_millimes >= 0),
       vat_rate_bp integer NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
       barcode text UNIQUE CHECK (barcode ~ '^[0-9]{13}$'),
       reorder_point_milli integer NOT NULL DEFAULT 0 CHECK (reorder_point_milli >= 0),
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE UNIQUE INDEX parts_brand_reference ON parts (lower(brand), lower(reference))`,
    `CREATE INDEX parts_reference ON parts (lower(reference) text_pattern_ops)`,
    // One row per part and location: the quantity on hand, kept equal to the sum of the ledger in the
    // same transaction; its row lock serialises two movements of the same part at the same place.
    `CREATE TABLE stock_levels (
       part_id uuid NOT NULL REFERENCES parts (id),
       location text NOT NULL,
       on_hand_milli bigint NOT NULL DEFAULT 0,
       PRIMARY KEY (part_id, location)
     )`,
    `CREATE TABLE stock_movements (
       id uuid PRIMARY KEY,
       part_id uuid NOT NULL REFERENCES parts (id),
       location text NOT NULL,
       kind text NOT NULL CHECK (kind IN ('receipt', 'consumption', 'adjustment', 'return')),
       quantity_milli bigint NOT NULL CHECK (quantity_milli <> 0),
       on_hand_after_milli bigint NOT NULL,
       reason text,
       negative_allowed boolean NOT NULL DEFAULT false,
       work_order_id uuid REFERENCES work_orders (id),
       line_id uuid,
       moved_by uuid NOT NULL,
       seq bigserial NOT NULL UNIQUE,
       created_at timestamptz NOT NULL DEFAULT now(),
       CHECK (kind <> 'adjustment' OR reason IS NOT NULL),
       CHECK (kind = 'adjustment' OR quantity_milli > 0 OR kind = 'consumption'),
       CHECK (kind <> 'consumption' OR (quantity_milli < 0 AND line_id IS NOT NULL))
     )`,
    `CREATE INDEX stock_movements_part ON stock_movements (part_id, seq)`,
    // A work-order line consumes its part once, however often the request is sent.
    `CREATE UNIQUE INDEX stock_movements_line_consumed ON stock_movements (line_id) WHERE kind = 'consumption'`,
    `ALTER TABLE work_order_lines ADD COLUMN part_id uuid REFERENCES parts (id)`,
    `CREATE TABLE canned_jobs (
       id uuid PRIMARY KEY,
       name text NOT NULL,
       description text,
       make text,
       model text,
       labour_hours_milli integer NOT NULL CHECK (labour_hours_milli >= 0),
       labour_rate_millimes bigint NOT NULL CHECK (labour_rate_millimes >= 0),
       labour_vat_rate_bp integer NOT NULL CHECK (labour_vat_rate_bp BETWEEN 0 AND 10000),
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CHECK (model IS NULL OR make IS NOT NULL)
     )`,
    `CREATE INDEX canned_jobs_make_model ON canned_jobs (lower(make), lower(model))`,
    `CREATE TABLE canned_job_parts (
       canned_job_id uuid NOT NULL REFERENCES canned_jobs (id) ON DELETE CASCADE,
       position integer NOT NULL,
       part_id uuid NOT NULL REFERENCES parts (id),
       quantity_milli integer NOT NULL CHECK (quantity_milli > 0),
       PRIMARY KEY (canned_job_id, position)
     )`,
  ]),
  // Issue 14: suppliers and purchase orders; a receipt's movements cite their order.
  sqlMigration('GaragePurchaseOrders1764979300000', [
    `CREATE TABLE suppliers (
       id uuid PRIMARY KEY,
       name text NOT NULL,
       email text,
       phone text,
       note text,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE purchase_orders (
       id uuid PRIMARY KEY,
       supplier_id uuid NOT NULL REFERENCES suppliers (id),
       location text NOT NULL,
       status text NOT NULL CHECK (status IN ('draft', 'ordered', 'received', 'cancelled')),
       created_by uuid NOT NULL,
       ordered_at timestamptz,
       received_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE purchase_order_lines (
       purchase_order_id uuid NOT NULL REFERENCES purchase_orders (id),
       position integer NOT NULL,
       part_id uuid NOT NULL REFERENCES parts (id),
       quantity_milli integer NOT NULL CHECK (quantity_milli > 0),
       unit_cost_millimes bigint CHECK (unit_cost_millimes >= 0),
       PRIMARY KEY (purchase_order_id, position)
     )`,
    `ALTER TABLE stock_movements ADD COLUMN purchase_order_id uuid REFERENCES purchase_orders (id)`,
    // A purchase order's line is received once, however often the receipt is sent.
    `ALTER TABLE stock_movements ADD COLUMN purchase_order_position integer`,
    `CREATE UNIQUE INDEX stock_movements_po_line ON stock_movements (purchase_order_id, purchase_order_position) WHERE purchase_order_id IS NOT NULL`,
  ]),
  // Issue 14: human references. Work orders, estimate versions sent, appointments and purchase orders get a
  // per-year number (OR-2026-000123, DV-…, RDV-…, BC-…) from one counter row per (prefix, year), taken by the
  // INSERT's own transaction: its row lock serialises two inserts, a rolled-back insert gives its number back.
  sqlMigration('GarageWorkshop1797200000000', [
    `CREATE TABLE reference_counters (
       prefix text NOT NULL,
       year integer NOT NULL,
       last_value integer NOT NULL CHECK (last_value > 0),
       PRIMARY KEY (prefix, year)
     )`,
    `CREATE FUNCTION next_reference(p_prefix text, p_at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
       DECLARE
         v_year integer := extract(year FROM p_at AT TIME ZONE 'Africa/Tunis')::integer;
         v_value integer;
       BEGIN
         INSERT INTO reference_counters AS c (prefix, year, last_value) VALUES (p_prefix, v_year, 1)
           ON CONFLICT (prefix, year) DO UPDATE SET last_value = c.last_value + 1
           RETURNING c.last_value INTO v_value;
         RETURN p_prefix || '-' || v_year || '-' || lpad(v_value::text, 6, '0');
       END $$`,
    // TG_ARGV[0] is the prefix. Work orders and appointments are saved by upsert (INSERT … ON CONFLICT
    // DO UPDATE, which fires BEFORE INSERT too and checks NOT NULL before the conflict): a row that
    // already exists is proposed with the number it has, so a status change never burns a counter value.
    `CREATE FUNCTION assign_reference() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.number IS NULL THEN
           EXECUTE format('SELECT number FROM %I WHERE id = $1', TG_TABLE_NAME) INTO NEW.number USING NEW.id;
           IF NEW.number IS NULL THEN NEW.number := next_reference(TG_ARGV[0], coalesce(NEW.created_at, now())); END IF;
         END IF;
         RETURN NEW;
       END $$`,
    `ALTER TABLE work_orders ADD COLUMN number text`,
    `ALTER TABLE appointments ADD COLUMN number text`,
    `ALTER TABLE purchase_orders ADD COLUMN number text`,
    `ALTER TABLE estimate_versions ADD COLUMN number text`,
    // Existing rows: numbered in the order they were created, per year; the counters continue after them.
    ...(
      [
        ['work_orders', 'OR', 'true'],
        ['appointments', 'RDV', 'true'],
        ['purchase_orders', 'BC', 'true'],
        ['estimate_versions', 'DV', `kind = 'sent'`],
      ] as const
    ).flatMap(([table, prefix, which]) => [
      `UPDATE ${table} t SET number = '${prefix}-' || n.year || '-' || lpad(n.seq::text, 6, '0')
         FROM (SELECT id, extract(year FROM created_at AT TIME ZONE 'Africa/Tunis')::integer AS year,
                      row_number() OVER (PARTITION BY extract(year FROM created_at AT TIME ZONE 'Africa/Tunis') ORDER BY created_at, id) AS seq
                 FROM ${table} WHERE ${which}) n
        WHERE t.id = n.id`,
      `INSERT INTO reference_counters (prefix, year, last_value)
         SELECT '${prefix}', split_part(number, '-', 2)::integer, max(split_part(number, '-', 3)::integer)
           FROM ${table} WHERE number IS NOT NULL GROUP BY 2`,
      `CREATE UNIQUE INDEX ${table}_number ON ${table} (number)`,
      `CREATE TRIGGER ${table}_number BEFORE INSERT ON ${table} FOR EACH ROW${which === 'true' ? '' : ` WHEN (NEW.${which})`} EXECUTE FUNCTION assign_reference('${prefix}')`,
    ]),
    `ALTER TABLE work_orders ALTER COLUMN number SET NOT NULL`,
    `ALTER TABLE appointments ALTER COLUMN number SET NOT NULL`,
    `ALTER TABLE purchase_orders ALTER COLUMN number SET NOT NULL`,
    `ALTER TABLE estimate_versions ADD CHECK ((kind = 'sent') = (number IS NOT NULL))`,
  ]),
  // Issue 14, planning: bays (ponts), technicians' weekly hours and absences, bookings of an
  // appointment or a work order on one technician and one bay. Two live bookings never overlap on
  // the same bay or the same technician: exclusion constraints (btree_gist is a trusted extension,
  // so the database owner creates it without superuser rights).
  sqlMigration('GaragePlanning1797100000000', [
    `CREATE EXTENSION IF NOT EXISTS btree_gist`,
    `CREATE TABLE bays (
       id uuid PRIMARY KEY,
       name text NOT NULL,
       note text,
       active boolean NOT NULL DEFAULT true,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE UNIQUE INDEX bays_name ON bays (lower(name))`,
    `CREATE TABLE technician_hours (
       technician_id uuid NOT NULL,
       weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
       start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
       end_minute smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
       CHECK (start_minute < end_minute),
       PRIMARY KEY (technician_id, weekday, start_minute)
     )`,
    `CREATE TABLE technician_absences (
       id uuid PRIMARY KEY,
       technician_id uuid NOT NULL,
       starts_at timestamptz NOT NULL,
       ends_at timestamptz NOT NULL,
       reason text NOT NULL,
       created_by uuid NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       CHECK (starts_at < ends_at)
     )`,
    `CREATE INDEX technician_absences_technician ON technician_absences (technician_id, starts_at)`,
    `CREATE TABLE schedule_bookings (
       id uuid PRIMARY KEY,
       technician_id uuid NOT NULL,
       bay_id uuid NOT NULL REFERENCES bays (id),
       starts_at timestamptz NOT NULL,
       ends_at timestamptz NOT NULL,
       appointment_id uuid REFERENCES appointments (id),
       work_order_id uuid REFERENCES work_orders (id),
       created_by uuid NOT NULL,
       cancelled_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CHECK (starts_at < ends_at),
       CHECK ((appointment_id IS NULL) <> (work_order_id IS NULL)),
       CONSTRAINT schedule_bookings_bay_overlap EXCLUDE USING gist (bay_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (cancelled_at IS NULL),
       CONSTRAINT schedule_bookings_technician_overlap EXCLUDE USING gist (technician_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (cancelled_at IS NULL)
     )`,
    `CREATE UNIQUE INDEX schedule_bookings_appointment ON schedule_bookings (appointment_id) WHERE cancelled_at IS NULL AND appointment_id IS NOT NULL`,
    `CREATE UNIQUE INDEX schedule_bookings_work_order ON schedule_bookings (work_order_id) WHERE cancelled_at IS NULL AND work_order_id IS NOT NULL`,
    `CREATE INDEX schedule_bookings_starts ON schedule_bookings (starts_at) WHERE cancelled_at IS NULL`,
    // How online booking finds room: 'capacity' (the per-slot number, as before) or 'planning'.
    `CREATE TABLE planning_settings (
       id boolean PRIMARY KEY DEFAULT true CHECK (id),
       online_booking text NOT NULL DEFAULT 'capacity' CHECK (online_booking IN ('capacity', 'planning')),
       booking_minutes integer NOT NULL DEFAULT 60 CHECK (booking_minutes BETWEEN 15 AND 600),
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `INSERT INTO planning_settings (id) VALUES (true)`,
  ]),
  // Issue 15: reminders. The Tunisian due dates of a vehicle, a canned job's service interval, and one
  // claim per reminder sent: the daily job inserts it in the transaction of its outbox event, so a
  // rerun or a second replica finds it taken and sends nothing twice.
  sqlMigration('GarageReminders1797300000000', [
    `ALTER TABLE vehicles ADD COLUMN technical_inspection_due date, ADD COLUMN insurance_due date, ADD COLUMN vignette_due date`,
    `ALTER TABLE canned_jobs ADD COLUMN service_interval_months integer CHECK (service_interval_months BETWEEN 1 AND 120),
       ADD COLUMN service_interval_km integer CHECK (service_interval_km BETWEEN 100 AND 500000)`,
    `CREATE TABLE reminder_claims (
       id uuid PRIMARY KEY,
       vehicle_id uuid NOT NULL REFERENCES vehicles (id) ON DELETE CASCADE,
       kind text NOT NULL CHECK (kind IN ('service', 'technical_inspection', 'insurance', 'vignette')),
       due_date date,
       due_mileage_km integer,
       lead_days integer NOT NULL CHECK (lead_days >= 0),
       claimed_at timestamptz NOT NULL DEFAULT now(),
       CHECK ((due_date IS NULL) <> (due_mileage_km IS NULL))
     )`,
    `CREATE UNIQUE INDEX reminder_claims_once ON reminder_claims (vehicle_id, kind, COALESCE(due_date, 'infinity'::date), COALESCE(due_mileage_km, -1), lead_days)`,
    `CREATE INDEX vehicles_technical_inspection_due ON vehicles (technical_inspection_due) WHERE technical_inspection_due IS NOT NULL`,
    `CREATE INDEX vehicles_insurance_due ON vehicles (insurance_due) WHERE insurance_due IS NOT NULL`,
    `CREATE INDEX vehicles_vignette_due ON vehicles (vignette_due) WHERE vignette_due IS NOT NULL`,
    `CREATE INDEX vehicles_next_service_date ON vehicles (next_service_date) WHERE next_service_date IS NOT NULL`,
  ]),
  // Issue 12, finding 5: a plate already registered to someone else is claimed, and the garage decides.
  sqlMigration('GarageHardening1797700000000', [
    `CREATE TABLE plate_claims (
       id uuid PRIMARY KEY,
       vehicle_id uuid NOT NULL REFERENCES vehicles (id),
       claimant_customer_id uuid NOT NULL REFERENCES customers (id),
       -- Whose vehicle it was when the claim was made (it moves to the claimant if accepted).
       holder_customer_id uuid NOT NULL REFERENCES customers (id),
       make text NOT NULL,
       model text NOT NULL,
       year integer NOT NULL,
       status text NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
       requested_by uuid NOT NULL,
       decided_by uuid,
       decided_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       CHECK ((status = 'pending') = (decided_at IS NULL))
     )`,
    // One open claim per claimant and vehicle, however often the form is sent.
    `CREATE UNIQUE INDEX plate_claims_open ON plate_claims (vehicle_id, claimant_customer_id) WHERE status = 'pending'`,
    `CREATE INDEX plate_claims_pending ON plate_claims (id) WHERE status = 'pending'`,
    `CREATE INDEX plate_claims_claimant ON plate_claims (claimant_customer_id)`,
  ]),
  // Issue 15: counter search on sealed fields. The name is sealed too (`name` is emptied by the
  // backfill: rotate-field-keys seals it and writes the search terms of every existing row).
  // Tokens are truncated HMACs (docs/security/search.md); `search_key_id` names the keyring key
  // a row's tokens were computed under (NULL: not indexed yet).
  sqlMigration('GarageSearch1797400000000', [
    `ALTER TABLE customers ADD COLUMN name_sealed text`,
    `ALTER TABLE customers ALTER COLUMN name DROP NOT NULL`,
    `ALTER TABLE customers ADD COLUMN search_key_id text`,
    `ALTER TABLE vehicles ADD COLUMN search_key_id text`,
    `CREATE TABLE search_terms (
       kind text NOT NULL CHECK (kind IN ('name', 'plate', 'vin', 'phone')),
       token integer NOT NULL,
       customer_id uuid NOT NULL REFERENCES customers (id),
       source_id uuid NOT NULL,
       key_id text NOT NULL
     )`,
    `CREATE INDEX search_terms_lookup ON search_terms (kind, token, customer_id)`,
    `CREATE INDEX search_terms_source ON search_terms (source_id)`,
  ]),
  // Issue 15: maintenance books as issued (signed, no personal data): what the QR code of a printed book opens.
  sqlMigration('GarageBook1797600000000', [
    `CREATE TABLE maintenance_books (
       id uuid PRIMARY KEY,
       vehicle_id uuid NOT NULL REFERENCES vehicles (id),
       key_id text NOT NULL,
       issued_at timestamptz NOT NULL,
       document text NOT NULL
     )`,
    `CREATE INDEX maintenance_books_vehicle ON maintenance_books (vehicle_id, issued_at)`,
  ]),
  // Issue 14: partial, idempotent receipts of a purchase order (one row per receipt id: sent twice, it changes
  // stock once) and the parts' weighted average purchase cost, written on each receipt and kept in the ledger.
  sqlMigration('GaragePartsReceipts1797800000000', [
    `ALTER TABLE purchase_orders DROP CONSTRAINT purchase_orders_status_check`,
    `ALTER TABLE purchase_orders ADD CONSTRAINT purchase_orders_status_check CHECK (status IN ('draft', 'ordered', 'partially_received', 'received', 'cancelled'))`,
    `CREATE TABLE purchase_order_receipts (
       id uuid PRIMARY KEY,
       purchase_order_id uuid NOT NULL REFERENCES purchase_orders (id),
       lines jsonb NOT NULL,
       over_receipt_allowed boolean NOT NULL DEFAULT false,
       received_by uuid NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX purchase_order_receipts_order ON purchase_order_receipts (purchase_order_id, created_at)`,
    // A line may now be received in several receipts: once per receipt instead of once per order.
    `DROP INDEX stock_movements_po_line`,
    `ALTER TABLE stock_movements ADD COLUMN purchase_order_receipt_id uuid REFERENCES purchase_order_receipts (id)`,
    `CREATE UNIQUE INDEX stock_movements_po_receipt_line ON stock_movements (purchase_order_receipt_id, purchase_order_position) WHERE purchase_order_receipt_id IS NOT NULL`,
    `CREATE INDEX stock_movements_po_line_received ON stock_movements (purchase_order_id, purchase_order_position) WHERE purchase_order_id IS NOT NULL`,
    `ALTER TABLE stock_movements ADD COLUMN unit_cost_millimes bigint CHECK (unit_cost_millimes >= 0)`,
    `ALTER TABLE stock_movements ADD COLUMN average_cost_after_millimes bigint CHECK (average_cost_after_millimes >= 0)`,
    `ALTER TABLE parts ADD COLUMN average_cost_millimes bigint`,
    `UPDATE parts SET average_cost_millimes = purchase_price_millimes`,
    `ALTER TABLE parts ALTER COLUMN average_cost_millimes SET NOT NULL`,
    `ALTER TABLE parts ADD CONSTRAINT parts_average_cost_check CHECK (average_cost_millimes >= 0)`,
  ]),
  // Issue 16: the work-order board asks for one status, first page by id (keyset: id > cursor).
  // Without this a status with few orders walked the whole table (docs/performance/scale.md).
  sqlMigration('GarageBoardIndex1797900000000', [`CREATE INDEX work_orders_status ON work_orders (status, id)`]),
  // A technician's board (orders assigned to them, one status, by id): with the assignments in
  // work-order order per technician, PostgreSQL merges them with work_orders_status and stops at
  // the page instead of reading every order the technician ever had. Replaces (technician_id).
  sqlMigration('GarageTechnicianBoardIndex1797900000001', [
    `CREATE INDEX work_order_technicians_technician_order ON work_order_technicians (technician_id, work_order_id)`,
    `DROP INDEX work_order_technicians_technician`,
  ]),
  // Issue 14: stock reserved for approved part lines, consumed when the work order completes. A level's
  // reserved quantity is the sum of its live reservations (same transaction, under the level's row lock);
  // available = on hand − reserved. A reservation may be short (less reserved than the line needs) when
  // the shelf is empty: receipts fill short reservations first, oldest first.
  sqlMigration('GarageStockReservations1798100000000', [
    `ALTER TABLE stock_levels ADD COLUMN reserved_milli bigint NOT NULL DEFAULT 0 CONSTRAINT stock_levels_reserved_check CHECK (reserved_milli >= 0)`,
    // Where a part line's part is reserved and taken from (lines written before this: the main store).
    `ALTER TABLE work_order_lines ADD COLUMN part_location text`,
    `UPDATE work_order_lines SET part_location = 'main' WHERE part_id IS NOT NULL`,
    `CREATE TABLE stock_reservations (
       id uuid PRIMARY KEY,
       work_order_id uuid NOT NULL REFERENCES work_orders (id),
       line_id uuid NOT NULL,
       part_id uuid NOT NULL REFERENCES parts (id),
       location text NOT NULL,
       quantity_milli bigint NOT NULL CHECK (quantity_milli > 0),
       reserved_milli bigint NOT NULL CHECK (reserved_milli >= 0 AND reserved_milli <= quantity_milli),
       status text NOT NULL CHECK (status IN ('reserved', 'released', 'consumed')),
       reserved_by uuid NOT NULL,
       close_reason text,
       seq bigserial NOT NULL UNIQUE,
       created_at timestamptz NOT NULL DEFAULT now(),
       closed_at timestamptz,
       CHECK ((status = 'reserved') = (closed_at IS NULL))
     )`,
    // One live reservation per line, however often (or however concurrently) it is approved.
    `CREATE UNIQUE INDEX stock_reservations_live_line ON stock_reservations (line_id) WHERE status = 'reserved'`,
    `CREATE INDEX stock_reservations_work_order ON stock_reservations (work_order_id) WHERE status = 'reserved'`,
    `CREATE INDEX stock_reservations_short ON stock_reservations (part_id, location, seq) WHERE status = 'reserved' AND reserved_milli < quantity_milli`,
    `CREATE INDEX stock_reservations_part ON stock_reservations (part_id, seq)`,
  ]),
  // Issue 14: a booking that no longer fits its technician's hours or absences (the change was made all the
  // same, on purpose) is flagged for re-planning until it is moved or cancelled.
  sqlMigration('GaragePlanningReplan1798200000000', [
    `ALTER TABLE schedule_bookings ADD COLUMN replan_reason text CHECK (replan_reason IN ('outside_hours', 'absent')), ADD COLUMN replan_flagged_at timestamptz`,
    `CREATE INDEX schedule_bookings_replan ON schedule_bookings (id) WHERE cancelled_at IS NULL AND replan_reason IS NOT NULL`,
  ]),
  // Issue 15: replays of the work-order history for billing's reports read model (domain/report-replay.ts).
  sqlMigration('GarageReportReplay1798600000000', [
    `CREATE TABLE report_replays (
       id uuid PRIMARY KEY,
       requested_at timestamptz NOT NULL DEFAULT now(),
       total integer NOT NULL,
       sent integer NOT NULL DEFAULT 0,
       "cursor" uuid,
       finished_at timestamptz
     )`,
    `CREATE INDEX report_replays_pending ON report_replays (requested_at, id) WHERE finished_at IS NULL`,
  ]),
];
