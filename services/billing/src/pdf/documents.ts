import { conflict } from '@ecar/errors';
import type { CreditNoteRow } from '../data/credit-notes.ts';
import type { InvoiceRow } from '../data/invoices.ts';
import type { InvoiceView } from '../domain/queries.ts';
import { renderFiscalDocument, type FiscalDocument } from './fiscal-document.ts';

/** An issued invoice as PDF (French and Arabic) (a draft has no number yet and is not a fiscal document). */
/** `ttn`: TTN's reference and QR content once El Fatoora accepted the document (printed with the QR code). */
export type TtnMention = { reference: string; qr: string } | undefined;

export function invoicePdf(view: InvoiceView, ttn?: TtnMention): Promise<Buffer> {
  return renderFiscalDocument(invoiceDocument(view, ttn));
}

/** Everything the PDF of an issued invoice prints (what `renderFiscalDocument` reads, and what the PDF cache is keyed on). */
export function invoiceDocument(view: InvoiceView, ttn?: TtnMention): FiscalDocument {
  const { invoice, lines, totals } = view;
  if (invoice.status !== 'issued' || !invoice.number || !invoice.issueDate || !invoice.seller) throw conflict('Only an issued invoice has a PDF');
  const references = [
    ...(invoice.workOrderId ? [`Ordre de réparation : ${invoice.workOrderNumber ?? invoice.workOrderId}`] : []),
    ...(invoice.vehicle ? [`Véhicule : ${invoice.vehicle.plate} — ${invoice.vehicle.description}`] : []),
  ];
  return {
    title: 'FACTURE',
    number: invoice.number,
    issueDate: invoice.issueDate,
    references,
    seller: invoice.seller,
    buyer: invoice.buyer,
    lines,
    vat: totals.vat,
    totalHtMillimes: totals.totalHtMillimes,
    totalVatMillimes: totals.totalVatMillimes,
    stampMillimes: totals.stampMillimes,
    ...(invoice.buyer.stampExempt ? { stampNote: 'client exonéré' } : {}),
    totalTtcMillimes: totals.totalTtcMillimes,
    wordsLead: 'Arrêtée la présente facture à la somme de :',
    wordsLeadArabic: 'حُصرت هذه الفاتورة في مبلغ :',
    ...(ttn ? { ttn } : {}),
  };
}

export function creditNotePdf(note: CreditNoteRow, invoice: InvoiceRow, ttn?: TtnMention): Promise<Buffer> {
  return renderFiscalDocument({
    title: "FACTURE D'AVOIR",
    number: note.number,
    issueDate: note.issueDate,
    references: [`Facture d'origine : ${invoice.number} du ${invoice.issueDate?.split('-').reverse().join('/')}`, `Motif : ${note.reason}`],
    seller: note.seller,
    buyer: note.buyer,
    lines: note.lines,
    vat: note.vatBreakdown,
    totalHtMillimes: note.totalHt,
    totalVatMillimes: note.totalVat,
    stampMillimes: note.stamp,
    ...(note.stamp === 0 ? { stampNote: note.buyer.stampExempt ? 'client exonéré' : 'reste dû sur la facture, avoir partiel' } : {}),
    totalTtcMillimes: note.totalTtc,
    wordsLead: 'Arrêté le présent avoir à la somme de :',
    wordsLeadArabic: 'حُصرت هذه الفاتورة التعديلية في مبلغ :',
    ...(ttn ? { ttn } : {}),
  });
}
