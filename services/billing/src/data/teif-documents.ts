import type { EntityManager } from '@ecar/db';

export type TeifStatus = 'pending' | 'accepted' | 'refused';

/** One fiscal document's life at El Fatoora: its signed TEIF, where its submission stands, TTN's answer. */
export interface TeifDocumentRow {
  documentId: string;
  kind: 'invoice' | 'credit-note';
  invoiceId: string;
  /** The seller's matricule as frozen on the document (names the file). */
  sellerTaxId: string;
  number: string;
  signedXml: string | null;
  signedAt: Date | null;
  status: TeifStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  refusalReason: string | null;
  refusedBy: 'ttn' | 'ecar' | null;
  ttnReference: string | null;
  ttnQr: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

const COLUMNS = `document_id AS "documentId", kind, invoice_id AS "invoiceId", (SELECT seller->>'taxId' FROM invoices WHERE invoices.id = invoice_id) AS "sellerTaxId", number, signed_xml AS "signedXml", signed_at AS "signedAt", status,
  attempts, next_attempt_at AS "nextAttemptAt", last_error AS "lastError", refusal_reason AS "refusalReason", refused_by AS "refusedBy",
  ttn_reference AS "ttnReference", ttn_qr AS "ttnQr", created_at AS "createdAt", decided_at AS "decidedAt"`;

export type NewTeifDocument = Pick<TeifDocumentRow, 'documentId' | 'kind' | 'invoiceId' | 'number'> &
  ({ status: 'pending'; signedXml: string } | { status: 'refused'; refusalReason: string });

/** Records a document once: a second insert for the same document (redelivered event) inserts nothing and returns false. */
export async function insertTeifDocument(db: EntityManager, document: NewTeifDocument): Promise<boolean> {
  const pending = document.status === 'pending';
  const rows: unknown[] = await db.query(
    `INSERT INTO teif_documents (document_id, kind, invoice_id, number, status, signed_xml, signed_at, refusal_reason, refused_by, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6::text IS NULL THEN NULL ELSE now() END, $7, $8, CASE WHEN $5 = 'refused' THEN now() END)
     ON CONFLICT (document_id) DO NOTHING RETURNING document_id`,
    [document.documentId, document.kind, document.invoiceId, document.number, document.status, pending ? document.signedXml : null, pending ? null : document.refusalReason, pending ? null : 'ecar'],
  );
  return rows.length === 1;
}

export async function findTeifDocument(db: EntityManager, documentId: string, options: { lock?: boolean } = {}): Promise<TeifDocumentRow | undefined> {
  const rows: TeifDocumentRow[] = await db.query(`SELECT ${COLUMNS} FROM teif_documents WHERE document_id = $1${options.lock ? ' FOR UPDATE' : ''}`, [documentId]);
  return rows[0];
}

/** The pending documents whose next attempt is due, locked for this transaction; other submitters skip them. */
export async function claimDueTeifDocuments(db: EntityManager, limit: number): Promise<TeifDocumentRow[]> {
  return db.query(
    `SELECT ${COLUMNS} FROM teif_documents WHERE status = 'pending' AND next_attempt_at <= now()
     ORDER BY next_attempt_at, document_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
}

export async function markTeifAccepted(db: EntityManager, documentId: string, answer: { reference: string; qr: string }): Promise<void> {
  await db.query(
    `UPDATE teif_documents SET status = 'accepted', attempts = attempts + 1, ttn_reference = $2, ttn_qr = $3, last_error = NULL, decided_at = now()
     WHERE document_id = $1 AND status = 'pending'`,
    [documentId, answer.reference, answer.qr],
  );
}

export async function markTeifRefused(db: EntityManager, documentId: string, reason: string, by: 'ttn' | 'ecar'): Promise<void> {
  await db.query(
    `UPDATE teif_documents SET status = 'refused', attempts = attempts + 1, refusal_reason = $2, refused_by = $3, decided_at = now()
     WHERE document_id = $1 AND status = 'pending'`,
    [documentId, reason, by],
  );
}

/** An outage: the document stays pending and is tried again after `retryInMs`. */
export async function postponeTeif(db: EntityManager, documentId: string, error: string, retryInMs: number): Promise<void> {
  await db.query(
    `UPDATE teif_documents SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
     WHERE document_id = $1 AND status = 'pending'`,
    [documentId, error.slice(0, 2000), retryInMs],
  );
}

/** A refused document goes back to pending with a new signature (super-admin re-submission). */
export async function requeueRefusedTeif(db: EntityManager, documentId: string, signedXml: string): Promise<void> {
  await db.query(
    `UPDATE teif_documents SET status = 'pending', signed_xml = $2, signed_at = now(), refusal_reason = NULL, refused_by = NULL, decided_at = NULL,
       last_error = NULL, next_attempt_at = now()
     WHERE document_id = $1 AND status = 'refused'`,
    [documentId, signedXml],
  );
}

/**
 * Issued invoices and credit notes (since TEIF started) that have no TEIF record although they
 * were issued more than `graceMs` ago: their issue event did not reach the consumer (a queue not
 * bound yet on a first start, an operator's purge). The submitter records them itself.
 */
export async function documentsWithoutTeif(db: EntityManager, graceMs: number, limit: number): Promise<Array<{ kind: 'invoice' | 'credit-note'; id: string }>> {
  return db.query(
    `SELECT kind, id FROM (
       SELECT 'invoice' AS kind, i.id, i.issued_at FROM invoices i
        WHERE i.status = 'issued' AND NOT EXISTS (SELECT 1 FROM teif_documents t WHERE t.document_id = i.id)
       UNION ALL
       SELECT 'credit-note' AS kind, c.id, c.issued_at FROM credit_notes c
        WHERE NOT EXISTS (SELECT 1 FROM teif_documents t WHERE t.document_id = c.id)
     ) missing
     WHERE issued_at >= (SELECT started_at FROM teif_settings) AND issued_at < now() - make_interval(secs => $1::double precision / 1000)
     ORDER BY issued_at LIMIT $2`,
    [graceMs, limit],
  );
}
