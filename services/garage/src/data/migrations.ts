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
];
