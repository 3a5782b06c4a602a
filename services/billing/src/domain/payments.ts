import { randomUUID } from 'node:crypto';
import { newEvent, type Caller } from '@ecar/contracts';
import { AppError, conflict, notFound } from '@ecar/errors';
import { findInvoice } from '../data/invoices.ts';
import { findPayment, insertPayment, insertReversal, settlementOf } from '../data/payments.ts';
import { assertVisible, invoiceSubject, requireAdmin, today as todayOf, type BillingContext } from './context.ts';
import { formatTnd } from './money.ts';
import { balanceOf } from './settlement.ts';
import type { PaymentMethod } from './types.ts';

export interface PaymentInput {
  method: PaymentMethod;
  amountMillimes: number;
  receivedOn?: string;
  chequeNumber?: string;
  chequeBank?: string;
  transferReference?: string;
  cardReference?: string;
}

export const overpayment = (amount: number, balance: number) =>
  new AppError(`The payment of ${formatTnd(amount)} exceeds the balance due of ${formatTnd(Math.max(balance, 0))}`, {
    status: 409,
    name: 'overpayment',
    title: 'Payment exceeds the balance due',
  });

/** Records a (partial) payment; the invoice row is locked so two payments cannot both fit one balance. */
export async function recordPayment(context: BillingContext, invoiceId: string, input: PaymentInput, caller: Caller): Promise<{ paymentId: string; balanceMillimes: number }> {
  requireAdmin(caller);
  return context.unitOfWork.run(async (db) => {
    const invoice = assertVisible(await findInvoice(db, invoiceId, { lock: true }), caller);
    if (invoice.status !== 'issued') throw conflict('A draft cannot be paid; issue it first');
    const today = todayOf(context);
    const receivedOn = input.receivedOn ?? today;
    // ISO dates compare as strings.
    if (receivedOn > today || receivedOn < invoice.issueDate!) {
      throw new AppError(`A payment is received between the invoice date (${invoice.issueDate}) and today (${today})`, {
        status: 422,
        name: 'payment-date',
        title: 'Payment date out of range',
      });
    }
    const before = balanceOf(invoice, await settlementOf(db, invoiceId));
    if (input.amountMillimes > before.balanceMillimes) throw overpayment(input.amountMillimes, before.balanceMillimes);
    const paymentId = randomUUID();
    await insertPayment(db, {
      id: paymentId,
      invoiceId,
      method: input.method,
      amountMillimes: input.amountMillimes,
      chequeNumber: input.method === 'cheque' ? (input.chequeNumber ?? null) : null,
      chequeBank: input.method === 'cheque' ? (input.chequeBank ?? null) : null,
      transferReference: input.method === 'transfer' ? (input.transferReference ?? null) : null,
      cardReference: input.method === 'card' ? (input.cardReference ?? null) : null,
      receivedOn,
      recordedBy: caller.userId,
    });
    const balanceMillimes = before.balanceMillimes - input.amountMillimes;
    const event = newEvent(caller, 'billing.payment.recorded', invoiceSubject(invoice), {
      paymentId,
      invoiceId,
      invoiceNumber: invoice.number!,
      method: input.method,
      amountMillimes: input.amountMillimes,
      balanceMillimes,
    });
    return { result: { paymentId, balanceMillimes }, events: [event] };
  });
}

/** Reverses a payment (a bounced cheque, a wrong entry): super-admin only, with a reason, audited. The payment row stays. */
export async function reversePayment(context: BillingContext, invoiceId: string, paymentId: string, reason: string, caller: Caller): Promise<{ balanceMillimes: number }> {
  requireAdmin(caller);
  return context.unitOfWork.run(async (db) => {
    const invoice = assertVisible(await findInvoice(db, invoiceId, { lock: true }), caller);
    const payment = await findPayment(db, invoiceId, paymentId);
    if (!payment) throw notFound('Payment not found');
    if (payment.reversal || !(await insertReversal(db, paymentId, reason, caller.userId))) throw conflict('This payment is already reversed');
    const { balanceMillimes } = balanceOf(invoice, await settlementOf(db, invoiceId));
    const event = newEvent(caller, 'billing.payment.reversed', invoiceSubject(invoice), { paymentId, invoiceId, amountMillimes: payment.amountMillimes, reason, balanceMillimes });
    return { result: { balanceMillimes }, events: [event] };
  });
}
