import type { Caller } from '@ecar/contracts';
import { badRequest, forbidden, notFound } from '@ecar/errors';
import { creditNotesOf, findCreditNote, type CreditNoteRow } from '../data/credit-notes.ts';
import { findInvoice, listInvoices, readInvoice, type InvoiceRow, type InvoiceSummaryRow, type ListPosition } from '../data/invoices.ts';
import { paymentsOf, type PaymentRow } from '../data/payments.ts';
import { pageOf, rowsForPage, type Page } from '@ecar/primitives';
import { stampInForce } from '../data/tax-tables.ts';
import { recordAccess, type AccessPurpose } from './access-log.ts';
import { assertVisible, today, type BillingContext } from './context.ts';
import { balanceOf, type Balance } from './settlement.ts';
import { computeTotals, type Totals } from './totals.ts';
import type { InvoiceLine } from './types.ts';

export interface InvoiceView {
  invoice: InvoiceRow;
  lines: InvoiceLine[];
  totals: Totals;
  balance: Balance;
  /** TTN's reference and QR content once El Fatoora accepted the invoice (printed on its PDF). */
  ttn: { reference: string; qr: string } | undefined;
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
  const stamp = invoice.buyer.stampExempt ? 0 : ((await stampInForce(context.dataSource.manager, today(context))) ?? 0);
  return computeTotals(lines, stamp);
}

/**
 * An invoice as its reader sees it; with a `purpose`, the read is recorded (AUD-4). One statement
 * reads the invoice, its lines, its settlement and its TTN mention (`readInvoice`); a draft's
 * totals need the stamp in force (a second one). Visibility is checked before anything is recorded
 * or returned.
 */
export async function invoiceView(context: BillingContext, id: string, caller: Caller, purpose?: AccessPurpose): Promise<InvoiceView> {
  const read = await readInvoice(context.dataSource.manager, id);
  const invoice = assertVisible(read?.invoice, caller);
  const { lines, settlement, ttn } = read!;
  const totals = await totalsFor(context, invoice, lines);
  const balance = balanceOf({ ...invoice, totalTtc: totals.totalTtcMillimes }, settlement);
  if (purpose) await recordAccess(context, caller, purpose, [invoice]);
  return { invoice, lines, totals, balance, ttn };
}

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A list cursor is the last row's position (microsecond timestamp and id), opaque to clients. */
function decodeCursor(cursor: string): ListPosition {
  const [at, invoiceId] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const milliseconds = at?.slice(0, 23);
  const date = new Date(`${milliseconds}Z`);
  // A well-formed but impossible date (month 13) would reach PostgreSQL as an error: refuse it here.
  const valid = at && CURSOR_AT.test(at) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 23) === milliseconds;
  if (!valid || !invoiceId || !UUID.test(invoiceId)) throw badRequest('The cursor is invalid');
  return { at, id: invoiceId };
}

const encodeCursor = (position: ListPosition) => Buffer.from(`${position.at}|${position.id}`).toString('base64url');

/** One page of invoices, newest first (customers: their own issued ones); every invoice on it is recorded as read. */
export async function invoicePage(context: BillingContext, caller: Caller, query: { status?: 'draft' | 'issued'; cursor?: string; limit: number }): Promise<Page<InvoiceSummaryRow>> {
  if (caller.role === 'technician') throw forbidden();
  const rows = await listInvoices(context.dataSource.manager, {
    ...(caller.role === 'customer' ? { ownerUserId: caller.userId, issuedOnly: true } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.cursor ? { before: decodeCursor(query.cursor) } : {}),
    limit: rowsForPage(query.limit),
  });
  const page = pageOf(rows, query.limit, ({ position: _position, ...row }): InvoiceSummaryRow => row, (row) => encodeCursor(row.position));
  await recordAccess(context, caller, 'list', page.items);
  return page;
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
