import type { EntityManager } from '@ecar/db';

/** A completed work order of a vehicle, as the maintenance book records it. */
export interface CompletedOrder {
  id: string;
  completedAt: Date;
  mileageInKm: number | null;
}

/** A line that was done (approved), with the catalogue reference of its part. */
export interface DoneLine {
  workOrderId: string;
  kind: 'labour' | 'part';
  description: string;
  quantityMilli: number;
  partReference: string | null;
}

export interface IssuedBook {
  id: string;
  vehicleId: string;
  keyId: string;
  issuedAt: Date;
  /** The signed document, as handed out (canonical JSON). */
  document: string;
}

/** Completed (and delivered) work orders of a vehicle, oldest first, whoever owned the car then. */
export async function completedOrdersOfVehicle(db: EntityManager, vehicleId: string, limit: number): Promise<CompletedOrder[]> {
  return db.query(
    `SELECT id, completed_at AS "completedAt", mileage_in_km AS "mileageInKm" FROM work_orders
      WHERE vehicle_id = $1 AND status IN ('completed', 'delivered') AND completed_at IS NOT NULL
      ORDER BY completed_at, id LIMIT $2`,
    [vehicleId, limit],
  );
}

/** The completed orders among `ids` (the entries a book names), wherever they are now. */
export async function completedOrdersByIds(db: EntityManager, vehicleId: string, ids: readonly string[]): Promise<CompletedOrder[]> {
  if (ids.length === 0) return [];
  return db.query(
    `SELECT id, completed_at AS "completedAt", mileage_in_km AS "mileageInKm" FROM work_orders
      WHERE vehicle_id = $1 AND id = ANY($2::uuid[]) AND status IN ('completed', 'delivered') AND completed_at IS NOT NULL`,
    [vehicleId, ids],
  );
}

/** Completed orders of the vehicle after `since` (done after the book was issued). */
export async function completedOrdersSince(db: EntityManager, vehicleId: string, since: Date): Promise<number> {
  const rows: Array<{ count: number }> = await db.query(
    `SELECT count(*)::int AS count FROM work_orders WHERE vehicle_id = $1 AND status IN ('completed', 'delivered') AND completed_at > $2`,
    [vehicleId, since],
  );
  return rows[0]?.count ?? 0;
}

export async function doneLinesOf(db: EntityManager, workOrderIds: readonly string[]): Promise<DoneLine[]> {
  if (workOrderIds.length === 0) return [];
  return db.query(
    `SELECT l.work_order_id AS "workOrderId", l.kind, l.description, l.quantity_milli AS "quantityMilli", p.reference AS "partReference"
       FROM work_order_lines l LEFT JOIN parts p ON p.id = l.part_id
      WHERE l.work_order_id = ANY($1::uuid[]) AND l.approval = 'approved'
      ORDER BY l.work_order_id, l.created_at, l.id`,
    [workOrderIds],
  );
}

export async function saveIssuedBook(db: EntityManager, book: IssuedBook): Promise<void> {
  await db.query(`INSERT INTO maintenance_books (id, vehicle_id, key_id, issued_at, document) VALUES ($1, $2, $3, $4, $5)`, [
    book.id,
    book.vehicleId,
    book.keyId,
    book.issuedAt,
    book.document,
  ]);
}

export async function findIssuedBook(db: EntityManager, id: string): Promise<IssuedBook | undefined> {
  const rows: IssuedBook[] = await db.query(
    `SELECT id, vehicle_id AS "vehicleId", key_id AS "keyId", issued_at AS "issuedAt", document FROM maintenance_books WHERE id = $1`,
    [id],
  );
  return rows[0];
}
