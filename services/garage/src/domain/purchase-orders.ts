import { randomUUID } from 'node:crypto';
import { newEvent, type Caller } from '@ecar/contracts';
import type { PurchaseOrderStatus } from '@ecar/contracts/requests/garage';
import { badRequest, conflict, notFound } from '@ecar/errors';
import type { EntityManager } from '@ecar/db';
import { findPart, setAverageCost, stockLevelsOf } from '../data/parts.ts';
import { assignedNumber } from '../data/references.ts';
import {
  findPurchaseOrder,
  findSupplier,
  insertPurchaseOrder,
  insertSupplier,
  listPurchaseOrders,
  listSuppliers,
  findReceipt,
  insertReceipt,
  markReceiptMovement,
  updatePurchaseOrderStatus,
  type PurchaseOrder,
  type Supplier,
} from '../data/purchase-orders.ts';
import type { GarageContext } from './garage.ts';
import type { PartService } from './parts.ts';

/**
 * The weighted average cost after receiving `quantityMilli` at `unitCostMillimes` onto `onHandMilli`
 * valued at `averageMillimes`: (onHand × average + quantity × cost) / (onHand + quantity), rounded to
 * the nearest millime, halves up. With nothing (or less than nothing) on hand, the receipt's cost.
 * Computed in BigInt: quantities × millimes pass 2^53.
 */
export function weightedAverageCost(onHandMilli: number, averageMillimes: number, quantityMilli: number, unitCostMillimes: number): number {
  if (onHandMilli <= 0) return unitCostMillimes;
  const total = BigInt(onHandMilli) * BigInt(averageMillimes) + BigInt(quantityMilli) * BigInt(unitCostMillimes);
  const weight = BigInt(onHandMilli + quantityMilli);
  return Number((2n * total + weight) / (2n * weight));
}

export interface ReceiptInput {
  receiptId: string;
  lines: Array<{ position: number; quantityMilli: number }>;
  allowOverReceipt?: boolean | undefined;
}

const sameLines = (a: ReceiptInput['lines'], b: ReceiptInput['lines']) =>
  JSON.stringify([...a].sort((x, y) => x.position - y.position).map((l) => [l.position, l.quantityMilli])) ===
  JSON.stringify([...b].sort((x, y) => x.position - y.position).map((l) => [l.position, l.quantityMilli]));

/**
 * Purchase-order life cycle: draft → ordered → (partially_received →) received; draft or ordered →
 * cancelled. A partially received order is not cancelled (its stock is in): its remainder is received.
 */
const TRANSITIONS: Readonly<Record<PurchaseOrderStatus, readonly PurchaseOrderStatus[]>> = {
  draft: ['ordered', 'cancelled'],
  ordered: ['partially_received', 'received', 'cancelled'],
  partially_received: ['partially_received', 'received'],
  received: [],
  cancelled: [],
};

export function canMovePurchaseOrder(from: PurchaseOrderStatus, to: PurchaseOrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Suppliers and purchase orders; receiving an order writes one receipt movement per line, in the transaction of the status change. */
export class PurchaseOrderService {
  constructor(
    private readonly garage: GarageContext,
    private readonly parts: PartService,
  ) {}

  async createSupplier(caller: Caller, input: { name: string; email?: string | undefined; phone?: string | undefined; note?: string | undefined }): Promise<Supplier> {
    return this.garage.unitOfWork.run(async (db) => {
      const supplier: Supplier = { id: randomUUID(), name: input.name, email: input.email ?? null, phone: input.phone ?? null, note: input.note ?? null, createdAt: new Date() };
      await insertSupplier(db, supplier);
      return { result: supplier, events: [newEvent(caller, 'garage.supplier.created', { type: 'supplier', id: supplier.id }, { supplierId: supplier.id })] };
    });
  }

  suppliers(query: { after?: string; limit: number }): Promise<Supplier[]> {
    return listSuppliers(this.garage.dataSource.manager, query);
  }

  async create(caller: Caller, input: { supplierId: string; location: string; lines: Array<{ partId: string; quantityMilli: number; unitCostMillimes?: number | undefined }> }): Promise<PurchaseOrder> {
    return this.garage.unitOfWork.run(async (db) => {
      if (!(await findSupplier(db, input.supplierId))) throw notFound('Supplier not found');
      for (const line of input.lines) if (!(await findPart(db, line.partId))) throw notFound(`Part ${line.partId} not found`);
      const now = new Date();
      const draft: Omit<PurchaseOrder, 'number'> = {
        id: randomUUID(),
        supplierId: input.supplierId,
        location: input.location,
        status: 'draft',
        createdBy: caller.userId,
        orderedAt: null,
        receivedAt: null,
        lines: input.lines.map((line) => ({ partId: line.partId, quantityMilli: line.quantityMilli, unitCostMillimes: line.unitCostMillimes ?? null, receivedMilli: 0 })),
        createdAt: now,
        updatedAt: now,
      };
      await insertPurchaseOrder(db, draft);
      const order: PurchaseOrder = { ...draft, number: await assignedNumber(db, 'purchase_orders', draft.id) };
      const event = newEvent(caller, 'garage.purchaseorder.created', { type: 'purchase-order', id: order.id }, { purchaseOrderId: order.id, purchaseOrderNumber: order.number, supplierId: order.supplierId, lineCount: order.lines.length });
      return { result: order, events: [event] };
    });
  }

  async get(id: string): Promise<PurchaseOrder> {
    const order = await findPurchaseOrder(this.garage.dataSource.manager, id);
    if (!order) throw notFound('Purchase order not found');
    return order;
  }

  list(query: { status?: PurchaseOrderStatus; after?: string; limit: number }): Promise<PurchaseOrder[]> {
    return listPurchaseOrders(this.garage.dataSource.manager, query);
  }

  /**
   * Moves an order along. `received` writes the receipts: under the order's row lock, so a receipt
   * sent twice (or twice at once) finds the order already received (409) and stock changes once.
   */
  async move(caller: Caller, id: string, to: PurchaseOrderStatus): Promise<PurchaseOrder> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await findPurchaseOrder(db, id, true);
      if (!before) throw notFound('Purchase order not found');
      if (!canMovePurchaseOrder(before.status, to)) throw conflict(`A purchase order cannot go from ${before.status} to ${to}`);
      const now = new Date();
      const after: PurchaseOrder = {
        ...before,
        status: to,
        updatedAt: now,
        ...(to === 'ordered' ? { orderedAt: now } : {}),
        ...(to === 'received' ? { receivedAt: now } : {}),
      };
      const events = [];
      if (to === 'received') {
        // Whatever is still missing on each line, as one receipt (the receipts route records partial ones).
        const lines = before.lines.flatMap((line, position) => (line.receivedMilli < line.quantityMilli ? [{ position, quantityMilli: line.quantityMilli - line.receivedMilli }] : []));
        if (lines.length > 0) events.push(...(await this.writeReceipt(db, caller, before, { receiptId: randomUUID(), lines }, 'received')));
      }
      await updatePurchaseOrderStatus(db, after);
      events.push(
        newEvent(caller, 'garage.purchaseorder.status_changed', { type: 'purchase-order', id }, { purchaseOrderId: id, purchaseOrderNumber: before.number, supplierId: before.supplierId, from: before.status, status: to }, { status: [before.status, to] }),
      );
      return { result: (await findPurchaseOrder(db, id)) ?? after, events };
    });
  }

  /**
   * One delivery, partial or complete, under the order's row lock. The receipt id is the idempotency
   * key: sent again (even at the same moment) it finds its row and returns the order unchanged; the
   * same id with other lines, or on another order, is a 409. Each line may not go past its ordered
   * quantity unless `allowOverReceipt`.
   */
  async receive(caller: Caller, id: string, input: ReceiptInput): Promise<PurchaseOrder> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await findPurchaseOrder(db, id, true);
      if (!before) throw notFound('Purchase order not found');
      const known = await findReceipt(db, input.receiptId);
      if (known) {
        if (known.purchaseOrderId !== id || !sameLines(known.lines, input.lines)) throw conflict('This receipt id was already used for another delivery');
        return { result: before, events: [] };
      }
      if (before.status !== 'ordered' && before.status !== 'partially_received') throw conflict(`A purchase order cannot be received while ${before.status}`);
      for (const line of input.lines) {
        const ordered = before.lines[line.position];
        if (!ordered) throw badRequest(`The order has no line ${line.position}`, [{ path: 'lines', code: 'unknown_line', message: `no line at position ${line.position}` }]);
        if (!input.allowOverReceipt && ordered.receivedMilli + line.quantityMilli > ordered.quantityMilli) {
          throw conflict(`Line ${line.position}: ${ordered.quantityMilli / 1000} ordered, ${ordered.receivedMilli / 1000} received, ${line.quantityMilli / 1000} more is too many (allowOverReceipt to accept it)`);
        }
      }
      const complete = before.lines.every((line, position) => line.receivedMilli + (input.lines.find((l) => l.position === position)?.quantityMilli ?? 0) >= line.quantityMilli);
      const to: PurchaseOrderStatus = complete ? 'received' : 'partially_received';
      const events = await this.writeReceipt(db, caller, before, input, to);
      const now = new Date();
      const after: PurchaseOrder = { ...before, status: to, updatedAt: now, ...(complete ? { receivedAt: now } : {}) };
      await updatePurchaseOrderStatus(db, after);
      if (to !== before.status) {
        events.push(
          newEvent(caller, 'garage.purchaseorder.status_changed', { type: 'purchase-order', id }, { purchaseOrderId: id, purchaseOrderNumber: before.number, supplierId: before.supplierId, from: before.status, status: to }, { status: [before.status, to] }),
        );
      }
      return { result: (await findPurchaseOrder(db, id)) ?? after, events };
    });
  }

  /** The receipt row, one receipt movement per line and the parts' new average costs (part rows locked in position order). */
  private async writeReceipt(db: EntityManager, caller: Caller, order: PurchaseOrder, input: ReceiptInput, status: PurchaseOrderStatus) {
    await insertReceipt(db, { id: input.receiptId, purchaseOrderId: order.id, lines: input.lines, overReceiptAllowed: input.allowOverReceipt === true, receivedBy: caller.userId, createdAt: new Date() });
    const events = [];
    for (const line of [...input.lines].sort((a, b) => a.position - b.position)) {
      const ordered = order.lines[line.position]!;
      const part = await findPart(db, ordered.partId, true);
      if (!part) throw notFound(`Part ${ordered.partId} not found`);
      const onHand = (await stockLevelsOf(db, part.id)).reduce((sum, level) => sum + level.onHandMilli, 0);
      // A line without a unit cost is valued at the catalogue's purchase price.
      const unitCost = ordered.unitCostMillimes ?? part.purchasePriceMillimes;
      const average = weightedAverageCost(onHand, part.averageCostMillimes, line.quantityMilli, unitCost);
      const { movement, events: moved } = await this.parts.writeMovement(db, caller, {
        partId: part.id,
        location: order.location,
        kind: 'receipt',
        quantityMilli: line.quantityMilli,
        reason: `PO ${order.number}`,
        allowNegative: false,
        workOrderId: null,
        lineId: null,
      });
      await markReceiptMovement(db, { id: movement.id, purchaseOrderId: order.id, position: line.position, receiptId: input.receiptId, unitCostMillimes: unitCost, averageCostAfterMillimes: average });
      await setAverageCost(db, part.id, average);
      events.push(...moved);
    }
    events.push(
      newEvent(caller, 'garage.purchaseorder.received', { type: 'purchase-order', id: order.id }, {
        purchaseOrderId: order.id,
        purchaseOrderNumber: order.number,
        supplierId: order.supplierId,
        receiptId: input.receiptId,
        status,
        ...(input.allowOverReceipt ? { overReceiptAllowed: true } : {}),
        lines: input.lines.map((line) => ({ position: line.position, partId: order.lines[line.position]!.partId, quantityMilli: line.quantityMilli })),
      }),
    );
    return events;
  }
}
