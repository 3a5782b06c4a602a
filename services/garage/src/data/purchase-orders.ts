import { queryRows, type Db, type EntityManager } from '@ecar/db';
import type { PurchaseOrderStatus } from '@ecar/contracts/requests/garage';
import { Params } from './scope.ts';

export interface Supplier {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  note: string | null;
  createdAt: Date;
}

export interface PurchaseOrderLine {
  partId: string;
  quantityMilli: number;
  unitCostMillimes: number | null;
  /** Received so far over every receipt of the order. */
  receivedMilli: number;
}

export interface PurchaseOrder {
  id: string;
  /** `BC-2026-000007`, given by the database on insert (issue #14). */
  number: string;
  supplierId: string;
  location: string;
  status: PurchaseOrderStatus;
  createdBy: string;
  orderedAt: Date | null;
  receivedAt: Date | null;
  lines: PurchaseOrderLine[];
  createdAt: Date;
  updatedAt: Date;
}

export async function insertSupplier(db: EntityManager, supplier: Supplier): Promise<void> {
  await queryRows(db, `INSERT INTO suppliers (id, name, email, phone, note, created_at) VALUES ($1,$2,$3,$4,$5,$6)`, [
    supplier.id,
    supplier.name,
    supplier.email,
    supplier.phone,
    supplier.note,
    supplier.createdAt,
  ]);
}

const SUPPLIER_COLUMNS = `id, name, email, phone, note, created_at AS "createdAt"`;

export async function findSupplier(db: Db, id: string): Promise<Supplier | undefined> {
  return (await queryRows<Supplier>(db, `SELECT ${SUPPLIER_COLUMNS} FROM suppliers WHERE id = $1`, [id]))[0];
}

export async function listSuppliers(db: Db, query: { after?: string; limit: number }): Promise<Supplier[]> {
  const params = new Params();
  const where = query.after ? `WHERE id > ${params.add(query.after)}` : '';
  return queryRows<Supplier>(db, `SELECT ${SUPPLIER_COLUMNS} FROM suppliers ${where} ORDER BY id LIMIT ${params.add(query.limit)}`, params.values);
}

const ORDER_COLUMNS = `o.id, o.number, o.supplier_id AS "supplierId", o.location, o.status, o.created_by AS "createdBy", o.ordered_at AS "orderedAt", o.received_at AS "receivedAt",
  COALESCE((SELECT json_agg(json_build_object('partId', l.part_id, 'quantityMilli', l.quantity_milli, 'unitCostMillimes', l.unit_cost_millimes,
                                'receivedMilli', (SELECT COALESCE(sum(m.quantity_milli), 0) FROM stock_movements m WHERE m.purchase_order_id = o.id AND m.purchase_order_position = l.position)) ORDER BY l.position)
              FROM purchase_order_lines l WHERE l.purchase_order_id = o.id), '[]'::json) AS lines,
  o.created_at AS "createdAt", o.updated_at AS "updatedAt"`;

export async function insertPurchaseOrder(db: EntityManager, order: Omit<PurchaseOrder, 'number' | 'lines'> & { lines: Array<Omit<PurchaseOrderLine, 'receivedMilli'>> }): Promise<void> {
  await queryRows(
    db,
    `INSERT INTO purchase_orders (id, supplier_id, location, status, created_by, ordered_at, received_at, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
    [order.id, order.supplierId, order.location, order.status, order.createdBy, order.orderedAt, order.receivedAt, order.createdAt, order.updatedAt],
  );
  await queryRows(
    db,
    `INSERT INTO purchase_order_lines (purchase_order_id, position, part_id, quantity_milli, unit_cost_millimes)
     SELECT $1, l.position, l.part_id, l.quantity_milli, l.unit_cost FROM unnest($2::int[], $3::uuid[], $4::int[], $5::bigint[]) AS l(position, part_id, quantity_milli, unit_cost)`,
    [order.id, order.lines.map((_, index) => index), order.lines.map((line) => line.partId), order.lines.map((line) => line.quantityMilli), order.lines.map((line) => line.unitCostMillimes)],
  );
}

export async function updatePurchaseOrderStatus(db: EntityManager, order: PurchaseOrder): Promise<void> {
  await queryRows(db, `UPDATE purchase_orders SET status = $2, ordered_at = $3, received_at = $4, updated_at = $5 WHERE id = $1`, [
    order.id,
    order.status,
    order.orderedAt,
    order.receivedAt,
    order.updatedAt,
  ]);
}

export async function findPurchaseOrder(db: Db, id: string, forUpdate = false): Promise<PurchaseOrder | undefined> {
  // FOR UPDATE cannot lock a row whose columns come from an aggregate: lock first, then read.
  if (forUpdate) await queryRows(db, `SELECT id FROM purchase_orders WHERE id = $1 FOR UPDATE`, [id]);
  return (await queryRows<PurchaseOrder>(db, `SELECT ${ORDER_COLUMNS} FROM purchase_orders o WHERE o.id = $1`, [id]))[0];
}

export async function listPurchaseOrders(db: Db, query: { status?: PurchaseOrderStatus; after?: string; limit: number }): Promise<PurchaseOrder[]> {
  const params = new Params();
  const where = ['TRUE'];
  if (query.status) where.push(`o.status = ${params.add(query.status)}`);
  if (query.after) where.push(`o.id > ${params.add(query.after)}`);
  return queryRows<PurchaseOrder>(db, `SELECT ${ORDER_COLUMNS} FROM purchase_orders o WHERE ${where.join(' AND ')} ORDER BY o.id LIMIT ${params.add(query.limit)}`, params.values);
}

/** Ties a receipt movement to its purchase-order line (unique: a line is received once). */
export async function markReceived(db: EntityManager, movementId: string, purchaseOrderId: string, position: number): Promise<void> {
  await queryRows(db, `UPDATE stock_movements SET purchase_order_id = $2, purchase_order_position = $3 WHERE id = $1`, [movementId, purchaseOrderId, position]);
}

export interface PurchaseOrderReceipt {
  id: string;
  purchaseOrderId: string;
  lines: Array<{ position: number; quantityMilli: number }>;
  overReceiptAllowed: boolean;
  receivedBy: string;
  createdAt: Date;
}

export async function findReceipt(db: Db, id: string): Promise<PurchaseOrderReceipt | undefined> {
  const rows = await queryRows<PurchaseOrderReceipt>(
    db,
    `SELECT id, purchase_order_id AS "purchaseOrderId", lines, over_receipt_allowed AS "overReceiptAllowed", received_by AS "receivedBy", created_at AS "createdAt"
       FROM purchase_order_receipts WHERE id = $1`,
    [id],
  );
  return rows[0];
}

export async function insertReceipt(db: EntityManager, receipt: PurchaseOrderReceipt): Promise<void> {
  await queryRows(db, `INSERT INTO purchase_order_receipts (id, purchase_order_id, lines, over_receipt_allowed, received_by, created_at) VALUES ($1,$2,$3,$4,$5,$6)`, [
    receipt.id,
    receipt.purchaseOrderId,
    JSON.stringify(receipt.lines),
    receipt.overReceiptAllowed,
    receipt.receivedBy,
    receipt.createdAt,
  ]);
}

/** Ties a receipt movement to its receipt and order line, with the unit cost and the part's average cost after it. */
export async function markReceiptMovement(
  db: EntityManager,
  movement: { id: string; purchaseOrderId: string; position: number; receiptId: string; unitCostMillimes: number; averageCostAfterMillimes: number },
): Promise<void> {
  await queryRows(
    db,
    `UPDATE stock_movements SET purchase_order_id = $2, purchase_order_position = $3, purchase_order_receipt_id = $4, unit_cost_millimes = $5, average_cost_after_millimes = $6 WHERE id = $1`,
    [movement.id, movement.purchaseOrderId, movement.position, movement.receiptId, movement.unitCostMillimes, movement.averageCostAfterMillimes],
  );
}
