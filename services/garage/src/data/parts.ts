import { queryRows, type Db, type EntityManager } from '@ecar/db';
import type { StockMovementKind } from '@ecar/contracts/requests/garage';
import { Params } from './scope.ts';

export interface Part {
  id: string;
  reference: string;
  brand: string;
  description: string;
  purchasePriceMillimes: number;
  /** Weighted average purchase cost, moved by each purchase-order receipt (back office only). */
  averageCostMillimes: number;
  sellingPriceMillimes: number;
  vatRateBp: number;
  barcode: string | null;
  reorderPointMilli: number;
  /** Quantity on hand over every location (the sum of the ledger). */
  onHandMilli: number;
  /** Held for approved part lines of work orders (all locations). */
  reservedMilli: number;
  /** On hand − reserved: what a new job or a counter sale may take. */
  availableMilli: number;
  /** What approved lines still need beyond what could be reserved: to order. */
  shortMilli: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface StockLevel {
  location: string;
  onHandMilli: number;
  reservedMilli: number;
  availableMilli: number;
}

export type ReservationStatus = 'reserved' | 'released' | 'consumed';

/** Stock held for one approved part line; `reservedMilli` < `quantityMilli` while the shelf is short. */
export interface StockReservation {
  id: string;
  workOrderId: string;
  lineId: string;
  partId: string;
  location: string;
  quantityMilli: number;
  reservedMilli: number;
  status: ReservationStatus;
  reservedBy: string;
  closeReason: string | null;
  createdAt: Date;
  closedAt: Date | null;
}

export interface StockMovement {
  id: string;
  partId: string;
  location: string;
  kind: StockMovementKind;
  quantityMilli: number;
  onHandAfterMilli: number;
  reason: string | null;
  negativeAllowed: boolean;
  workOrderId: string | null;
  lineId: string | null;
  movedBy: string;
  createdAt: Date;
  /** A purchase-order receipt's unit cost and the part's average cost after it (null for other movements). */
  unitCostMillimes?: number | null;
  averageCostAfterMillimes?: number | null;
  /** The work order's `OR-…` number (the ledger's list). */
  workOrderNumber?: string | null;
}

const COLUMNS = `p.id, p.reference, p.brand, p.description, p.purchase_price_millimes::float8 AS "purchasePriceMillimes", p.average_cost_millimes::float8 AS "averageCostMillimes",
  p.selling_price_millimes::float8 AS "sellingPriceMillimes", p.vat_rate_bp AS "vatRateBp", p.barcode, p.reorder_point_milli AS "reorderPointMilli",
  COALESCE((SELECT sum(l.on_hand_milli) FROM stock_levels l WHERE l.part_id = p.id), 0)::float8 AS "onHandMilli",
  COALESCE((SELECT sum(l.reserved_milli) FROM stock_levels l WHERE l.part_id = p.id), 0)::float8 AS "reservedMilli",
  COALESCE((SELECT sum(l.on_hand_milli - l.reserved_milli) FROM stock_levels l WHERE l.part_id = p.id), 0)::float8 AS "availableMilli",
  COALESCE((SELECT sum(r.quantity_milli - r.reserved_milli) FROM stock_reservations r WHERE r.part_id = p.id AND r.status = 'reserved'), 0)::float8 AS "shortMilli",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

export async function insertPart(db: EntityManager, part: Part): Promise<void> {
  await queryRows(
    db,
    `INSERT INTO parts (id, reference, brand, description, purchase_price_millimes, selling_price_millimes, vat_rate_bp, barcode, reorder_point_milli, created_at, updated_at, average_cost_millimes)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
    [part.id, part.reference, part.brand, part.description, part.purchasePriceMillimes, part.sellingPriceMillimes, part.vatRateBp, part.barcode, part.reorderPointMilli, part.createdAt, part.updatedAt, part.averageCostMillimes],
  );
}

export async function updatePart(db: EntityManager, part: Part): Promise<void> {
  await queryRows(
    db,
    `UPDATE parts SET reference = $2, brand = $3, description = $4, purchase_price_millimes = $5, selling_price_millimes = $6, vat_rate_bp = $7,
       barcode = $8, reorder_point_milli = $9, updated_at = $10 WHERE id = $1`,
    [part.id, part.reference, part.brand, part.description, part.purchasePriceMillimes, part.sellingPriceMillimes, part.vatRateBp, part.barcode, part.reorderPointMilli, part.updatedAt],
  );
}

export async function findPart(db: Db, id: string, forUpdate = false): Promise<Part | undefined> {
  const rows = await queryRows<Part>(db, `SELECT ${COLUMNS} FROM parts p WHERE p.id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

/** Escapes LIKE's wildcards so a search for `50%` means the text. */
const likeText = (text: string) => text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`);

/** Keyset page by id; `q` matches a reference or barcode prefix, or a word start in brand or description. */
export async function listParts(db: Db, query: { q?: string; after?: string; limit: number }): Promise<Part[]> {
  const params = new Params();
  const where = ['TRUE'];
  if (query.q) {
    const prefix = params.add(`${likeText(query.q)}%`);
    const word = params.add(`%${likeText(query.q)}%`);
    where.push(`(lower(p.reference) LIKE ${prefix} OR p.barcode LIKE ${prefix} OR lower(p.brand) LIKE ${word} OR lower(p.description) LIKE ${word})`);
  }
  if (query.after) where.push(`p.id > ${params.add(query.after)}`);
  return queryRows<Part>(db, `SELECT ${COLUMNS} FROM parts p WHERE ${where.join(' AND ')} ORDER BY p.id LIMIT ${params.add(query.limit)}`, params.values);
}

/**
 * Parts whose available quantity (on hand − reserved, all locations) is below their reorder point, or
 * that approved lines are still waiting for (a short reservation): what to order.
 */
export async function listLowStock(db: Db, query: { after?: string; limit: number }): Promise<Part[]> {
  const params = new Params();
  const where = [
    `(COALESCE((SELECT sum(l.on_hand_milli - l.reserved_milli) FROM stock_levels l WHERE l.part_id = p.id), 0) < p.reorder_point_milli
      OR EXISTS (SELECT 1 FROM stock_reservations r WHERE r.part_id = p.id AND r.status = 'reserved' AND r.reserved_milli < r.quantity_milli))`,
  ];
  if (query.after) where.push(`p.id > ${params.add(query.after)}`);
  return queryRows<Part>(db, `SELECT ${COLUMNS} FROM parts p WHERE ${where.join(' AND ')} ORDER BY p.id LIMIT ${params.add(query.limit)}`, params.values);
}

export async function stockLevelsOf(db: Db, partId: string): Promise<StockLevel[]> {
  return queryRows<StockLevel>(
    db,
    `SELECT location, on_hand_milli::float8 AS "onHandMilli", reserved_milli::float8 AS "reservedMilli", (on_hand_milli - reserved_milli)::float8 AS "availableMilli"
       FROM stock_levels WHERE part_id = $1 ORDER BY location`,
    [partId],
  );
}

/**
 * The quantity on hand of a part at a location, its row locked until the transaction ends: a
 * second movement of the same part and place waits here, then sees the first one's result.
 */
export async function lockStockLevel(db: EntityManager, partId: string, location: string): Promise<{ onHandMilli: number; reservedMilli: number }> {
  await queryRows(db, `INSERT INTO stock_levels (part_id, location) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [partId, location]);
  const rows = await queryRows<{ onHandMilli: number; reservedMilli: number }>(
    db,
    `SELECT on_hand_milli::float8 AS "onHandMilli", reserved_milli::float8 AS "reservedMilli" FROM stock_levels WHERE part_id = $1 AND location = $2 FOR UPDATE`,
    [partId, location],
  );
  return rows[0]!;
}

/**
 * Appends a movement to the ledger and moves the level by the same quantity (its row is locked by
 * `lockStockLevel`); `releasedMilli` leaves the level's reserved quantity with it (a reservation consumed).
 */
export async function recordMovement(db: EntityManager, movement: StockMovement, releasedMilli = 0): Promise<void> {
  await queryRows(
    db,
    `INSERT INTO stock_movements (id, part_id, location, kind, quantity_milli, on_hand_after_milli, reason, negative_allowed, work_order_id, line_id, moved_by, created_at,
       unit_cost_millimes, average_cost_after_millimes)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
    [
      movement.id,
      movement.partId,
      movement.location,
      movement.kind,
      movement.quantityMilli,
      movement.onHandAfterMilli,
      movement.reason,
      movement.negativeAllowed,
      movement.workOrderId,
      movement.lineId,
      movement.movedBy,
      movement.createdAt,
      movement.unitCostMillimes ?? null,
      movement.averageCostAfterMillimes ?? null,
    ],
  );
  await queryRows(db, `UPDATE stock_levels SET on_hand_milli = on_hand_milli + $3, reserved_milli = reserved_milli - $4 WHERE part_id = $1 AND location = $2`, [
    movement.partId,
    movement.location,
    movement.quantityMilli,
    releasedMilli,
  ]);
}

const MOVEMENT_COLUMNS = `m.id, m.part_id AS "partId", m.location, m.kind, m.quantity_milli::float8 AS "quantityMilli", m.on_hand_after_milli::float8 AS "onHandAfterMilli",
  m.reason, m.negative_allowed AS "negativeAllowed", m.work_order_id AS "workOrderId", m.line_id AS "lineId", m.moved_by AS "movedBy", m.created_at AS "createdAt",
  m.unit_cost_millimes::float8 AS "unitCostMillimes", m.average_cost_after_millimes::float8 AS "averageCostAfterMillimes"`;

/** The ledger of a part, newest first; `after` is the id of the last movement of the previous page. */
export async function movementsOf(db: Db, partId: string, query: { after?: string; limit: number }): Promise<StockMovement[]> {
  const params = new Params();
  const where = [`m.part_id = ${params.add(partId)}`];
  if (query.after) where.push(`m.seq < (SELECT seq FROM stock_movements WHERE id = ${params.add(query.after)})`);
  return queryRows<StockMovement>(
    db,
    `SELECT ${MOVEMENT_COLUMNS}, w.number AS "workOrderNumber" FROM stock_movements m LEFT JOIN work_orders w ON w.id = m.work_order_id
      WHERE ${where.join(' AND ')} ORDER BY m.seq DESC LIMIT ${params.add(query.limit)}`,
    params.values,
  );
}

export async function consumptionOfLine(db: Db, lineId: string): Promise<StockMovement | undefined> {
  const rows = await queryRows<StockMovement>(db, `SELECT ${MOVEMENT_COLUMNS} FROM stock_movements m WHERE m.line_id = $1 AND m.kind = 'consumption'`, [lineId]);
  return rows[0];
}

/** A work-order line's catalogue part (lines are written by the work-order store; this cites the part). */
export async function linkLineToPart(db: EntityManager, lineId: string, partId: string, location: string): Promise<void> {
  await queryRows(db, `UPDATE work_order_lines SET part_id = $2, part_location = $3 WHERE id = $1`, [lineId, partId, location]);
}

/** A work-order line as the stock sees it: its part, quantity, location and approval. */
export interface PartLine {
  id: string;
  kind: string;
  partId: string | null;
  location: string | null;
  quantityMilli: number;
  approval: string;
}

const PART_LINE_COLUMNS = `id, kind, part_id AS "partId", part_location AS "location", quantity_milli::float8 AS "quantityMilli", approval`;

export async function lineOfWorkOrder(db: Db, workOrderId: string, lineId: string): Promise<PartLine | undefined> {
  const rows = await queryRows<PartLine>(db, `SELECT ${PART_LINE_COLUMNS} FROM work_order_lines WHERE id = $1 AND work_order_id = $2`, [lineId, workOrderId]);
  return rows[0];
}

/** The lines of a work order citing a catalogue part, in a stable order (part, location, line) so that level locks are always taken in one order. */
export async function partLinesOfOrder(db: Db, workOrderId: string, lineIds?: readonly string[]): Promise<PartLine[]> {
  const params = new Params();
  const where = [`work_order_id = ${params.add(workOrderId)}`, 'part_id IS NOT NULL'];
  if (lineIds) where.push(`id = ANY(${params.add(lineIds)}::uuid[])`);
  return queryRows<PartLine>(db, `SELECT ${PART_LINE_COLUMNS} FROM work_order_lines WHERE ${where.join(' AND ')} ORDER BY part_id, part_location, id`, params.values);
}

const RESERVATION_COLUMNS = `r.id, r.work_order_id AS "workOrderId", r.line_id AS "lineId", r.part_id AS "partId", r.location, r.quantity_milli::float8 AS "quantityMilli",
  r.reserved_milli::float8 AS "reservedMilli", r.status, r.reserved_by AS "reservedBy", r.close_reason AS "closeReason", r.created_at AS "createdAt", r.closed_at AS "closedAt"`;

/** Writes a reservation and adds what it holds to the level (whose row `lockStockLevel` locked). */
export async function insertReservation(db: EntityManager, reservation: StockReservation): Promise<void> {
  await queryRows(
    db,
    `INSERT INTO stock_reservations (id, work_order_id, line_id, part_id, location, quantity_milli, reserved_milli, status, reserved_by, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,'reserved',$8,$9)`,
    [reservation.id, reservation.workOrderId, reservation.lineId, reservation.partId, reservation.location, reservation.quantityMilli, reservation.reservedMilli, reservation.reservedBy, reservation.createdAt],
  );
  await queryRows(db, `UPDATE stock_levels SET reserved_milli = reserved_milli + $3 WHERE part_id = $1 AND location = $2`, [reservation.partId, reservation.location, reservation.reservedMilli]);
}

/** The live reservation of a line, locked. */
export async function liveReservationOfLine(db: EntityManager, lineId: string): Promise<StockReservation | undefined> {
  const rows = await queryRows<StockReservation>(db, `SELECT ${RESERVATION_COLUMNS} FROM stock_reservations r WHERE r.line_id = $1 AND r.status = 'reserved' FOR UPDATE`, [lineId]);
  return rows[0];
}

/** The live reservations of a work order, in lock order (part, location). */
export async function liveReservationsOf(db: EntityManager, workOrderId: string, lineIds?: readonly string[]): Promise<StockReservation[]> {
  const params = new Params();
  const where = [`r.work_order_id = ${params.add(workOrderId)}`, `r.status = 'reserved'`];
  if (lineIds) where.push(`r.line_id = ANY(${params.add(lineIds)}::uuid[])`);
  return queryRows<StockReservation>(db, `SELECT ${RESERVATION_COLUMNS} FROM stock_reservations r WHERE ${where.join(' AND ')} ORDER BY r.part_id, r.location, r.id FOR UPDATE`, params.values);
}

/** Closes a reservation (released or consumed); a release also gives its held quantity back to the level. */
export async function closeReservation(db: EntityManager, reservation: StockReservation, status: 'released' | 'consumed', reason: string): Promise<void> {
  await queryRows(db, `UPDATE stock_reservations SET status = $2, close_reason = $3, closed_at = now() WHERE id = $1`, [reservation.id, status, reason]);
  if (status === 'released') {
    await queryRows(db, `UPDATE stock_levels SET reserved_milli = reserved_milli - $3 WHERE part_id = $1 AND location = $2`, [reservation.partId, reservation.location, reservation.reservedMilli]);
  }
}

/** Short reservations of a part at a location, oldest first (the level's row is locked: receipts fill them in this order). */
export async function shortReservations(db: EntityManager, partId: string, location: string): Promise<StockReservation[]> {
  return queryRows<StockReservation>(
    db,
    `SELECT ${RESERVATION_COLUMNS} FROM stock_reservations r WHERE r.part_id = $1 AND r.location = $2 AND r.status = 'reserved' AND r.reserved_milli < r.quantity_milli ORDER BY r.seq FOR UPDATE`,
    [partId, location],
  );
}

/** Adds `milli` to what a reservation holds, and to its level. */
export async function topUpReservation(db: EntityManager, reservation: StockReservation, milli: number): Promise<void> {
  await queryRows(db, `UPDATE stock_reservations SET reserved_milli = reserved_milli + $2 WHERE id = $1`, [reservation.id, milli]);
  await queryRows(db, `UPDATE stock_levels SET reserved_milli = reserved_milli + $3 WHERE part_id = $1 AND location = $2`, [reservation.partId, reservation.location, milli]);
}

/** The reservations of a part, newest first, with their work order's number; `after` is the id of the last one of the previous page. */
export async function reservationsOfPart(db: Db, partId: string, query: { after?: string; limit: number }): Promise<Array<StockReservation & { workOrderNumber: string }>> {
  const params = new Params();
  const where = [`r.part_id = ${params.add(partId)}`];
  if (query.after) where.push(`r.seq < (SELECT seq FROM stock_reservations WHERE id = ${params.add(query.after)})`);
  return queryRows(
    db,
    `SELECT ${RESERVATION_COLUMNS}, w.number AS "workOrderNumber" FROM stock_reservations r JOIN work_orders w ON w.id = r.work_order_id
      WHERE ${where.join(' AND ')} ORDER BY r.seq DESC LIMIT ${params.add(query.limit)}`,
    params.values,
  );
}

/** Which lines of a work order cite a part, and whether each was consumed; with the part's reference, brand, description and the line's quantity (never a price: technicians read it). */
export async function partLinesOf(
  db: Db,
  workOrderId: string,
): Promise<
  Array<{ lineId: string; partId: string; consumed: boolean; reservedMilli: number; shortMilli: number; location: string | null; reference: string; brand: string; description: string; quantityMilli: number }>
> {
  return queryRows(
    db,
    `SELECT l.id AS "lineId", l.part_id AS "partId",
            EXISTS (SELECT 1 FROM stock_movements m WHERE m.line_id = l.id AND m.kind = 'consumption') AS consumed,
            COALESCE(r.reserved_milli, 0)::float8 AS "reservedMilli", COALESCE(r.quantity_milli - r.reserved_milli, 0)::float8 AS "shortMilli",
            l.part_location AS "location", p.reference, p.brand, p.description, l.quantity_milli::float8 AS "quantityMilli"
       FROM work_order_lines l JOIN parts p ON p.id = l.part_id
       LEFT JOIN stock_reservations r ON r.line_id = l.id AND r.status = 'reserved'
      WHERE l.work_order_id = $1 ORDER BY l.created_at, l.id`,
    [workOrderId],
  );
}

/** The part's average cost after a receipt (its row is locked by `findPart(…, true)`). */
export async function setAverageCost(db: EntityManager, partId: string, averageCostMillimes: number): Promise<void> {
  await queryRows(db, `UPDATE parts SET average_cost_millimes = $2 WHERE id = $1`, [partId, averageCostMillimes]);
}
