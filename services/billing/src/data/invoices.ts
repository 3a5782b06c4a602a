import type { EntityManager } from '@ecar/db';
import type { Buyer, InvoiceLine, Seller, VatBreakdownRow } from '../domain/types.ts';
import { settlementColumns, settlementFrom, type Settlement, type SettlementColumns } from './payments.ts';

export interface InvoiceRow {
  id: string;
  origin: 'work_order' | 'manual';
  workOrderId: string | null;
  /** `OR-2026-000123`, from garage's completed event (null for a manual invoice and drafts made before numbers). */
  workOrderNumber: string | null;
  customerId: string | null;
  ownerUserId: string | null;
  buyer: Buyer;
  vehicle: { plate: string; vin?: string; description: string } | null;
  status: 'draft' | 'issued';
  number: string | null;
  fiscalYear: number | null;
  issueDate: string | null;
  issuedAt: Date | null;
  seller: Seller | null;
  vatBreakdown: VatBreakdownRow[] | null;
  totalHt: number | null;
  totalVat: number | null;
  stamp: number | null;
  totalTtc: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, origin, work_order_id AS "workOrderId", work_order_number AS "workOrderNumber", customer_id AS "customerId", owner_user_id AS "ownerUserId", buyer, vehicle,
  status, number, fiscal_year AS "fiscalYear", to_char(issue_date, 'YYYY-MM-DD') AS "issueDate", issued_at AS "issuedAt", seller,
  vat_breakdown AS "vatBreakdown", total_ht::text AS "totalHt", total_vat::text AS "totalVat", stamp::text AS stamp,
  total_ttc::text AS "totalTtc", created_at AS "createdAt", updated_at AS "updatedAt"`;

const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function toInvoice(row: Record<string, unknown>): InvoiceRow {
  return {
    ...(row as unknown as InvoiceRow),
    totalHt: nullableNumber(row['totalHt']),
    totalVat: nullableNumber(row['totalVat']),
    stamp: nullableNumber(row['stamp']),
    totalTtc: nullableNumber(row['totalTtc']),
  };
}

export interface NewDraft {
  id: string;
  origin: 'work_order' | 'manual';
  workOrderId?: string;
  workOrderNumber?: string;
  customerId?: string;
  ownerUserId?: string;
  buyer: Buyer;
  vehicle?: { plate: string; vin?: string; description: string };
  createdBy: string;
}

/** Inserts a draft; a second draft for the same work order inserts nothing and returns false. */
export async function insertDraft(db: EntityManager, draft: NewDraft): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `INSERT INTO invoices (id, origin, work_order_id, customer_id, owner_user_id, buyer, vehicle, created_by, work_order_number)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (work_order_id) DO NOTHING RETURNING id`,
    [draft.id, draft.origin, draft.workOrderId ?? null, draft.customerId ?? null, draft.ownerUserId ?? null, JSON.stringify(draft.buyer), draft.vehicle ? JSON.stringify(draft.vehicle) : null, draft.createdBy, draft.workOrderNumber ?? null],
  );
  return rows.length === 1;
}

export async function replaceLines(db: EntityManager, invoiceId: string, lines: readonly InvoiceLine[]): Promise<void> {
  await db.query(`DELETE FROM invoice_lines WHERE invoice_id = $1`, [invoiceId]);
  await insertLines(db, invoiceId, lines);
}

/** The lines of a draft just created (nothing to replace). */
export async function insertLines(db: EntityManager, invoiceId: string, lines: readonly InvoiceLine[]): Promise<void> {
  if (lines.length === 0) return;
  await db.query(
    `INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity_milli, unit_price_millimes, vat_rate_bp, amount_ht)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::int[], $8::bigint[])`,
    [
      invoiceId,
      lines.map((line) => line.position),
      lines.map((line) => line.kind),
      lines.map((line) => line.description),
      lines.map((line) => line.quantityMilli),
      lines.map((line) => line.unitPriceMillimes),
      lines.map((line) => line.vatRateBp),
      lines.map((line) => line.amountHtMillimes),
    ],
  );
}

export async function findInvoice(db: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<InvoiceRow | undefined> {
  const rows: Array<Record<string, unknown>> = await db.query(`SELECT ${COLUMNS} FROM invoices WHERE id = $1 ${options.lock ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toInvoice(rows[0]) : undefined;
}

/** What a reader of one invoice sees, read in one statement: the invoice, its lines, its settlement and, once El Fatoora accepted it, TTN's mention. */
export interface InvoiceRead {
  invoice: InvoiceRow;
  lines: InvoiceLine[];
  settlement: Settlement;
  /** TTN's reference and QR content when the invoice's TEIF document is accepted (what the PDF prints). */
  ttn: { reference: string; qr: string } | undefined;
}

const LINE_JSON = `json_build_object('position', l.position, 'kind', l.kind, 'description', l.description, 'quantityMilli', l.quantity_milli,
  'unitPriceMillimes', l.unit_price_millimes, 'vatRateBp', l.vat_rate_bp, 'amountHtMillimes', l.amount_ht)`;

/** `findInvoice`, `linesOf`, `settlementOf` and the accepted TEIF mention of one invoice, in one statement (undefined: no such invoice). */
export async function readInvoice(db: EntityManager, id: string): Promise<InvoiceRead | undefined> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT ${COLUMNS},
            COALESCE((SELECT json_agg(${LINE_JSON} ORDER BY l.position) FROM invoice_lines l WHERE l.invoice_id = invoices.id), '[]'::json) AS "lines",
            ${settlementColumns('invoices.id')},
            (SELECT json_build_object('reference', t.ttn_reference, 'qr', t.ttn_qr) FROM teif_documents t
              WHERE t.document_id = invoices.id AND t.status = 'accepted' AND t.ttn_reference <> '' AND t.ttn_qr <> '') AS "ttn"
       FROM invoices WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { lines, paid, notes, ttn, ...invoice } = row;
  return {
    invoice: toInvoice(invoice),
    lines: (lines as Array<Record<string, unknown>>).map(lineFrom),
    settlement: settlementFrom({ paid, notes } as SettlementColumns),
    ttn: (ttn as InvoiceRead['ttn'] | null) ?? undefined,
  };
}

/** One invoice line from a row (or a JSON object) named as `InvoiceLine`: the one mapping of `linesOf` and `readInvoice`. */
function lineFrom(row: Record<string, unknown>): InvoiceLine {
  return {
    position: Number(row['position']),
    kind: row['kind'] as InvoiceLine['kind'],
    description: String(row['description']),
    quantityMilli: Number(row['quantityMilli']),
    unitPriceMillimes: Number(row['unitPriceMillimes']),
    vatRateBp: Number(row['vatRateBp']),
    amountHtMillimes: Number(row['amountHtMillimes']),
  };
}

export async function linesOf(db: EntityManager, invoiceId: string): Promise<InvoiceLine[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT position, kind, description, quantity_milli::text AS "quantityMilli", unit_price_millimes::text AS "unitPriceMillimes",
            vat_rate_bp AS "vatRateBp", amount_ht::text AS "amountHtMillimes"
       FROM invoice_lines WHERE invoice_id = $1 ORDER BY position`,
    [invoiceId],
  );
  return rows.map(lineFrom);
}

export interface ListQuery {
  ownerUserId?: string;
  status?: 'draft' | 'issued';
  /** Issued only: customers never see drafts. */
  issuedOnly?: boolean;
  /** Rows strictly after this position in (created_at, id) descending order. */
  before?: ListPosition;
  limit: number;
}

/** A row's place in the list: created_at to the microsecond (UTC, text) and id, so a cursor never skips a row. */
export interface ListPosition {
  at: string;
  id: string;
}

/** What a list shows of an invoice, and what its access record names: no seller, buyer details, lines or VAT breakdown. */
export type InvoiceSummaryRow = Pick<InvoiceRow, 'id' | 'origin' | 'workOrderId' | 'workOrderNumber' | 'customerId' | 'ownerUserId' | 'status' | 'number' | 'issueDate' | 'totalTtc' | 'createdAt'> & {
  buyerName: string;
};

const SUMMARY_COLUMNS = `id, origin, work_order_id AS "workOrderId", work_order_number AS "workOrderNumber", customer_id AS "customerId", owner_user_id AS "ownerUserId",
  buyer->>'name' AS "buyerName", status, number, to_char(issue_date, 'YYYY-MM-DD') AS "issueDate", total_ttc::text AS "totalTtc", created_at AS "createdAt"`;

/** One page of the list, newest first (index invoices_created, or invoices_status_created for one status). */
export async function listInvoices(db: EntityManager, query: ListQuery): Promise<Array<InvoiceSummaryRow & { position: ListPosition }>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (query.ownerUserId) add((n) => `owner_user_id = $${n}`, query.ownerUserId);
  if (query.status) add((n) => `status = $${n}`, query.status);
  if (query.issuedOnly) where.push(`status = 'issued'`);
  if (query.before) {
    params.push(query.before.at, query.before.id);
    where.push(`(created_at, id) < (($${params.length - 1})::timestamp AT TIME ZONE 'UTC', $${params.length}::uuid)`);
  }
  params.push(query.limit);
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT ${SUMMARY_COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "positionAt"
       FROM invoices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((row) => {
    const { positionAt, totalTtc, ...summary } = row;
    return { ...(summary as Omit<InvoiceSummaryRow, 'totalTtc'>), totalTtc: nullableNumber(totalTtc), position: { at: String(positionAt), id: String(row['id']) } };
  });
}

export async function updateDraftHeader(
  db: EntityManager,
  id: string,
  fields: { buyer: Buyer; ownerUserId: string | null; customerId: string | null },
): Promise<void> {
  await db.query(`UPDATE invoices SET buyer = $2, owner_user_id = $3, customer_id = $4, updated_at = now() WHERE id = $1 AND status = 'draft'`, [
    id,
    JSON.stringify(fields.buyer),
    fields.ownerUserId,
    fields.customerId,
  ]);
}

export interface IssueFields {
  fiscalYear: number;
  seq: number;
  number: string;
  issueDate: string;
  issuedBy: string;
  seller: Seller;
  buyer: Buyer;
  vatBreakdown: VatBreakdownRow[];
  totalHt: number;
  totalVat: number;
  stamp: number;
  totalTtc: number;
}

/** The one UPDATE an invoice row ever gets after creation as a draft: the trigger refuses any later one. */
export async function markIssued(db: EntityManager, id: string, fields: IssueFields): Promise<void> {
  await db.query(
    `UPDATE invoices SET status = 'issued', series = 'FA', fiscal_year = $2, seq = $3, number = $4, issue_date = $5, issued_at = now(),
            issued_by = $6, seller = $7, buyer = $8, vat_breakdown = $9, total_ht = $10, total_vat = $11, stamp = $12, total_ttc = $13, updated_at = now()
      WHERE id = $1 AND status = 'draft'`,
    [
      id,
      fields.fiscalYear,
      fields.seq,
      fields.number,
      fields.issueDate,
      fields.issuedBy,
      JSON.stringify(fields.seller),
      JSON.stringify(fields.buyer),
      JSON.stringify(fields.vatBreakdown),
      fields.totalHt,
      fields.totalVat,
      fields.stamp,
      fields.totalTtc,
    ],
  );
}
