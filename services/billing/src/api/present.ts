import type { CreditNoteResponse, InvoiceResponse, InvoiceSummaryResponse, PaymentResponse } from '@ecar/contracts/responses/billing';
import type { CreditNoteRow } from '../data/credit-notes.ts';
import type { InvoiceSummaryRow } from '../data/invoices.ts';
import type { PaymentRow } from '../data/payments.ts';
import { amountInFrenchWords } from '../domain/french-words.ts';
import { formatTnd } from '../domain/money.ts';
import type { InvoiceView } from '../domain/queries.ts';

/** The answers are typed by @ecar/contracts/responses/billing, which the web app reads: a drift fails the type check. */
export function presentInvoiceSummary(invoice: InvoiceSummaryRow): InvoiceSummaryResponse {
  return {
    id: invoice.id,
    status: invoice.status,
    number: invoice.number,
    issueDate: invoice.issueDate,
    origin: invoice.origin,
    workOrderId: invoice.workOrderId,
    workOrderNumber: invoice.workOrderNumber,
    ownerUserId: invoice.ownerUserId,
    buyerName: invoice.buyerName,
    totalTtcMillimes: invoice.totalTtc,
    createdAt: invoice.createdAt.toISOString(),
  };
}

export function presentInvoice(view: InvoiceView): InvoiceResponse {
  const { invoice, lines, totals, balance } = view;
  return {
    id: invoice.id,
    status: invoice.status,
    paymentStatus: balance.status,
    number: invoice.number,
    issueDate: invoice.issueDate,
    origin: invoice.origin,
    workOrderId: invoice.workOrderId,
    workOrderNumber: invoice.workOrderNumber,
    customerId: invoice.customerId,
    ownerUserId: invoice.ownerUserId,
    seller: invoice.seller,
    buyer: invoice.buyer,
    vehicle: invoice.vehicle,
    lines,
    vat: totals.vat,
    totals: {
      htMillimes: totals.totalHtMillimes,
      vatMillimes: totals.totalVatMillimes,
      stampMillimes: totals.stampMillimes,
      ttcMillimes: totals.totalTtcMillimes,
      ttcFormatted: formatTnd(totals.totalTtcMillimes),
      ttcInWords: amountInFrenchWords(totals.totalTtcMillimes),
      /** Drafts: as if issued today; issued: frozen. */
      provisional: invoice.status === 'draft',
    },
    balance: {
      paidMillimes: balance.paidMillimes,
      creditedMillimes: balance.creditedMillimes,
      balanceMillimes: balance.balanceMillimes,
      creditableMillimes: balance.creditableMillimes,
      balanceFormatted: formatTnd(balance.balanceMillimes),
    },
    createdAt: invoice.createdAt.toISOString(),
    updatedAt: invoice.updatedAt.toISOString(),
  };
}

export function presentPayment(payment: PaymentRow): PaymentResponse {
  return {
    id: payment.id,
    invoiceId: payment.invoiceId,
    method: payment.method,
    amountMillimes: payment.amountMillimes,
    amountFormatted: formatTnd(payment.amountMillimes),
    chequeNumber: payment.chequeNumber,
    chequeBank: payment.chequeBank,
    transferReference: payment.transferReference,
    cardReference: payment.cardReference,
    receivedOn: payment.receivedOn,
    recordedAt: payment.recordedAt.toISOString(),
    reversed: payment.reversal !== null,
    reversal: payment.reversal ? { reason: payment.reversal.reason, reversedAt: payment.reversal.reversedAt.toISOString() } : null,
  };
}

export function presentCreditNote(note: CreditNoteRow): CreditNoteResponse {
  return {
    id: note.id,
    invoiceId: note.invoiceId,
    number: note.number,
    issueDate: note.issueDate,
    reason: note.reason,
    seller: note.seller,
    buyer: note.buyer,
    lines: note.lines,
    vat: note.vatBreakdown,
    totals: {
      htMillimes: note.totalHt,
      vatMillimes: note.totalVat,
      stampMillimes: note.stamp,
      ttcMillimes: note.totalTtc,
      ttcFormatted: formatTnd(note.totalTtc),
      ttcInWords: amountInFrenchWords(note.totalTtc),
    },
    closesInvoice: note.closesInvoice,
  };
}
