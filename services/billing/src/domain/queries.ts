import { forbidden, notFound } from '@ecar/errors';
import { creditNotesOf, findCreditNote, type CreditNoteRow } from '../data/credit-notes.ts';
import { findInvoice, linesOf, listInvoices, type InvoiceRow, type ListPosition } from '../data/invoices.ts';
import { paymentsOf, settlementOf, type PaymentRow } from '../data/payments.ts';
import { stampInForce } from '../data/tax-tables.ts';
import { recordAccess, type AccessPurpose } from './access-log.ts';
import { assertVisible, calendarDate, type BillingContext } from './context.ts';
import { balanceOf, type Balance } from './settlement.ts';
import { computeTotals, type Totals } from './totals.ts';
import type { Caller, InvoiceLine } from './types.ts';

export interface InvoiceView {
  invoice: InvoiceRow;
  lines: InvoiceLine[];
  totals: Totals;
  balance: Balance;
}

/** Totals as issued (stored), or for a draft as they would be if issued today. */
async function totalsFor(context: BillingContext, invoice: InvoiceRow, lines: InvoiceLine[]): Promise<Totals> {
  if (invoice.status === 'issued') {
    return {
      vat: invoice.vatBreakdown ?? [],
      totalHtMillimes: invoice.totalHt ?? 0,
      totalVatMillimes: invoice.totalVat ?? 0,
      stampMillimes: invoice.stamp ?? 0,
      totalTtcMillimes: invoice.totalTtc ?? 0,
    };
  }
  const stamp = invoice.buyer.stampExempt ? 0 : ((await stampInForce(context.dataSource.manager, calendarDate(context.now(), context.timeZone))) ?? 0);
  return computeTotals(lines, stamp);
}

/** An invoice as its reader sees it; with a `purpose`, the read is recorded (AUD-4). */
export async function invoiceView(context: BillingContext, id: string, caller: Caller, purpose?: AccessPurpose): Promise<InvoiceView> {
  const db = context.dataSource.manager;
  const invoice = assertVisible(await findInvoice(db, id), caller);
  const lines = await linesOf(db, id);
  const totals = await totalsFor(context, invoice, lines);
  const balance = balanceOf({ ...invoice, totalTtc: totals.totalTtcMillimes }, await settlementOf(db, id));
  if (purpose) await recordAccess(context, caller, purpose, [invoice]);
  return { invoice, lines, totals, balance };
}

/** One page of invoices, newest first (customers: their own issued ones); `hasMore` says whether another page follows. */
export async function invoicePage(
  context: BillingContext,
  caller: Caller,
  query: { status?: 'draft' | 'issued'; before?: ListPosition; limit: number },
): Promise<{ items: Array<InvoiceRow & { position: ListPosition }>; hasMore: boolean }> {
  if (caller.role === 'technician') throw forbidden();
  const rows = await listInvoices(context.dataSource.manager, {
    ...(caller.role === 'customer' ? { ownerUserId: caller.userId, issuedOnly: true } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.before ? { before: query.before } : {}),
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  await recordAccess(context, caller, 'list', items);
  return { items, hasMore: rows.length > query.limit };
}

export async function invoicePayments(context: BillingContext, invoiceId: string, caller: Caller): Promise<PaymentRow[]> {
  const invoice = assertVisible(await findInvoice(context.dataSource.manager, invoiceId), caller);
  await recordAccess(context, caller, 'payments', [invoice]);
  return paymentsOf(context.dataSource.manager, invoiceId);
}

export async function invoiceCreditNotes(context: BillingContext, invoiceId: string, caller: Caller): Promise<CreditNoteRow[]> {
  const invoice = assertVisible(await findInvoice(context.dataSource.manager, invoiceId), caller);
  await recordAccess(context, caller, 'credit-notes', [invoice]);
  return creditNotesOf(context.dataSource.manager, invoiceId);
}

/** A credit note is visible to whoever may see its invoice; with a `purpose`, the read is recorded. */
export async function creditNoteView(context: BillingContext, id: string, caller: Caller, purpose?: AccessPurpose): Promise<{ note: CreditNoteRow; invoice: InvoiceRow }> {
  const note = await findCreditNote(context.dataSource.manager, id);
  const invoice = note ? await findInvoice(context.dataSource.manager, note.invoiceId) : undefined;
  if (caller.role === 'technician') throw forbidden();
  if (!note || !invoice) throw notFound('Credit note not found');
  const visible = assertVisible(invoice, caller);
  if (purpose) await recordAccess(context, caller, purpose, [visible]);
  return { note, invoice: visible };
}
