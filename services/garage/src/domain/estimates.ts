import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '@ecar/errors';
import type { EntityManager } from '@ecar/db';
import { isCustomer, newEvent, type Caller, type NewEvent } from '@ecar/contracts';
import type { LineApproval } from '@ecar/contracts/requests/garage';
import {
  appendVersion,
  decideLines,
  deleteLine,
  EstimateStore,
  lineForUpdate,
  moveApprovals,
  updateLine,
  versionsOf,
  type DecisionMethod,
  type EstimateDecision,
} from '../data/estimates.ts';
import type { FieldCipher } from '../data/field-cipher.ts';
import { findWorkOrder, linesOf, saveWorkOrder, type WorkOrder, type WorkOrderLine } from '../data/work-orders.ts';
import { estimateTotals } from './estimate.ts';
import { renderEstimatePdf, type EstimateDocument, type EstimateLanguage } from './estimate-pdf.ts';
import { readableFields } from './customers.ts';
import type { GarageContext } from './garage.ts';
import { duringJob, linesEditable } from './work-order-states.ts';

/**
 * Estimates line by line (issue #14). A line is drafted while the order is open; sending the
 * estimate asks the customer about every draft line; work found during the job is added as a line
 * awaiting approval and the customer is asked again. The customer approves or declines each line
 * (in the app, or staff record an answer given by phone or at the counter). Only approved lines are
 * invoiced: the approved total is a ceiling that only a new approval raises. Every send and every
 * answer keeps a version of the estimate.
 */

export interface LinePatch {
  kind?: 'labour' | 'part';
  description?: string;
  quantityMilli?: number;
  unitPriceMillimes?: number;
  vatRateBp?: number;
}

export interface LineDecision {
  lineId: string;
  decision: 'approved' | 'declined';
}

export interface RecordedAnswer {
  method: 'phone' | 'in_person';
  givenBy: string;
  givenAt: string;
  customerWords: string;
}

export const isApproved = (line: Pick<WorkOrderLine, 'approval'>) => line.approval === 'approved';
const CHANGEABLE: readonly LineApproval[] = ['draft', 'awaiting_approval'];

function snapshotLine(line: WorkOrderLine) {
  const { id, kind, description, quantityMilli, unitPriceMillimes, vatRateBp, approval } = line;
  return { id, kind, description, quantityMilli, unitPriceMillimes, vatRateBp, approval };
}

export class EstimateService {
  readonly store: EstimateStore;

  constructor(
    private readonly garage: GarageContext,
    cipher: FieldCipher,
  ) {
    this.store = new EstimateStore(cipher);
  }

  private ref(order: WorkOrder) {
    return { workOrderId: order.id, workOrderNumber: order.number, customerId: order.customerId, vehicleId: order.vehicleId, status: order.status };
  }

  private async locked(db: EntityManager, caller: Caller, id: string): Promise<WorkOrder> {
    const order = await findWorkOrder(db, caller, id, true);
    if (!order) throw notFound('Work order not found');
    return order;
  }

  private async snapshot(db: EntityManager, caller: Caller, order: WorkOrder, kind: 'sent' | 'decision', decisionId: string | null): Promise<{ version: number; number: string | null }> {
    const lines = await linesOf(db, order.id);
    return appendVersion(db, {
      id: randomUUID(),
      workOrderId: order.id,
      kind,
      decisionId,
      lines: lines.map(snapshotLine),
      totals: estimateTotals(lines.filter((line) => line.approval !== 'declined')),
      approvedTotals: estimateTotals(lines.filter(isApproved)),
      createdBy: caller.userId,
      createdAt: new Date(),
    });
  }

  /** `garage.estimate.approval_requested` for the lines now awaiting the customer (and a version of what they are shown). */
  private async askCustomer(db: EntityManager, caller: Caller, order: WorkOrder, reason: 'estimate_sent' | 'line_added' | 'line_updated'): Promise<NewEvent[]> {
    const lines = await linesOf(db, order.id);
    const awaiting = lines.filter((line) => line.approval === 'awaiting_approval');
    if (awaiting.length === 0) return [];
    const sent = await this.snapshot(db, caller, order, 'sent', null);
    const customer = await this.garage.customers.findById(db, order.customerId, []);
    const userId = customer?.userId ?? undefined;
    return [
      newEvent(caller, 'garage.estimate.approval_requested', { type: 'work-order', id: order.id, ...(userId ? { ownerId: userId } : {}) }, {
        ...this.ref(order),
        ...(userId ? { customerUserId: userId } : {}),
        reason,
        lineIds: awaiting.map((line) => line.id),
        awaitingGrossMillimes: estimateTotals(awaiting).grossMillimes,
        approvedGrossMillimes: estimateTotals(lines.filter(isApproved)).grossMillimes,
        ...(sent.number ? { estimateNumber: sent.number } : {}),
      }),
    ];
  }

  /**
   * A new line of `order`, however it is added (by hand, from the catalogue, from a canned job): it
   * starts drafted on an open order and awaiting the customer during the job.
   */
  newLine(order: WorkOrder, caller: Caller, fields: Pick<WorkOrderLine, 'kind' | 'description' | 'quantityMilli' | 'unitPriceMillimes' | 'vatRateBp'>): WorkOrderLine {
    const now = new Date();
    return {
      id: randomUUID(),
      workOrderId: order.id,
      ...fields,
      approval: duringJob(order.status) ? 'awaiting_approval' : 'draft',
      decisionId: null,
      addedBy: caller.userId,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** After a line was added (in the same transaction): work found during the job is put to the customer. */
  async lineAdded(db: EntityManager, caller: Caller, order: WorkOrder, line: WorkOrderLine): Promise<NewEvent[]> {
    return line.approval === 'awaiting_approval' ? this.askCustomer(db, caller, order, 'line_added') : [];
  }

  /** The estimate is sent: every draft line awaits the customer's answer. */
  async sent(db: EntityManager, caller: Caller, order: WorkOrder): Promise<NewEvent[]> {
    await moveApprovals(db, order.id, ['draft'], 'awaiting_approval');
    return this.askCustomer(db, caller, order, 'estimate_sent');
  }

  /** Back to an open estimate: the previous answers no longer apply, every line is a draft again (and holds no stock). */
  async reopened(db: EntityManager, caller: Caller, order: WorkOrder): Promise<NewEvent[]> {
    await moveApprovals(db, order.id, ['awaiting_approval', 'approved', 'declined'], 'draft');
    return this.garage.useCases.parts.releaseReservations(db, caller, order, 'reopened');
  }

  private async changeableLine(db: EntityManager, order: WorkOrder, lineId: string): Promise<WorkOrderLine> {
    const line = await lineForUpdate(db, order.id, lineId);
    if (!line) throw notFound('Line not found on this work order');
    if (!CHANGEABLE.includes(line.approval)) throw conflict(`An ${line.approval} line cannot be changed: add a new line for the customer to approve`);
    if (order.status === 'estimate_sent') throw conflict('The estimate was sent: take it back to open to change its lines');
    if (!linesEditable(order.status)) throw conflict(`Lines of a ${order.status} work order cannot be changed`);
    return line;
  }

  async editLine(caller: Caller, id: string, lineId: string, patch: LinePatch): Promise<WorkOrderLine> {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await this.locked(db, caller, id);
      const before = await this.changeableLine(db, order, lineId);
      const after: WorkOrderLine = { ...before, ...patch, updatedAt: new Date() };
      const fields = (Object.keys(patch) as Array<keyof LinePatch>).filter((field) => patch[field] !== before[field]);
      await updateLine(db, after);
      const { kind, description, quantityMilli, unitPriceMillimes, vatRateBp } = after;
      const changes: Record<string, [unknown, unknown]> = Object.fromEntries(fields.map((field) => [field, [before[field], after[field]] as [unknown, unknown]]));
      const events: NewEvent[] = [
        newEvent(caller, 'garage.workorder.line_updated', { type: 'work-order', id }, { ...this.ref(order), lineId, line: { kind, description, quantityMilli, unitPriceMillimes, vatRateBp }, fields }, changes),
      ];
      if (after.approval === 'awaiting_approval' && fields.length > 0) events.push(...(await this.askCustomer(db, caller, order, 'line_updated')));
      return { result: after, events };
    });
  }

  async removeLine(caller: Caller, id: string, lineId: string): Promise<void> {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await this.locked(db, caller, id);
      await this.changeableLine(db, order, lineId);
      // A line still changeable holds no stock; released all the same should that rule ever change.
      const released = await this.garage.useCases.parts.releaseReservations(db, caller, order, 'removed', [lineId]);
      await deleteLine(db, lineId);
      return { result: undefined, events: [newEvent(caller, 'garage.workorder.line_removed', { type: 'work-order', id }, { ...this.ref(order), lineId }), ...released] };
    });
  }

  /**
   * The customer's answer, line by line. On a sent estimate every line must be answered and the
   * order becomes approved (at least one line approved) or declined; during the job any awaiting
   * lines may be answered and the order carries on.
   */
  async decide(caller: Caller, id: string, decisions: readonly LineDecision[], recorded?: RecordedAnswer) {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await this.locked(db, caller, id);
      const result = await this.decideIn(db, caller, before, decisions, recorded);
      return { result: result.answer, events: result.events };
    });
  }

  /** The whole estimate approved or declined at once (the first, all-lines routes). */
  async decideAll(db: EntityManager, caller: Caller, order: WorkOrder, decision: 'approved' | 'declined') {
    const awaiting = (await linesOf(db, order.id)).filter((line) => line.approval === 'awaiting_approval');
    return this.decideIn(db, caller, order, awaiting.map((line) => ({ lineId: line.id, decision })));
  }

  private async decideIn(db: EntityManager, caller: Caller, before: WorkOrder, decisions: readonly LineDecision[], recorded?: RecordedAnswer) {
    if (before.status !== 'estimate_sent' && !duringJob(before.status)) throw conflict(`There is no estimate awaiting a decision (status ${before.status})`);
    const lines = await linesOf(db, before.id);
    const byId = new Map(lines.map((line) => [line.id, line]));
    for (const { lineId } of decisions) {
      const line = byId.get(lineId);
      if (!line) throw notFound(`Line ${lineId} not found on this work order`);
      if (line.approval !== 'awaiting_approval') throw conflict(`Line ${lineId} is not awaiting approval (${line.approval})`);
    }
    const awaiting = lines.filter((line) => line.approval === 'awaiting_approval');
    if (awaiting.length === 0) throw conflict('No line is awaiting approval');
    if (before.status === 'estimate_sent' && decisions.length !== awaiting.length) throw conflict('Answer every line of the estimate');
    const now = new Date();
    const method: DecisionMethod = recorded ? recorded.method : isCustomer(caller) ? 'app' : 'in_person';
    const decision: EstimateDecision = {
      id: randomUUID(),
      workOrderId: before.id,
      method,
      recordedBy: caller.userId,
      givenBy: recorded?.givenBy ?? null,
      givenAt: recorded ? new Date(recorded.givenAt) : now,
      customerWords: recorded?.customerWords ?? null,
      ip: caller.ip,
      createdAt: now,
    };
    await this.store.insertDecision(db, decision);
    const ids = (value: 'approved' | 'declined') => decisions.filter((item) => item.decision === value).map((item) => item.lineId);
    await decideLines(db, ids('approved'), 'approved', decision.id);
    await decideLines(db, ids('declined'), 'declined', decision.id);
    // Approved part lines hold their parts from now on (declined lines never held any).
    const reserved = await this.garage.useCases.parts.reserveLines(db, caller, before, ids('approved'));

    let after = before;
    const events: NewEvent[] = [...reserved];
    if (before.status === 'estimate_sent') {
      const outcome = ids('approved').length > 0 ? 'approved' : 'declined';
      after = { ...before, status: outcome, estimateDecision: outcome, estimateDecidedBy: caller.userId, estimateDecidedAt: decision.givenAt, estimateDecidedIp: caller.ip, updatedAt: now };
      await saveWorkOrder(db, after);
      events.push(newEvent(caller, 'garage.workorder.estimate_decided', { type: 'work-order', id: after.id }, { ...this.ref(after), decision: outcome }, { status: [before.status, outcome] }));
    }
    const { version } = await this.snapshot(db, caller, after, 'decision', decision.id);
    const linesAfter = await linesOf(db, before.id);
    const approvedTotals = estimateTotals(linesAfter.filter(isApproved));
    events.push(
      newEvent(caller, 'garage.estimate.lines_decided', { type: 'work-order', id: after.id }, {
        ...this.ref(after),
        decisionId: decision.id,
        method,
        decisions: decisions.map(({ lineId, decision: answer }) => ({ lineId, decision: answer })),
        approvedGrossMillimes: approvedTotals.grossMillimes,
        version,
      }),
    );
    return { order: after, events, answer: { status: after.status, decisionId: decision.id, version, lines: linesAfter, approvedTotals } };
  }

  /**
   * The estimate as PDF (issue #14): what the customer reads before deciding, in French, Arabic or
   * English, numbered with its last version sent (DV-…). Staff may print a draft; the customer
   * only an estimate that was sent to them. Selling prices only (purchase prices never leave staff screens).
   */
  async pdf(caller: Caller, id: string, language: EstimateLanguage): Promise<{ filename: string; pdf: Buffer }> {
    const document = await this.garage.unitOfWork.run(async (db) => {
      const order = await findWorkOrder(db, caller, id);
      if (!order) throw notFound('Work order not found');
      const sent = (await versionsOf(db, id)).filter((version) => version.kind === 'sent').at(-1);
      if (!sent && isCustomer(caller)) throw conflict('No estimate was sent for this work order yet');
      const customer = await this.garage.customers.findById(db, order.customerId, readableFields(caller));
      const vehicle = await this.garage.vehicles.findById(db, order.vehicleId);
      const lines = await linesOf(db, id);
      const estimate: EstimateDocument = {
        number: sent?.number ?? null,
        workOrderNumber: order.number,
        date: sent?.createdAt ?? new Date(),
        customerName: customer?.name ?? '—',
        vehicle: vehicle ? `${vehicle.plate} — ${vehicle.make} ${vehicle.model} (${vehicle.year})` : null,
        lines: lines.map(({ description, quantityMilli, unitPriceMillimes, vatRateBp, approval }) => ({ description, quantityMilli, unitPriceMillimes, vatRateBp, approval })),
      };
      const read = newEvent(caller, 'garage.customer.accessed', { type: 'work-order', id }, { customerIds: [order.customerId], fields: ['name', 'plate'], purpose: 'document' });
      return { result: estimate, events: [read] };
    });
    return { filename: document.number ?? `${document.workOrderNumber}-projet`, pdf: await renderEstimatePdf(document, language) };
  }

  /** What was sent and what was approved, version by version, with how each answer was given (staff only). */
  async versions(caller: Caller, id: string) {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await findWorkOrder(db, caller, id);
      if (!order) throw notFound('Work order not found');
      const decisions = new Map((await this.store.decisionsOf(db, id)).map((decision) => [decision.id, decision]));
      const items = (await versionsOf(db, id)).map((version) => {
        const decision = version.decisionId ? decisions.get(version.decisionId) : undefined;
        return {
          version: version.version,
          kind: version.kind,
          number: version.number,
          createdAt: version.createdAt,
          createdBy: version.createdBy,
          lines: version.lines,
          totals: version.totals,
          approvedTotals: version.approvedTotals,
          decision: decision
            ? { method: decision.method, givenBy: decision.givenBy, givenAt: decision.givenAt, customerWords: decision.customerWords, recordedBy: decision.recordedBy, ip: decision.ip }
            : null,
        };
      });
      const events = [...decisions.values()].some((decision) => decision.givenBy !== null)
        ? [newEvent(caller, 'garage.customer.accessed', { type: 'work-order', id }, { customerIds: [order.customerId], fields: ['estimateGivenBy', 'estimateWords'], purpose: 'work-order' })]
        : [];
      return { result: { items }, events };
    });
  }
}
