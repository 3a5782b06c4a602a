import { randomUUID } from 'node:crypto';
import { isAdmin, newEvent, type Caller } from '@ecar/contracts';
import type { StockMovementKind, WorkOrderStatus } from '@ecar/contracts/requests/garage';
import type { EntityManager } from '@ecar/db';
import { conflict, notFound } from '@ecar/errors';
import {
  consumptionOfLine,
  findPart,
  insertPart,
  lineOfWorkOrder,
  linkLineToPart,
  listLowStock,
  listParts,
  lockStockLevel,
  movementsOf,
  partLinesOf,
  recordMovement,
  stockLevelsOf,
  updatePart,
  type Part,
  type StockMovement,
} from '../data/parts.ts';
import { findWorkOrder, insertLine, type WorkOrder, type WorkOrderLine } from '../data/work-orders.ts';
import { diff } from './diff.ts';
import type { GarageContext } from './garage.ts';
import { duringJob, linesEditable } from './work-order-states.ts';

export interface PartInput {
  reference: string;
  brand: string;
  description: string;
  purchasePriceMillimes: number;
  sellingPriceMillimes: number;
  vatRateBp: number;
  barcode?: string | undefined;
  reorderPointMilli?: number | undefined;
}

export type PartPatch = { [K in Exclude<keyof PartInput, 'barcode'>]?: PartInput[K] | undefined } & { barcode?: string | null | undefined };

export type MovementInput =
  | { kind: 'receipt'; location: string; quantityMilli: number; reason?: string | undefined }
  | { kind: 'return'; location: string; quantityMilli: number; reason?: string | undefined; workOrderId?: string | undefined }
  | { kind: 'adjustment'; location: string; quantityMilli: number; reason: string; allowNegative?: boolean | undefined };

/** Stock leaves the shelf for a job once the customer approved it (DOMAIN.md step 3): approved or under way. */
export function stockConsumable(status: WorkOrderStatus): boolean {
  return status === 'approved' || duringJob(status);
}

/** What a role sees of a part: customers never see purchase prices, and neither do technicians. */
export function partView(caller: Caller, part: Part): Part | Omit<Part, 'purchasePriceMillimes' | 'averageCostMillimes'> {
  if (isAdmin(caller)) return part;
  const { purchasePriceMillimes: _hidden, averageCostMillimes: _cost, ...rest } = part;
  return rest;
}

/** The description a catalogue part gives its work-order line. */
export function partLineDescription(part: Pick<Part, 'brand' | 'reference' | 'description'>): string {
  return `${part.brand} ${part.reference} — ${part.description}`.slice(0, 500);
}

/** Parts catalogue and stock ledger: every movement is one row of the ledger and one change of the level, in one transaction. */
export class PartService {
  constructor(private readonly garage: GarageContext) {}

  private subject(part: { id: string }) {
    return { type: 'part', id: part.id };
  }

  async create(caller: Caller, input: PartInput): Promise<Part> {
    return this.garage.unitOfWork.run(async (db) => {
      const now = new Date();
      const part: Part = {
        id: randomUUID(),
        reference: input.reference,
        brand: input.brand,
        description: input.description,
        purchasePriceMillimes: input.purchasePriceMillimes,
        averageCostMillimes: input.purchasePriceMillimes,
        sellingPriceMillimes: input.sellingPriceMillimes,
        vatRateBp: input.vatRateBp,
        barcode: input.barcode ?? null,
        reorderPointMilli: input.reorderPointMilli ?? 0,
        onHandMilli: 0,
        createdAt: now,
        updatedAt: now,
      };
      await insertPart(db, part);
      const event = newEvent(caller, 'garage.part.created', this.subject(part), { partId: part.id, reference: part.reference, brand: part.brand });
      return { result: part, events: [event] };
    });
  }

  async update(caller: Caller, id: string, patch: PartPatch): Promise<Part> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await findPart(db, id, true);
      if (!before) throw notFound('Part not found');
      const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<Part>;
      const after: Part = { ...before, ...defined, updatedAt: new Date() };
      const fields = Object.keys(diff(before, after, Object.keys(defined) as Array<keyof Part & string>));
      await updatePart(db, after);
      return { result: after, events: fields.length ? [newEvent(caller, 'garage.part.updated', this.subject(after), { partId: id, fields })] : [] };
    });
  }

  async get(caller: Caller, id: string) {
    const db = this.garage.dataSource.manager;
    const part = await findPart(db, id);
    if (!part) throw notFound('Part not found');
    return { ...partView(caller, part), levels: await stockLevelsOf(db, id) };
  }

  async list(caller: Caller, query: { q?: string; after?: string; limit: number }) {
    return (await listParts(this.garage.dataSource.manager, query)).map((part) => ({ ...partView(caller, part), id: part.id }));
  }

  lowStock(query: { after?: string; limit: number }): Promise<Part[]> {
    return listLowStock(this.garage.dataSource.manager, query);
  }

  async movements(id: string, query: { after?: string; limit: number }): Promise<StockMovement[]> {
    const db = this.garage.dataSource.manager;
    if (!(await findPart(db, id))) throw notFound('Part not found');
    return movementsOf(db, id, query);
  }

  /** A receipt, return or adjustment recorded by staff. */
  async move(caller: Caller, partId: string, input: MovementInput): Promise<StockMovement> {
    return this.garage.unitOfWork.run(async (db) => {
      const part = await findPart(db, partId);
      if (!part) throw notFound('Part not found');
      let workOrderId: string | null = null;
      if (input.kind === 'return' && input.workOrderId) {
        if (!(await findWorkOrder(db, caller, input.workOrderId))) throw notFound('Work order not found');
        workOrderId = input.workOrderId;
      }
      const allowNegative = input.kind === 'adjustment' && input.allowNegative === true;
      const movement = await this.writeMovement(db, caller, {
        partId,
        location: input.location,
        kind: input.kind,
        quantityMilli: input.quantityMilli,
        reason: input.reason ?? null,
        allowNegative,
        workOrderId,
        lineId: null,
      });
      return { result: movement, events: [this.movedEvent(caller, movement)] };
    });
  }

  /**
   * One ledger movement under the level's row lock: the new quantity on hand is computed from the
   * locked level, so of two technicians taking the last unit the second sees none left (409).
   * Runs inside the caller's unit of work (work-order use, purchase-order receipt).
   */
  async writeMovement(
    db: EntityManager,
    caller: Caller,
    input: { partId: string; location: string; kind: StockMovementKind; quantityMilli: number; reason: string | null; allowNegative: boolean; workOrderId: string | null; lineId: string | null },
  ): Promise<StockMovement> {
    const onHand = await lockStockLevel(db, input.partId, input.location);
    const after = onHand + input.quantityMilli;
    // Only a movement that takes stock away can be refused; a receipt or return is always welcome.
    const belowZero = after < 0 && input.quantityMilli < 0;
    if (belowZero && !input.allowNegative) {
      throw conflict(`Not enough stock at ${input.location}: ${onHand / 1000} on hand, ${-input.quantityMilli / 1000} asked`);
    }
    const movement: StockMovement = {
      id: randomUUID(),
      partId: input.partId,
      location: input.location,
      kind: input.kind,
      quantityMilli: input.quantityMilli,
      onHandAfterMilli: after,
      reason: input.reason,
      negativeAllowed: belowZero,
      workOrderId: input.workOrderId,
      lineId: input.lineId,
      movedBy: caller.userId,
      createdAt: new Date(),
    };
    await recordMovement(db, movement);
    return movement;
  }

  movedEvent(caller: Caller, movement: StockMovement) {
    return newEvent(caller, 'garage.stock.moved', this.subject({ id: movement.partId }), {
      movementId: movement.id,
      partId: movement.partId,
      location: movement.location,
      kind: movement.kind,
      quantityMilli: movement.quantityMilli,
      onHandMilli: movement.onHandAfterMilli,
      ...(movement.reason ? { reason: movement.reason } : {}),
      ...(movement.negativeAllowed ? { negativeAllowed: true } : {}),
      ...(movement.workOrderId ? { workOrderId: movement.workOrderId } : {}),
      ...(movement.lineId ? { lineId: movement.lineId } : {}),
    });
  }

  private async lockedOrder(db: EntityManager, caller: Caller, id: string): Promise<WorkOrder> {
    const order = await findWorkOrder(db, caller, id, true);
    if (!order) throw notFound('Work order not found');
    return order;
  }

  private async consume(db: EntityManager, caller: Caller, order: WorkOrder, line: { id: string; partId: string; quantityMilli: number }, location: string) {
    if (!stockConsumable(order.status)) throw conflict(`Stock is used once the work is approved (this work order is ${order.status})`);
    if (await consumptionOfLine(db, line.id)) throw conflict('The part of this line was already taken from stock');
    return this.writeMovement(db, caller, {
      partId: line.partId,
      location,
      kind: 'consumption',
      quantityMilli: -line.quantityMilli,
      reason: null,
      allowNegative: false,
      workOrderId: order.id,
      lineId: line.id,
    });
  }

  /**
   * Lines built from the catalogue (priced and taxed as the part is), written with the work-order
   * store's own insert; the caller's unit of work publishes their `line_added` events.
   */
  async partLines(db: EntityManager, caller: Caller, order: WorkOrder, parts: ReadonlyArray<{ partId: string; quantityMilli: number }>) {
    const lines: WorkOrderLine[] = [];
    const events = [];
    for (const item of parts) {
      const part = await findPart(db, item.partId);
      if (!part) throw notFound(`Part ${item.partId} not found`);
      const line = this.garage.useCases.estimates.newLine(order, caller, {
        kind: 'part',
        description: partLineDescription(part),
        quantityMilli: item.quantityMilli,
        unitPriceMillimes: part.sellingPriceMillimes,
        vatRateBp: part.vatRateBp,
      });
      await insertLine(db, line);
      await linkLineToPart(db, line.id, part.id);
      lines.push(line);
      events.push(this.lineAddedEvent(caller, order, line));
    }
    return { lines, events };
  }

  lineAddedEvent(caller: Caller, order: WorkOrder, line: WorkOrderLine) {
    const { kind, description, quantityMilli, unitPriceMillimes, vatRateBp } = line;
    return newEvent(caller, 'garage.workorder.line_added', { type: 'work-order', id: order.id }, {
      workOrderId: order.id,
      customerId: order.customerId,
      vehicleId: order.vehicleId,
      status: order.status,
      lineId: line.id,
      line: { kind, description, quantityMilli, unitPriceMillimes, vatRateBp },
    });
  }

  /** A catalogue part used on a work order: its line and, when the work is under way, its consumption — one transaction. */
  async useOnWorkOrder(caller: Caller, workOrderId: string, input: { partId: string; quantityMilli: number; location: string; consume?: boolean | undefined }) {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await this.lockedOrder(db, caller, workOrderId);
      if (!linesEditable(order.status)) throw conflict(`Lines cannot be added to a ${order.status} work order`);
      const consume = input.consume ?? stockConsumable(order.status);
      const { lines, events } = await this.partLines(db, caller, order, [input]);
      const line = lines[0]!;
      events.push(...(await this.garage.useCases.estimates.lineAdded(db, caller, order, line)));
      let movement: StockMovement | null = null;
      if (consume) {
        movement = await this.consume(db, caller, order, { id: line.id, partId: input.partId, quantityMilli: line.quantityMilli }, input.location);
        events.push(this.movedEvent(caller, movement));
      }
      return { result: { line: { ...line, partId: input.partId }, movement }, events };
    });
  }

  /** Takes a part line's part from stock (a line from an estimate or a canned job); once per line. */
  async consumeLine(caller: Caller, workOrderId: string, lineId: string, location: string): Promise<StockMovement> {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await this.lockedOrder(db, caller, workOrderId);
      const line = await lineOfWorkOrder(db, workOrderId, lineId);
      if (!line) throw notFound('Line not found');
      if (!line.partId) throw conflict('This line cites no catalogue part');
      const movement = await this.consume(db, caller, order, { id: line.id, partId: line.partId, quantityMilli: line.quantityMilli }, location);
      return { result: movement, events: [this.movedEvent(caller, movement)] };
    });
  }

  /** The part lines of a job and whether each was taken from stock (the technician's view of their job's parts). */
  async ofWorkOrder(caller: Caller, workOrderId: string) {
    const db = this.garage.dataSource.manager;
    if (!(await findWorkOrder(db, caller, workOrderId))) throw notFound('Work order not found');
    return { items: await partLinesOf(db, workOrderId) };
  }
}
