import { randomUUID } from 'node:crypto';
import { newEvent, type Caller } from '@ecar/contracts';
import type { PurchaseOrderStatus } from '@ecar/contracts/requests/garage';
import { conflict, notFound } from '@ecar/errors';
import { findPart } from '../data/parts.ts';
import { assignedNumber } from '../data/references.ts';
import {
  findPurchaseOrder,
  findSupplier,
  insertPurchaseOrder,
  insertSupplier,
  listPurchaseOrders,
  listSuppliers,
  markReceived,
  updatePurchaseOrderStatus,
  type PurchaseOrder,
  type Supplier,
} from '../data/purchase-orders.ts';
import type { GarageContext } from './garage.ts';
import type { PartService } from './parts.ts';

/** Purchase-order life cycle: draft → ordered → received; draft or ordered → cancelled. */
const TRANSITIONS: Readonly<Record<PurchaseOrderStatus, readonly PurchaseOrderStatus[]>> = {
  draft: ['ordered', 'cancelled'],
  ordered: ['received', 'cancelled'],
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
        lines: input.lines.map((line) => ({ partId: line.partId, quantityMilli: line.quantityMilli, unitCostMillimes: line.unitCostMillimes ?? null })),
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
        for (const [position, line] of before.lines.entries()) {
          const movement = await this.parts.writeMovement(db, caller, {
            partId: line.partId,
            location: before.location,
            kind: 'receipt',
            quantityMilli: line.quantityMilli,
            reason: `PO ${before.number}`,
            allowNegative: false,
            workOrderId: null,
            lineId: null,
          });
          await markReceived(db, movement.id, before.id, position);
          events.push(this.parts.movedEvent(caller, movement));
        }
      }
      await updatePurchaseOrderStatus(db, after);
      events.push(
        newEvent(caller, 'garage.purchaseorder.status_changed', { type: 'purchase-order', id }, { purchaseOrderId: id, purchaseOrderNumber: before.number, supplierId: before.supplierId, from: before.status, status: to }, { status: [before.status, to] }),
      );
      return { result: after, events };
    });
  }
}
