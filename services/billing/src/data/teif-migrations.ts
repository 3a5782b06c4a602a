import { sqlMigration } from '@ecar/db';

/**
 * Once TTN accepted a document, its row is final: no status change, no new signature, nothing
 * that could lead to a second submission (issue 17: never resubmit an accepted document).
 */
const acceptedGuard = `
CREATE FUNCTION billing_guard_teif_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'billing: TEIF documents are never deleted (%)', OLD.number USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.status = 'accepted' THEN
    RAISE EXCEPTION 'billing: TEIF document % was accepted by TTN and is final', OLD.number USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$`;

export const teifMigrations = [
  sqlMigration('BillingTeif1764979200000', [
    `CREATE TABLE teif_documents (
       document_id uuid PRIMARY KEY,
       kind text NOT NULL CHECK (kind IN ('invoice', 'credit-note')),
       invoice_id uuid NOT NULL REFERENCES invoices(id),
       number text NOT NULL UNIQUE,
       signed_xml text,
       signed_at timestamptz,
       status text NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
       attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
       next_attempt_at timestamptz NOT NULL DEFAULT now(),
       last_error text,
       refusal_reason text,
       refused_by text CHECK (refused_by IN ('ttn', 'ecar')),
       ttn_reference text,
       ttn_qr text,
       created_at timestamptz NOT NULL DEFAULT now(),
       decided_at timestamptz,
       CHECK (status <> 'accepted' OR (ttn_reference IS NOT NULL AND signed_xml IS NOT NULL AND decided_at IS NOT NULL)),
       CHECK (status <> 'refused' OR (refusal_reason IS NOT NULL AND refused_by IS NOT NULL AND decided_at IS NOT NULL)),
       CHECK (status <> 'pending' OR signed_xml IS NOT NULL)
     )`,
    // From when ECAR produces TEIF: documents issued since are swept up if their issue event never reached the consumer.
    `CREATE TABLE teif_settings (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), started_at timestamptz NOT NULL DEFAULT now())`,
    `INSERT INTO teif_settings DEFAULT VALUES`,
    `CREATE INDEX teif_documents_due ON teif_documents (next_attempt_at) WHERE status = 'pending'`,
    `CREATE INDEX teif_documents_invoice ON teif_documents (invoice_id)`,
    acceptedGuard,
    `CREATE TRIGGER teif_documents_guard BEFORE UPDATE OR DELETE ON teif_documents FOR EACH ROW EXECUTE FUNCTION billing_guard_teif_document()`,
  ]),
];
