import { randomUUID } from 'node:crypto';
import { isAdmin, newEvent, type Caller, type NewEvent } from '@ecar/contracts';
import type { StockMovementKind, WorkOrderStatus } from '@ecar/contracts/requests/garage';
import type { EntityManager } from '@ecar/db';
import { conflict, notFound } from '@ecar/errors';
import {
  closeReservation,
  consumptionOfLine,
  findPart,
  insertReservation,
  liveReservationOfLine,
  liveReservationsOf,
  partLinesOfOrder,
  reservationsOfPart,
  shortReservations,
  topUpReservation,
  type PartLine,
  type StockReservation,
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
        reservedMilli: 0,
        availableMilli: 0,
        shortMilli: 0,
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
      const { movement, events } = await this.writeMovement(db, caller, {
        partId,
        location: input.location,
        kind: input.kind,
        quantityMilli: input.quantityMilli,
        reason: input.reason ?? null,
        allowNegative,
        workOrderId,
        lineId: null,
      });
      return { result: movement, events };
    });
  }

  /**
   * One ledger movement under the level's row lock: the new quantities are computed from the locked
   * level, so of two technicians taking the last unit the second sees none left (409). A movement
   * that takes stock away may take only what is available (on hand − reserved for work orders),
   * plus what it releases of its own reservation (`releasedMilli`, a reserved line consumed); past
   * that it needs `allowNegative`, the explicit override the ledger row and the event record. Stock
   * coming in fills the short reservations of that part and place first, oldest first. Runs inside
   * the caller's unit of work (work-order use, purchase-order receipt); returns the movement and
   * its events (`garage.stock.moved`, and `garage.stock.reserved` for each reservation filled).
   */
  async writeMovement(
    db: EntityManager,
    caller: Caller,
    input: {
      partId: string;
      location: string;
      kind: StockMovementKind;
      quantityMilli: number;
      reason: string | null;
      allowNegative: boolean;
      workOrderId: string | null;
      lineId: string | null;
      releasedMilli?: number;
      reservationId?: string;
      unitCostMillimes?: number;
    },
  ): Promise<{ movement: StockMovement; events: NewEvent[] }> {
    const level = await lockStockLevel(db, input.partId, input.location);
    const released = input.releasedMilli ?? 0;
    const after = level.onHandMilli + input.quantityMilli;
    const availableAfter = after - (level.reservedMilli - released);
    // Only a movement that takes stock away can be refused; a receipt or return is always welcome.
    const belowZero = input.quantityMilli < 0 && (availableAfter < 0 || after < 0);
    if (belowZero && !input.allowNegative) {
      const held = level.reservedMilli - released;
      const others = held > 0 ? `, ${held / 1000} reserved for other work orders` : '';
      const own = released > 0 ? ` (${released / 1000} of them reserved for this line)` : '';
      throw conflict(`Not enough stock at ${input.location}: ${level.onHandMilli / 1000} on hand${others}, ${-input.quantityMilli / 1000} asked${own}`);
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
      ...(input.unitCostMillimes !== undefined ? { unitCostMillimes: input.unitCostMillimes, averageCostAfterMillimes: input.unitCostMillimes } : {}),
    };
    await recordMovement(db, movement, released);
    const events: NewEvent[] = [this.movedEvent(caller, movement, input.reservationId ? { reservationId: input.reservationId, releasedMilli: released } : undefined)];
    if (input.quantityMilli > 0) events.push(...(await this.fillShort(db, caller, input.partId, input.location, availableAfter)));
    return { movement, events };
  }

  /** Stock that came in goes to the approved lines waiting for it (oldest first), under the level's lock. */
  private async fillShort(db: EntityManager, caller: Caller, partId: string, location: string, available: number): Promise<NewEvent[]> {
    const events: NewEvent[] = [];
    let left = available;
    if (left <= 0) return events;
    for (const reservation of await shortReservations(db, partId, location)) {
      if (left <= 0) break;
      const take = Math.min(left, reservation.quantityMilli - reservation.reservedMilli);
      await topUpReservation(db, reservation, take);
      left -= take;
      events.push(this.reservedEvent(caller, { ...reservation, reservedMilli: reservation.reservedMilli + take }, left, null));
    }
    return events;
  }

  movedEvent(caller: Caller, movement: StockMovement, reservation?: { reservationId: string; releasedMilli: number }) {
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
      ...(reservation ? { reservationId: reservation.reservationId, releasedMilli: reservation.releasedMilli } : {}),
    });
  }

  private reservedEvent(caller: Caller, reservation: StockReservation, availableMilli: number, workOrderNumber: string | null): NewEvent {
    return newEvent(caller, 'garage.stock.reserved', this.subject({ id: reservation.partId }), {
      reservationId: reservation.id,
      workOrderId: reservation.workOrderId,
      ...(workOrderNumber ? { workOrderNumber } : {}),
      lineId: reservation.lineId,
      partId: reservation.partId,
      location: reservation.location,
      quantityMilli: reservation.quantityMilli,
      reservedMilli: reservation.reservedMilli,
      shortMilli: reservation.quantityMilli - reservation.reservedMilli,
      availableMilli,
    });
  }

  /**
   * Approved part lines hold their parts (issue 14): each gets one reservation of its quantity at its
   * location, as much as is available now (on hand − reserved, under the level's row lock: of two
   * approvals of the last unit at once, one holds it and the other is short). A short reservation is
   * filled by the next receipt; the customer's approval itself is never refused for want of stock.
   * Lines already taken from stock, or already holding a reservation, are left as they are.
   */
  async reserveLines(db: EntityManager, caller: Caller, order: WorkOrder, lineIds: readonly string[]): Promise<NewEvent[]> {
    if (lineIds.length === 0) return [];
    const events: NewEvent[] = [];
    for (const line of await partLinesOfOrder(db, order.id, lineIds)) {
      if (!line.partId || (await consumptionOfLine(db, line.id)) || (await liveReservationOfLine(db, line.id))) continue;
      const location = line.location ?? 'main';
      const level = await lockStockLevel(db, line.partId, location);
      const available = level.onHandMilli - level.reservedMilli;
      const reservation: StockReservation = {
        id: randomUUID(),
        workOrderId: order.id,
        lineId: line.id,
        partId: line.partId,
        location,
        quantityMilli: line.quantityMilli,
        reservedMilli: Math.max(0, Math.min(line.quantityMilli, available)),
        status: 'reserved',
        reservedBy: caller.userId,
        closeReason: null,
        createdAt: new Date(),
        closedAt: null,
      };
      await insertReservation(db, reservation);
      events.push(this.reservedEvent(caller, reservation, available - reservation.reservedMilli, order.number));
    }
    return events;
  }

  /** Gives back what a work order's reservations hold (the order cancelled, or its estimate reopened); `lineIds` narrows it to those lines. */
  async releaseReservations(db: EntityManager, caller: Caller, order: WorkOrder, reason: 'cancelled' | 'reopened' | 'declined' | 'removed', lineIds?: readonly string[]): Promise<NewEvent[]> {
    const events: NewEvent[] = [];
    for (const reservation of await liveReservationsOf(db, order.id, lineIds)) {
      const level = await lockStockLevel(db, reservation.partId, reservation.location);
      await closeReservation(db, reservation, 'released', reason);
      events.push(
        newEvent(caller, 'garage.stock.released', this.subject({ id: reservation.partId }), {
          reservationId: reservation.id,
          workOrderId: order.id,
          workOrderNumber: order.number,
          lineId: reservation.lineId,
          partId: reservation.partId,
          location: reservation.location,
          releasedMilli: reservation.reservedMilli,
          reason,
          availableMilli: level.onHandMilli - level.reservedMilli + reservation.reservedMilli,
        }),
      );
    }
    return events;
  }

  /**
   * Takes a part line's part from stock: the one way a work order uses stock (the technician taking
   * it during the job, a part used at once, the completion of the order). Its reservation, if any, is
   * consumed with it (the movement releases what it held); the rest must be available unless
   * `allowNegative` (super-admin's audited override). Valued at the part's weighted average cost.
   * Once per line: a second consumption is a 409 (and the ledger's unique index refuses it anyway).
   */
  async consumeLineIn(db: EntityManager, caller: Caller, order: WorkOrder, line: PartLine, options: { location?: string | undefined; allowNegative?: boolean | undefined } = {}) {
    if (!line.partId) throw conflict('This line cites no catalogue part');
    if (await consumptionOfLine(db, line.id)) throw conflict('The part of this line was already taken from stock');
    const reservation = await liveReservationOfLine(db, line.id);
    const location = reservation?.location ?? options.location ?? line.location ?? 'main';
    if (reservation && options.location && options.location !== reservation.location) {
      throw conflict(`The part of this line is reserved at ${reservation.location}; take it from there`);
    }
    const part = await findPart(db, line.partId);
    if (!part) throw notFound('Part not found');
    const written = await this.writeMovement(db, caller, {
      partId: line.partId,
      location,
      kind: 'consumption',
      quantityMilli: -line.quantityMilli,
      reason: null,
      allowNegative: options.allowNegative === true,
      workOrderId: order.id,
      lineId: line.id,
      unitCostMillimes: part.averageCostMillimes,
      ...(reservation ? { releasedMilli: reservation.reservedMilli, reservationId: reservation.id } : {}),
    });
    if (reservation) await closeReservation(db, reservation, 'consumed', 'consumed');
    return written;
  }

  /**
   * The work order completes: every approved part line not yet taken from stock is consumed, each
   * exactly once (its reservation with it). A line whose stock is missing stops the completion with
   * a 409 naming it, unless `allowNegative` (the super-admin's audited override).
   */
  async consumeOnCompletion(db: EntityManager, caller: Caller, order: WorkOrder, allowNegative: boolean): Promise<NewEvent[]> {
    const events: NewEvent[] = [];
    for (const line of await partLinesOfOrder(db, order.id)) {
      if (line.approval !== 'approved' || (await consumptionOfLine(db, line.id))) continue;
      try {
        events.push(...(await this.consumeLineIn(db, caller, order, line, { allowNegative })).events);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw conflict(`The work order cannot be completed: a part line's part is missing (line ${line.id}: ${detail}); receive it, or complete with allowNegativeStock`);
      }
    }
    return events;
  }

  async reservations(id: string, query: { after?: string; limit: number }) {
    const db = this.garage.dataSource.manager;
    if (!(await findPart(db, id))) throw notFound('Part not found');
    return reservationsOfPart(db, id, query);
  }

  private async lockedOrder(db: EntityManager, caller: Caller, id: string): Promise<WorkOrder> {
    const order = await findWorkOrder(db, caller, id, true);
    if (!order) throw notFound('Work order not found');
    return order;
  }

  /**
   * Lines built from the catalogue (priced and taxed as the part is), written with the work-order
   * store's own insert; the caller's unit of work publishes their `line_added` events.
   */
  async partLines(db: EntityManager, caller: Caller, order: WorkOrder, parts: ReadonlyArray<{ partId: string; quantityMilli: number }>, location = 'main') {
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
      await linkLineToPart(db, line.id, part.id, location);
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
      if (consume && !stockConsumable(order.status)) throw conflict(`Stock is used once the work is approved (this work order is ${order.status})`);
      const { lines, events } = await this.partLines(db, caller, order, [input], input.location);
      const line = lines[0]!;
      events.push(...(await this.garage.useCases.estimates.lineAdded(db, caller, order, line)));
      let movement: StockMovement | null = null;
      if (consume) {
        const written = await this.consumeLineIn(db, caller, order, { id: line.id, kind: 'part', partId: input.partId, location: input.location, quantityMilli: line.quantityMilli, approval: line.approval });
        movement = written.movement;
        events.push(...written.events);
      }
      return { result: { line: { ...line, partId: input.partId }, movement }, events };
    });
  }

  /** Takes a part line's part from stock (a line from an estimate or a canned job); once per line. */
  async consumeLine(caller: Caller, workOrderId: string, lineId: string, location: string | undefined): Promise<StockMovement> {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await this.lockedOrder(db, caller, workOrderId);
      const line = await lineOfWorkOrder(db, workOrderId, lineId);
      if (!line) throw notFound('Line not found');
      if (!stockConsumable(order.status)) throw conflict(`Stock is used once the work is approved (this work order is ${order.status})`);
      const { movement, events } = await this.consumeLineIn(db, caller, order, line, { location });
      return { result: movement, events };
    });
  }

  /** The part lines of a job and whether each was taken from stock (the technician's view of their job's parts). */
  async ofWorkOrder(caller: Caller, workOrderId: string) {
    const db = this.garage.dataSource.manager;
    if (!(await findWorkOrder(db, caller, workOrderId))) throw notFound('Work order not found');
    return { items: await partLinesOf(db, workOrderId) };
  }
}
