import { newEvent, type Caller } from '@ecar/contracts';
import { AppError, conflict } from '@ecar/errors';
import { allocateSequence, documentNumber } from '../data/counters.ts';
import { findInvoice, linesOf, markIssued } from '../data/invoices.ts';
import { stampInForce, vatRatesInForce } from '../data/tax-tables.ts';
import { assertVisible, invoiceSubject, requireAdmin, today, type BillingContext } from './context.ts';
import { normaliseMatriculeFiscal } from './matricule-fiscal.ts';
import { computeTotals } from './totals.ts';
import type { Buyer } from './types.ts';

const unprocessable = (message: string) => new AppError(message, { status: 422, name: 'invoice-not-issuable', title: 'Invoice cannot be issued' });

/** The buyer as it will be frozen: a company needs a valid matricule fiscal (normalised); a CIN is 8 digits. */
export function buyerForIssue(buyer: Buyer): Buyer {
  if (buyer.kind === 'company') {
    const taxId = buyer.taxId ? normaliseMatriculeFiscal(buyer.taxId) : undefined;
    if (!taxId) throw unprocessable('A company buyer needs a valid matricule fiscal (e.g. 1234567/A/B/M/000)');
    return { ...buyer, taxId };
  }
  if (buyer.taxId) {
    const taxId = normaliseMatriculeFiscal(buyer.taxId);
    if (!taxId) throw unprocessable('The buyer matricule fiscal is not valid');
    return { ...buyer, taxId };
  }
  return buyer;
}

/**
 * Issues a draft: number allocated in this transaction (gapless per series and year), seller and
 * buyer identities frozen, VAT rates checked against the table in force on the invoice date,
 * stamp from the dated table unless the buyer is exempt, totals stored. After this, the row
 * and its lines are immutable (database triggers).
 */
export async function issueInvoice(context: BillingContext, id: string, caller: Caller): Promise<string> {
  requireAdmin(caller);
  return context.unitOfWork.run(async (db) => {
    const invoice = assertVisible(await findInvoice(db, id, { lock: true }), caller);
    if (invoice.status !== 'draft') throw conflict(`Invoice ${invoice.number} is already issued`);
    const lines = await linesOf(db, id);
    if (lines.length === 0) throw unprocessable('An invoice needs at least one line');
    const buyer = buyerForIssue(invoice.buyer);
    const issueDate = today(context);
    const rates = await vatRatesInForce(db, issueDate);
    const wrong = [...new Set(lines.map((line) => line.vatRateBp))].filter((rate) => !rates.includes(rate));
    if (wrong.length > 0) {
      throw unprocessable(`VAT rate(s) ${wrong.map((bp) => `${bp / 100} %`).join(', ')} not in force on ${issueDate} (in force: ${rates.map((bp) => `${bp / 100} %`).join(', ')})`);
    }
    const stamp = buyer.stampExempt ? 0 : await stampInForce(db, issueDate);
    if (stamp === undefined) throw unprocessable(`No fiscal stamp rate in force on ${issueDate}`);
    const totals = (() => {
      try {
        return computeTotals(lines, stamp);
      } catch (error) {
        throw unprocessable((error as Error).message);
      }
    })();
    const fiscalYear = Number(issueDate.slice(0, 4));
    const seq = await allocateSequence(db, 'FA', fiscalYear);
    const number = documentNumber('FA', fiscalYear, seq);
    await markIssued(db, id, {
      fiscalYear,
      seq,
      number,
      issueDate,
      issuedBy: caller.userId,
      seller: context.seller,
      buyer,
      vatBreakdown: totals.vat,
      totalHt: totals.totalHtMillimes,
      totalVat: totals.totalVatMillimes,
      stamp: totals.stampMillimes,
      totalTtc: totals.totalTtcMillimes,
    });
    const event = newEvent(caller, 'billing.invoice.issued', invoiceSubject(invoice), {
      invoiceId: id,
      number,
      issueDate,
      totalHtMillimes: totals.totalHtMillimes,
      totalVatMillimes: totals.totalVatMillimes,
      stampMillimes: totals.stampMillimes,
      totalTtcMillimes: totals.totalTtcMillimes,
    });
    return { result: number, events: [event] };
  });
}
