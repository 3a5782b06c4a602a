import type { EntityManager } from '@ecar/db';
import type { PaymentMethod } from '../domain/types.ts';

export interface PaymentRow {
  id: string;
  invoiceId: string;
  method: PaymentMethod;
  amountMillimes: number;
  chequeNumber: string | null;
  chequeBank: string | null;
  transferReference: string | null;
  cardReference: string | null;
  receivedOn: string;
  recordedAt: Date;
  reversal: { reason: string; reversedBy: string; reversedAt: Date } | null;
}

const SELECT = `SELECT p.id, p.invoice_id AS "invoiceId", p.method, p.amount_millimes::text AS amount, p.cheque_number AS "chequeNumber",
  p.cheque_bank AS "chequeBank", p.transfer_reference AS "transferReference", p.card_reference AS "cardReference",
  to_char(p.received_on, 'YYYY-MM-DD') AS "receivedOn", p.recorded_at AS "recordedAt",
  r.reason AS "reversalReason", r.reversed_by AS "reversedBy", r.reversed_at AS "reversedAt"
  FROM payments p LEFT JOIN payment_reversals r ON r.payment_id = p.id`;

function toPayment(row: Record<string, unknown>): PaymentRow {
  return {
    id: String(row['id']),
    invoiceId: String(row['invoiceId']),
    method: row['method'] as PaymentMethod,
    amountMillimes: Number(row['amount']),
    chequeNumber: row['chequeNumber'] as string | null,
    chequeBank: row['chequeBank'] as string | null,
    transferReference: row['transferReference'] as string | null,
    cardReference: row['cardReference'] as string | null,
    receivedOn: String(row['receivedOn']),
    recordedAt: row['recordedAt'] as Date,
    reversal: row['reversedAt']
      ? { reason: String(row['reversalReason']), reversedBy: String(row['reversedBy']), reversedAt: row['reversedAt'] as Date }
      : null,
  };
}

export async function insertPayment(
  db: EntityManager,
  payment: Omit<PaymentRow, 'recordedAt' | 'reversal'> & { recordedBy: string },
): Promise<void> {
  await db.query(
    `INSERT INTO payments (id, invoice_id, method, amount_millimes, cheque_number, cheque_bank, transfer_reference, card_reference, received_on, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      payment.id,
      payment.invoiceId,
      payment.method,
      payment.amountMillimes,
      payment.chequeNumber,
      payment.chequeBank,
      payment.transferReference,
      payment.cardReference,
      payment.receivedOn,
      payment.recordedBy,
    ],
  );
}

export async function insertReversal(db: EntityManager, paymentId: string, reason: string, reversedBy: string): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `INSERT INTO payment_reversals (payment_id, reason, reversed_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING payment_id`,
    [paymentId, reason, reversedBy],
  );
  return rows.length === 1;
}

export async function findPayment(db: EntityManager, invoiceId: string, paymentId: string): Promise<PaymentRow | undefined> {
  const rows: Array<Record<string, unknown>> = await db.query(`${SELECT} WHERE p.id = $1 AND p.invoice_id = $2`, [paymentId, invoiceId]);
  return rows[0] ? toPayment(rows[0]) : undefined;
}

export async function paymentsOf(db: EntityManager, invoiceId: string): Promise<PaymentRow[]> {
  const rows: Array<Record<string, unknown>> = await db.query(`${SELECT} WHERE p.invoice_id = $1 ORDER BY p.recorded_at, p.id`, [invoiceId]);
  return rows.map(toPayment);
}

export interface Settlement {
  paidMillimes: number;
  creditedMillimes: number;
  /** Per VAT rate, what credit notes already took back (base and VAT). */
  creditedByRate: Map<number, { base: number; vat: number }>;
  creditedStamp: number;
}

/** The settlement's two columns (`paid`, `notes`) for the invoice whose id is `invoiceId` (a parameter or a column), to select with other columns. */
export function settlementColumns(invoiceId: string): string {
  return `(SELECT COALESCE(sum(amount_millimes), 0) FROM payments p
              WHERE p.invoice_id = ${invoiceId} AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id))::text AS paid,
            COALESCE((SELECT json_agg(json_build_object('ttc', total_ttc, 'stamp', stamp, 'breakdown', vat_breakdown))
                        FROM credit_notes WHERE invoice_id = ${invoiceId}), '[]'::json) AS notes`;
}

export type SettlementColumns = { paid: string; notes: Array<{ ttc: number; stamp: number; breakdown: Array<{ rateBp: number; baseMillimes: number; vatMillimes: number }> }> };

/** The settlement from the columns of `settlementColumns`. */
export function settlementFrom(row: SettlementColumns | undefined): Settlement {
  const notes = row?.notes ?? [];
  const creditedByRate = new Map<number, { base: number; vat: number }>();
  for (const note of notes) {
    for (const bucket of note.breakdown) {
      const sum = creditedByRate.get(bucket.rateBp) ?? { base: 0, vat: 0 };
      creditedByRate.set(bucket.rateBp, { base: sum.base + bucket.baseMillimes, vat: sum.vat + bucket.vatMillimes });
    }
  }
  return {
    paidMillimes: Number(row?.paid ?? 0),
    creditedMillimes: notes.reduce((sum, note) => sum + Number(note.ttc), 0),
    creditedByRate,
    creditedStamp: notes.reduce((sum, note) => sum + Number(note.stamp), 0),
  };
}

/** What payments (not reversed) and credit notes have settled on an invoice: the balance is derived, never stored. */
export async function settlementOf(db: EntityManager, invoiceId: string): Promise<Settlement> {
  const [row]: SettlementColumns[] = await db.query(`SELECT ${settlementColumns('$1')}`, [invoiceId]);
  return settlementFrom(row);
}
