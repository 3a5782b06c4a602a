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
];
