import { randomUUID } from 'node:crypto';
import { newEvent, type Caller } from '@ecar/contracts';
import { AppError, conflict } from '@ecar/errors';
import { allocateSequence, documentNumber } from '../data/counters.ts';
import { insertCreditNote, type CreditNoteLine } from '../data/credit-notes.ts';
import { findInvoice } from '../data/invoices.ts';
import { settlementOf } from '../data/payments.ts';
import { assertVisible, invoiceSubject, requireAdmin, today, type BillingContext } from './context.ts';
import { formatRate, formatTnd } from './money.ts';
import { lineAmountMillimes, totalsOf, vatOf, type VatBucket } from './totals.ts';

export type CreditNoteInput =
  | { reason: string; full: true }
  | { reason: string; lines: Array<{ description: string; quantityMilli: number; unitPriceMillimes: number; vatRateBp: number }> };

const notCreditable = (message: string) => new AppError(message, { status: 422, name: 'credit-exceeds-invoice', title: 'Credit note not allowed' });

interface Remaining {
  base: number;
  vat: number;
}

/**
 * Splits a credit into VAT buckets without ever taking back more than the invoice charged at a
 * rate. When a credit takes the whole remaining base of a rate, it takes the remaining VAT
 * exactly (not a re-rounded amount), so a series of credit notes cancels an invoice to the millime.
 */
function creditBuckets(lines: CreditNoteLine[], remaining: Map<number, Remaining>): VatBucket[] {
  const bases = new Map<number, number>();
  for (const line of lines) bases.set(line.vatRateBp, (bases.get(line.vatRateBp) ?? 0) + line.amountHtMillimes);
  return [...bases].map(([rateBp, base]) => {
    const left = remaining.get(rateBp);
    if (!left) throw notCreditable(`The invoice has no line at ${formatRate(rateBp)}`);
    if (base > left.base) throw notCreditable(`At ${formatRate(rateBp)} only ${formatTnd(left.base)} excluding VAT can still be credited`);
    const vat = base === left.base ? left.vat : Math.min(vatOf(base, rateBp), left.vat);
    return { rateBp, baseMillimes: base, vatMillimes: vat };
  });
}

/**
 * Issues a credit note (own series AV, gapless per year) against an issued invoice, partial or
 * total, never more than what remains creditable. Stamp rule (docs/billing.md): a partial credit
 * note leaves the fiscal stamp due on the invoice and carries none; the credit note that cancels
 * the invoice completely carries (gives back) the stamp the invoice charged.
 */
export async function issueCreditNote(context: BillingContext, invoiceId: string, input: CreditNoteInput, caller: Caller): Promise<{ id: string; number: string }> {
  requireAdmin(caller);
  return context.unitOfWork.run(async (db) => {
    const invoice = assertVisible(await findInvoice(db, invoiceId, { lock: true }), caller);
    if (invoice.status !== 'issued') throw conflict('A draft is corrected by editing it, not by a credit note');
    const settlement = await settlementOf(db, invoiceId);
    const remaining = new Map<number, Remaining>();
    for (const bucket of invoice.vatBreakdown ?? []) {
      const credited = settlement.creditedByRate.get(bucket.rateBp) ?? { base: 0, vat: 0 };
      remaining.set(bucket.rateBp, { base: bucket.baseMillimes - credited.base, vat: bucket.vatMillimes - credited.vat });
    }
    const lines: CreditNoteLine[] =
      'full' in input
        ? [...remaining]
            .filter(([, left]) => left.base > 0)
            .map(([rateBp, left]) => ({
              description: `Annulation du solde de la facture ${invoice.number} (TVA ${formatRate(rateBp)})`,
              quantityMilli: 1000,
              unitPriceMillimes: left.base,
              vatRateBp: rateBp,
              amountHtMillimes: left.base,
            }))
        : input.lines.map((line) => ({ ...line, amountHtMillimes: lineAmountMillimes(line) }));
    const buckets =
      'full' in input
        ? [...remaining].filter(([, left]) => left.base > 0 || left.vat > 0).map(([rateBp, left]) => ({ rateBp, baseMillimes: left.base, vatMillimes: left.vat }))
        : creditBuckets(lines, remaining);
    const closesInvoice = [...remaining].every(([rateBp, left]) => {
      const taken = buckets.find((bucket) => bucket.rateBp === rateBp);
      return left.base - (taken?.baseMillimes ?? 0) === 0 && left.vat - (taken?.vatMillimes ?? 0) === 0;
    });
    const stamp = closesInvoice ? (invoice.stamp ?? 0) - settlement.creditedStamp : 0;
    const totals = totalsOf(buckets, stamp);
    if (totals.totalTtcMillimes <= 0) throw notCreditable(`Invoice ${invoice.number} has nothing left to credit`);

    const issueDate = today(context);
    const fiscalYear = Number(issueDate.slice(0, 4));
    const seq = await allocateSequence(db, 'AV', fiscalYear);
    const number = documentNumber('AV', fiscalYear, seq);
    const id = randomUUID();
    await insertCreditNote(db, {
      id,
      invoiceId,
      number,
      fiscalYear,
      seq,
      issueDate,
      issuedBy: caller.userId,
      reason: input.reason,
      seller: context.seller,
      buyer: invoice.buyer,
      lines,
      vatBreakdown: totals.vat,
      totalHt: totals.totalHtMillimes,
      totalVat: totals.totalVatMillimes,
      stamp: totals.stampMillimes,
      totalTtc: totals.totalTtcMillimes,
      closesInvoice,
    });
    const subject = invoiceSubject(invoice);
    const events = [
      newEvent(caller, 'billing.creditnote.issued', { ...subject, type: 'credit-note', id }, {
        creditNoteId: id,
        number,
        invoiceId,
        invoiceNumber: invoice.number!,
        issueDate,
        totalTtcMillimes: totals.totalTtcMillimes,
        stampMillimes: totals.stampMillimes,
      }),
      newEvent(caller, 'billing.invoice.credited', subject, { invoiceId, creditNoteId: id, creditNoteNumber: number, creditedTtcMillimes: totals.totalTtcMillimes, fullyCredited: closesInvoice }),
    ];
    return { result: { id, number }, events };
  });
}
