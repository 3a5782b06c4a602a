import { randomUUID } from 'node:crypto';
import { MASK, newEvent, parseEventData, type Caller, type EventEnvelope, type NewEvent } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { AppError, conflict } from '@ecar/errors';
import { findInvoice, insertDraft, insertLines, linesOf, replaceLines, updateDraftHeader } from '../data/invoices.ts';
import { assertVisible, invoiceSubject, requireAdmin, type BillingContext } from './context.ts';
import { numberLines } from './lines.ts';
import { computeTotals } from './totals.ts';
import type { Buyer, InvoiceLine, NewLine } from './types.ts';

export interface DraftInput {
  buyer: Buyer;
  ownerUserId?: string;
  customerId?: string;
  lines: NewLine[];
}

export interface DraftPatch {
  buyer?: Buyer;
  ownerUserId?: string | null;
  customerId?: string | null;
  lines?: NewLine[];
}

const tooLarge = (error: unknown) =>
  error instanceof RangeError ? new AppError(error.message, { status: 422, name: 'amount-too-large', title: 'Amount too large', cause: error }) : error;

function totalOf(lines: readonly InvoiceLine[]): number {
  return computeTotals(lines, 0).totalTtcMillimes;
}

/**
 * A draft from `garage.workorder.completed`. One draft per work order: the inbox skips a
 * redelivered event, and the unique work_order_id makes a second event (another id, same work
 * order) insert nothing.
 */
export async function draftFromWorkOrder(db: EntityManager, envelope: EventEnvelope): Promise<{ outcome: 'drafted' | 'already_drafted'; events: NewEvent[] }> {
  const data = parseEventData('garage.workorder.completed', envelope.data);
  const id = randomUUID();
  const inserted = await insertDraft(db, {
    id,
    origin: 'work_order',
    workOrderId: data.workOrderId,
    ...(data.workOrderNumber ? { workOrderNumber: data.workOrderNumber } : {}),
    customerId: data.customerId,
    ...(data.customerUserId ? { ownerUserId: data.customerUserId } : {}),
    buyer: { ...data.buyer },
    vehicle: data.vehicle,
    createdBy: `event:${envelope.id}`,
  });
  if (!inserted) return { outcome: 'already_drafted', events: [] };
  const lines = numberLines(data.lines);
  await insertLines(db, id, lines);
  const by = { system: 'billing.workorders', correlationId: envelope.correlationId };
  const event = newEvent(by, 'billing.invoice.drafted', invoiceSubject({ id, ownerUserId: data.customerUserId ?? null }), {
    invoiceId: id,
    workOrderId: data.workOrderId,
    origin: 'work_order',
    lineCount: lines.length,
    totalTtcMillimes: totalOf(lines),
  });
  return { outcome: 'drafted', events: [event] };
}

export async function createDraft(context: BillingContext, input: DraftInput, caller: Caller): Promise<string> {
  requireAdmin(caller);
  const id = randomUUID();
  try {
    const lines = numberLines(input.lines);
    const total = totalOf(lines);
    await context.unitOfWork.run(async (db) => {
      await insertDraft(db, {
        id,
        origin: 'manual',
        buyer: input.buyer,
        ...(input.ownerUserId ? { ownerUserId: input.ownerUserId } : {}),
        ...(input.customerId ? { customerId: input.customerId } : {}),
        createdBy: caller.userId,
      });
      await insertLines(db, id, lines);
      const subject = invoiceSubject({ id, ownerUserId: input.ownerUserId ?? null });
      return { result: undefined, events: [newEvent(caller, 'billing.invoice.drafted', subject, { invoiceId: id, origin: 'manual', lineCount: lines.length, totalTtcMillimes: total })] };
    });
  } catch (error) {
    throw tooLarge(error);
  }
  return id;
}

/** Changes a draft (an issued invoice is refused here, and by the database below). Every change is published with its masked diff. */
export async function updateDraft(context: BillingContext, id: string, patch: DraftPatch, caller: Caller): Promise<void> {
  requireAdmin(caller);
  try {
    await context.unitOfWork.run(async (db) => {
      const invoice = assertVisible(await findInvoice(db, id, { lock: true }), caller);
      if (invoice.status !== 'draft') throw conflict(`Invoice ${invoice.number} is issued and can no longer be changed; issue a credit note instead`);
      const changes: Record<string, [unknown, unknown]> = {};
      const buyer = patch.buyer ?? invoice.buyer;
      const ownerUserId = patch.ownerUserId === undefined ? invoice.ownerUserId : patch.ownerUserId;
      const customerId = patch.customerId === undefined ? invoice.customerId : patch.customerId;
      if (patch.buyer) {
        for (const key of new Set([...Object.keys(invoice.buyer), ...Object.keys(patch.buyer)]) as Set<keyof Buyer>) {
          if (JSON.stringify(invoice.buyer[key]) === JSON.stringify(patch.buyer[key])) continue;
          // A person's name is personal data too: the diff says that it changed, not what it was.
          changes[key === 'name' ? 'buyerName' : key] = key === 'name' ? [MASK, MASK] : [invoice.buyer[key] ?? null, patch.buyer[key] ?? null];
        }
      }
      if (ownerUserId !== invoice.ownerUserId) changes['ownerUserId'] = [invoice.ownerUserId, ownerUserId];
      if (customerId !== invoice.customerId) changes['customerId'] = [invoice.customerId, customerId];
      if (patch.buyer || patch.ownerUserId !== undefined || patch.customerId !== undefined) await updateDraftHeader(db, id, { buyer, ownerUserId, customerId });
      if (patch.lines) {
        const before = await linesOf(db, id);
        const after = numberLines(patch.lines);
        const summary = (lines: InvoiceLine[]) => ({ count: lines.length, totalTtcMillimes: totalOf(lines) });
        if (JSON.stringify(before) !== JSON.stringify(after)) changes['lines'] = [summary(before), summary(after)];
        await replaceLines(db, id, after);
      }
      const events = Object.keys(changes).length === 0 ? [] : [newEvent(caller, 'billing.invoice.updated', invoiceSubject({ id, ownerUserId }), { invoiceId: id, fields: Object.keys(changes) }, changes)];
      return { result: undefined, events };
    });
  } catch (error) {
    throw tooLarge(error);
  }
}
