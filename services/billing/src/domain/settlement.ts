import type { InvoiceRow } from '../data/invoices.ts';
import type { Settlement } from '../data/payments.ts';
import type { PaymentStatus } from './types.ts';

export interface Balance {
  status: PaymentStatus;
  totalTtcMillimes: number;
  paidMillimes: number;
  creditedMillimes: number;
  /** What the customer still owes (negative: what the garage owes back after a credit note on a paid invoice). */
  balanceMillimes: number;
  /** What a credit note may still take back. */
  creditableMillimes: number;
}

/** The balance is derived from payments and credit notes; the invoice row itself never changes. */
export function balanceOf(invoice: InvoiceRow, settlement: Settlement): Balance {
  const total = invoice.totalTtc ?? 0;
  const balanceMillimes = total - settlement.creditedMillimes - settlement.paidMillimes;
  const creditableMillimes = total - settlement.creditedMillimes;
  const status: PaymentStatus =
    invoice.status === 'draft'
      ? 'draft'
      : creditableMillimes === 0
        ? 'credited'
        : balanceMillimes <= 0
          ? 'paid'
          : settlement.paidMillimes > 0
            ? 'partially_paid'
            : 'unpaid';
  return { status, totalTtcMillimes: total, paidMillimes: settlement.paidMillimes, creditedMillimes: settlement.creditedMillimes, balanceMillimes, creditableMillimes };
}
