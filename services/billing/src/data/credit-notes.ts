import type { EntityManager } from '@ecar/db';
import type { Buyer, Seller, VatBreakdownRow } from '../domain/types.ts';

export interface CreditNoteLine {
  description: string;
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp: number;
  amountHtMillimes: number;
}

export interface CreditNoteRow {
  id: string;
  invoiceId: string;
  number: string;
  fiscalYear: number;
  seq: number;
  issueDate: string;
  issuedAt: Date;
  reason: string;
  seller: Seller;
  buyer: Buyer;
  lines: CreditNoteLine[];
  vatBreakdown: VatBreakdownRow[];
  totalHt: number;
  totalVat: number;
  stamp: number;
  totalTtc: number;
  closesInvoice: boolean;
}

const COLUMNS = `id, invoice_id AS "invoiceId", number, fiscal_year AS "fiscalYear", seq, to_char(issue_date, 'YYYY-MM-DD') AS "issueDate",
  issued_at AS "issuedAt", reason, seller, buyer, lines, vat_breakdown AS "vatBreakdown", total_ht::text AS "totalHt", total_vat::text AS "totalVat",
  stamp::text AS stamp, total_ttc::text AS "totalTtc", closes_invoice AS "closesInvoice"`;

function toCreditNote(row: Record<string, unknown>): CreditNoteRow {
  return {
    ...(row as unknown as CreditNoteRow),
    totalHt: Number(row['totalHt']),
    totalVat: Number(row['totalVat']),
    stamp: Number(row['stamp']),
    totalTtc: Number(row['totalTtc']),
  };
}

export async function insertCreditNote(db: EntityManager, note: Omit<CreditNoteRow, 'issuedAt'> & { issuedBy: string }): Promise<void> {
  await db.query(
    `INSERT INTO credit_notes (id, invoice_id, series, fiscal_year, seq, number, issue_date, issued_by, reason, seller, buyer, lines, vat_breakdown,
       total_ht, total_vat, stamp, total_ttc, closes_invoice)
     VALUES ($1, $2, 'AV', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      note.id,
      note.invoiceId,
      note.fiscalYear,
      note.seq,
      note.number,
      note.issueDate,
      note.issuedBy,
      note.reason,
      JSON.stringify(note.seller),
      JSON.stringify(note.buyer),
      JSON.stringify(note.lines),
      JSON.stringify(note.vatBreakdown),
      note.totalHt,
      note.totalVat,
      note.stamp,
      note.totalTtc,
      note.closesInvoice,
    ],
  );
}

export async function findCreditNote(db: EntityManager, id: string): Promise<CreditNoteRow | undefined> {
  const rows: Array<Record<string, unknown>> = await db.query(`SELECT ${COLUMNS} FROM credit_notes WHERE id = $1`, [id]);
  return rows[0] ? toCreditNote(rows[0]) : undefined;
}

export async function creditNotesOf(db: EntityManager, invoiceId: string): Promise<CreditNoteRow[]> {
  const rows: Array<Record<string, unknown>> = await db.query(`SELECT ${COLUMNS} FROM credit_notes WHERE invoice_id = $1 ORDER BY seq`, [invoiceId]);
  return rows.map(toCreditNote);
}
