import type { EntityManager } from '@ecar/db';
import type { Caller } from '@ecar/contracts';
import type { LineApproval, WorkOrderStatus } from '@ecar/contracts/requests/garage';
import { Params, workOrderReach } from './scope.ts';

export interface WorkOrder {
  id: string;
  /** `OR-2026-000123`, given by the database on insert (issue #14). */
  number: string;
  customerId: string;
  vehicleId: string;
  appointmentId: string | null;
  status: WorkOrderStatus;
  complaint: string;
  mileageInKm: number | null;
  openedBy: string;
  estimateDecision: 'approved' | 'declined' | null;
  estimateDecidedBy: string | null;
  estimateDecidedAt: Date | null;
  estimateDecidedIp: string | null;
  completedAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WorkOrderLine {
  id: string;
  workOrderId: string;
  kind: 'labour' | 'part';
  description: string;
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp: number;
  /** Drafted, awaiting the customer's answer, approved or declined (only approved lines are invoiced). */
  approval: LineApproval;
  decisionId: string | null;
  addedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface TimeEntry {
  id: string;
  workOrderId: string;
  technicianId: string;
  startedAt: Date;
  endedAt: Date | null;
}

const COLUMNS = `w.id, w.number, w.customer_id AS "customerId", w.vehicle_id AS "vehicleId", w.appointment_id AS "appointmentId", w.status, w.complaint,
  w.mileage_in_km AS "mileageInKm", w.opened_by AS "openedBy", w.estimate_decision AS "estimateDecision",
  w.estimate_decided_by AS "estimateDecidedBy", w.estimate_decided_at AS "estimateDecidedAt", w.estimate_decided_ip AS "estimateDecidedIp",
  w.completed_at AS "completedAt", w.delivered_at AS "deliveredAt", w.created_at AS "createdAt", w.updated_at AS "updatedAt"`;

export async function saveWorkOrder(db: EntityManager, order: Omit<WorkOrder, 'number'>): Promise<void> {
  await db.query(
    `INSERT INTO work_orders (id, customer_id, vehicle_id, appointment_id, status, complaint, mileage_in_km, opened_by, estimate_decision,
        estimate_decided_by, estimate_decided_at, estimate_decided_ip, completed_at, delivered_at, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, estimate_decision = EXCLUDED.estimate_decision,
        estimate_decided_by = EXCLUDED.estimate_decided_by, estimate_decided_at = EXCLUDED.estimate_decided_at,
        estimate_decided_ip = EXCLUDED.estimate_decided_ip, completed_at = EXCLUDED.completed_at, delivered_at = EXCLUDED.delivered_at,
        updated_at = EXCLUDED.updated_at`,
    [
      order.id,
      order.customerId,
      order.vehicleId,
      order.appointmentId,
      order.status,
      order.complaint,
      order.mileageInKm,
      order.openedBy,
      order.estimateDecision,
      order.estimateDecidedBy,
      order.estimateDecidedAt,
      order.estimateDecidedIp,
      order.completedAt,
      order.deliveredAt,
      order.createdAt,
      order.updatedAt,
    ],
  );
}

export async function findWorkOrder(db: EntityManager, caller: Caller, id: string, forUpdate = false): Promise<WorkOrder | undefined> {
  const params = new Params();
  const rows: WorkOrder[] = await db.query(
    `SELECT ${COLUMNS} FROM work_orders w WHERE w.id = ${params.add(id)} AND ${workOrderReach(caller, 'w', params)}${forUpdate ? ' FOR UPDATE' : ''}`,
    params.values,
  );
  return rows[0];
}

export async function listWorkOrders(
  db: EntityManager,
  caller: Caller,
  query: { status?: WorkOrderStatus; vehicleId?: string; after?: string; limit: number },
): Promise<WorkOrder[]> {
  const params = new Params();
  const where = [workOrderReach(caller, 'w', params)];
  if (query.status) where.push(`w.status = ${params.add(query.status)}`);
  if (query.vehicleId) where.push(`w.vehicle_id = ${params.add(query.vehicleId)}`);
  if (query.after) where.push(`w.id > ${params.add(query.after)}`);
  return db.query(`SELECT ${COLUMNS} FROM work_orders w WHERE ${where.join(' AND ')} ORDER BY w.id LIMIT ${params.add(query.limit)}`, params.values);
}

export async function workOrdersOfVehicle(db: EntityManager, vehicleId: string): Promise<WorkOrder[]> {
  return db.query(`SELECT ${COLUMNS} FROM work_orders w WHERE w.vehicle_id = $1 ORDER BY w.created_at DESC LIMIT 200`, [vehicleId]);
}

export async function workOrdersOfCustomer(db: EntityManager, customerId: string): Promise<WorkOrder[]> {
  return db.query(`SELECT ${COLUMNS} FROM work_orders w WHERE w.customer_id = $1 ORDER BY w.created_at`, [customerId]);
}

export async function assignTechnicians(db: EntityManager, workOrderId: string, technicianIds: readonly string[]): Promise<void> {
  await db.query(
    `INSERT INTO work_order_technicians (work_order_id, technician_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
    [workOrderId, technicianIds],
  );
}

export async function techniciansOf(db: EntityManager, workOrderId: string): Promise<string[]> {
  const rows: Array<{ technician_id: string }> = await db.query(
    `SELECT technician_id FROM work_order_technicians WHERE work_order_id = $1 ORDER BY assigned_at, technician_id`,
    [workOrderId],
  );
  return rows.map((row) => row.technician_id);
}

/** A line's columns and the property each becomes (`linesOf`, and prefixed in `historyOfVehicle`). */
const LINE_FIELDS: ReadonlyArray<readonly [expression: string, property: keyof WorkOrderLine]> = [
  ['id', 'id'],
  ['work_order_id', 'workOrderId'],
  ['kind', 'kind'],
  ['description', 'description'],
  ['quantity_milli', 'quantityMilli'],
  ['unit_price_millimes::float8', 'unitPriceMillimes'],
  ['vat_rate_bp', 'vatRateBp'],
  ['approval', 'approval'],
  ['decision_id', 'decisionId'],
  ['added_by', 'addedBy'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
];
const LINE_COLUMNS = LINE_FIELDS.map(([expression, property]) => `${expression} AS "${property}"`).join(', ');
const LINE_PREFIX = 'line.';

export async function insertLine(db: EntityManager, line: WorkOrderLine): Promise<void> {
  await db.query(
    `INSERT INTO work_order_lines (id, work_order_id, kind, description, quantity_milli, unit_price_millimes, vat_rate_bp, approval, added_by, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10)`,
    [line.id, line.workOrderId, line.kind, line.description, line.quantityMilli, line.unitPriceMillimes, line.vatRateBp, line.approval, line.addedBy, line.createdAt],
  );
}

export async function linesOf(db: EntityManager, workOrderId: string): Promise<WorkOrderLine[]> {
  return db.query(`SELECT ${LINE_COLUMNS} FROM work_order_lines WHERE work_order_id = $1 ORDER BY created_at, id`, [workOrderId]);
}

/**
 * A vehicle's work orders within the caller's reach (id order, at most `limit`), each with its
 * lines (created_at, id order, as `linesOf`), in one statement: a row per line, the order's columns
 * repeated, an order without lines once with NULL line columns.
 */
export async function historyOfVehicle(db: EntityManager, caller: Caller, vehicleId: string, limit: number): Promise<Array<WorkOrder & { lines: WorkOrderLine[] }>> {
  const params = new Params();
  const orders = `SELECT ${COLUMNS} FROM work_orders w WHERE w.vehicle_id = ${params.add(vehicleId)} AND ${workOrderReach(caller, 'w', params)} ORDER BY w.id LIMIT ${params.add(limit)}`;
  const lineColumns = LINE_FIELDS.map(([expression, property]) => `l.${expression} AS "${LINE_PREFIX}${property}"`).join(', ');
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT o.*, ${lineColumns} FROM (${orders}) o LEFT JOIN work_order_lines l ON l.work_order_id = o.id ORDER BY o.id, l.created_at, l.id`,
    params.values,
  );
  const history: Array<WorkOrder & { lines: WorkOrderLine[] }> = [];
  for (const row of rows) {
    const order: Record<string, unknown> = {};
    const line: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (key.startsWith(LINE_PREFIX)) line[key.slice(LINE_PREFIX.length)] = value;
      else order[key] = value;
    }
    let last = history[history.length - 1];
    if (!last || last.id !== order['id']) {
      last = { ...(order as unknown as WorkOrder), lines: [] };
      history.push(last);
    }
    if (line['id'] !== null) last.lines.push(line as unknown as WorkOrderLine);
  }
  return history;
}

const TIME_COLUMNS = `id, work_order_id AS "workOrderId", technician_id AS "technicianId", started_at AS "startedAt", ended_at AS "endedAt"`;

export async function openTimeEntry(db: EntityManager, workOrderId: string, technicianId: string): Promise<TimeEntry | undefined> {
  const rows: TimeEntry[] = await db.query(
    `SELECT ${TIME_COLUMNS} FROM time_entries WHERE work_order_id = $1 AND technician_id = $2 AND ended_at IS NULL FOR UPDATE`,
    [workOrderId, technicianId],
  );
  return rows[0];
}

export async function startTimeEntry(db: EntityManager, entry: TimeEntry): Promise<void> {
  await db.query(`INSERT INTO time_entries (id, work_order_id, technician_id, started_at) VALUES ($1,$2,$3,$4)`, [
    entry.id,
    entry.workOrderId,
    entry.technicianId,
    entry.startedAt,
  ]);
}

export async function endTimeEntry(db: EntityManager, id: string, endedAt: Date): Promise<void> {
  await db.query(`UPDATE time_entries SET ended_at = $2 WHERE id = $1`, [id, endedAt]);
}

export async function timeEntriesOf(db: EntityManager, workOrderId: string): Promise<TimeEntry[]> {
  return db.query(`SELECT ${TIME_COLUMNS} FROM time_entries WHERE work_order_id = $1 ORDER BY started_at`, [workOrderId]);
}
