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
  createdAt: Date;
  updatedAt: Date;
}

export interface StockLevel {
  location: string;
  onHandMilli: number;
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
}

const COLUMNS = `p.id, p.reference, p.brand, p.description, p.purchase_price_millimes::float8 AS "purchasePriceMillimes", p.average_cost_millimes::float8 AS "averageCostMillimes",
  p.selling_price_millimes::float8 AS "sellingPriceMillimes", p.vat_rate_bp AS "vatRateBp", p.barcode, p.reorder_point_milli AS "reorderPointMilli",
  COALESCE((SELECT sum(l.on_hand_milli) FROM stock_levels l WHERE l.part_id = p.id), 0)::float8 AS "onHandMilli",
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

/** Parts whose quantity on hand (all locations) is below their reorder point. */
export async function listLowStock(db: Db, query: { after?: string; limit: number }): Promise<Part[]> {
  const params = new Params();
  const where = [`COALESCE((SELECT sum(l.on_hand_milli) FROM stock_levels l WHERE l.part_id = p.id), 0) < p.reorder_point_milli`];
  if (query.after) where.push(`p.id > ${params.add(query.after)}`);
  return queryRows<Part>(db, `SELECT ${COLUMNS} FROM parts p WHERE ${where.join(' AND ')} ORDER BY p.id LIMIT ${params.add(query.limit)}`, params.values);
}

export async function stockLevelsOf(db: Db, partId: string): Promise<StockLevel[]> {
  return queryRows<StockLevel>(db, `SELECT location, on_hand_milli::float8 AS "onHandMilli" FROM stock_levels WHERE part_id = $1 ORDER BY location`, [partId]);
}

/**
 * The quantity on hand of a part at a location, its row locked until the transaction ends: a
 * second movement of the same part and place waits here, then sees the first one's result.
 */
export async function lockStockLevel(db: EntityManager, partId: string, location: string): Promise<number> {
  await queryRows(db, `INSERT INTO stock_levels (part_id, location) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [partId, location]);
  const rows = await queryRows<{ onHandMilli: number }>(
    db,
    `SELECT on_hand_milli::float8 AS "onHandMilli" FROM stock_levels WHERE part_id = $1 AND location = $2 FOR UPDATE`,
    [partId, location],
  );
  return rows[0]!.onHandMilli;
}

/** Appends a movement to the ledger and moves the level by the same quantity (its row is locked by `lockStockLevel`). */
export async function recordMovement(db: EntityManager, movement: StockMovement): Promise<void> {
  await queryRows(
    db,
    `INSERT INTO stock_movements (id, part_id, location, kind, quantity_milli, on_hand_after_milli, reason, negative_allowed, work_order_id, line_id, moved_by, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
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
    ],
  );
  await queryRows(db, `UPDATE stock_levels SET on_hand_milli = on_hand_milli + $3 WHERE part_id = $1 AND location = $2`, [movement.partId, movement.location, movement.quantityMilli]);
}

const MOVEMENT_COLUMNS = `m.id, m.part_id AS "partId", m.location, m.kind, m.quantity_milli::float8 AS "quantityMilli", m.on_hand_after_milli::float8 AS "onHandAfterMilli",
  m.reason, m.negative_allowed AS "negativeAllowed", m.work_order_id AS "workOrderId", m.line_id AS "lineId", m.moved_by AS "movedBy", m.created_at AS "createdAt",
  m.unit_cost_millimes::float8 AS "unitCostMillimes", m.average_cost_after_millimes::float8 AS "averageCostAfterMillimes"`;

/** The ledger of a part, newest first; `after` is the id of the last movement of the previous page. */
export async function movementsOf(db: Db, partId: string, query: { after?: string; limit: number }): Promise<StockMovement[]> {
  const params = new Params();
  const where = [`m.part_id = ${params.add(partId)}`];
  if (query.after) where.push(`m.seq < (SELECT seq FROM stock_movements WHERE id = ${params.add(query.after)})`);
  return queryRows<StockMovement>(db, `SELECT ${MOVEMENT_COLUMNS} FROM stock_movements m WHERE ${where.join(' AND ')} ORDER BY m.seq DESC LIMIT ${params.add(query.limit)}`, params.values);
}

export async function consumptionOfLine(db: Db, lineId: string): Promise<StockMovement | undefined> {
  const rows = await queryRows<StockMovement>(db, `SELECT ${MOVEMENT_COLUMNS} FROM stock_movements m WHERE m.line_id = $1 AND m.kind = 'consumption'`, [lineId]);
  return rows[0];
}

/** A work-order line's catalogue part (lines are written by the work-order store; this cites the part). */
export async function linkLineToPart(db: EntityManager, lineId: string, partId: string): Promise<void> {
  await queryRows(db, `UPDATE work_order_lines SET part_id = $2 WHERE id = $1`, [lineId, partId]);
}

export async function lineOfWorkOrder(db: Db, workOrderId: string, lineId: string): Promise<{ id: string; kind: string; partId: string | null; quantityMilli: number } | undefined> {
  const rows = await queryRows<{ id: string; kind: string; partId: string | null; quantityMilli: number }>(
    db,
    `SELECT id, kind, part_id AS "partId", quantity_milli AS "quantityMilli" FROM work_order_lines WHERE id = $1 AND work_order_id = $2`,
    [lineId, workOrderId],
  );
  return rows[0];
}

/** Which lines of a work order cite a part, and whether each was consumed; with the part's reference, brand, description and the line's quantity (never a price: technicians read it). */
export async function partLinesOf(
  db: Db,
  workOrderId: string,
): Promise<Array<{ lineId: string; partId: string; consumed: boolean; reference: string; brand: string; description: string; quantityMilli: number }>> {
  return queryRows(
    db,
    `SELECT l.id AS "lineId", l.part_id AS "partId",
            EXISTS (SELECT 1 FROM stock_movements m WHERE m.line_id = l.id AND m.kind = 'consumption') AS consumed,
            p.reference, p.brand, p.description, l.quantity_milli::float8 AS "quantityMilli"
       FROM work_order_lines l JOIN parts p ON p.id = l.part_id WHERE l.work_order_id = $1 ORDER BY l.created_at, l.id`,
    [workOrderId],
  );
}

/** The part's average cost after a receipt (its row is locked by `findPart(…, true)`). */
export async function setAverageCost(db: EntityManager, partId: string, averageCostMillimes: number): Promise<void> {
  await queryRows(db, `UPDATE parts SET average_cost_millimes = $2 WHERE id = $1`, [partId, averageCostMillimes]);
}
