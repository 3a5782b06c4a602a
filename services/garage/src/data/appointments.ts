import type { EntityManager } from '@ecar/db';
import type { Caller } from '@ecar/contracts';
import { ownedReach, Params } from './scope.ts';

export type AppointmentStatus = 'requested' | 'confirmed' | 'cancelled';

export interface Appointment {
  id: string;
  /** `RDV-2026-000045`, given by the database on insert (issue #14). */
  number: string;
  customerId: string;
  vehicleId: string | null;
  slotStart: Date;
  status: AppointmentStatus;
  note: string | null;
  requestedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `a.id, a.number, a.customer_id AS "customerId", a.vehicle_id AS "vehicleId", a.slot_start AS "slotStart", a.status, a.note,
  a.requested_by AS "requestedBy", a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

export async function saveAppointment(db: EntityManager, appointment: Omit<Appointment, 'number'>): Promise<void> {
  await db.query(
    `INSERT INTO appointments (id, customer_id, vehicle_id, slot_start, status, note, requested_by, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
     ON CONFLICT (id) DO UPDATE SET slot_start = EXCLUDED.slot_start, status = EXCLUDED.status, note = EXCLUDED.note, updated_at = EXCLUDED.updated_at`,
    [appointment.id, appointment.customerId, appointment.vehicleId, appointment.slotStart, appointment.status, appointment.note, appointment.requestedBy, appointment.createdAt, appointment.updatedAt],
  );
}

/**
 * Serialises bookings of one slot: a transaction-scoped advisory lock on the slot, then the
 * count. Two concurrent requests for the last place cannot both see it free.
 */
export async function lockSlotAndCount(db: EntityManager, slotStart: Date, exceptId?: string): Promise<number> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('garage.appointment-slot:' || $1::text, 0))`, [slotStart.toISOString()]);
  const rows: Array<{ count: string }> = await db.query(
    `SELECT count(*) FROM appointments WHERE slot_start = $1 AND status <> 'cancelled' AND id IS DISTINCT FROM $2`,
    [slotStart, exceptId ?? null],
  );
  return Number(rows[0]?.count ?? 0);
}

export async function findAppointment(db: EntityManager, caller: Caller, id: string, forUpdate = false): Promise<Appointment | undefined> {
  const params = new Params();
  const rows: Appointment[] = await db.query(
    `SELECT ${COLUMNS} FROM appointments a WHERE a.id = ${params.add(id)} AND ${ownedReach(caller, 'a', params)}${forUpdate ? ' FOR UPDATE' : ''}`,
    params.values,
  );
  return rows[0];
}

export async function listAppointments(db: EntityManager, caller: Caller, query: { from?: Date; to?: Date; after?: string; limit: number }): Promise<Appointment[]> {
  const params = new Params();
  const where = [ownedReach(caller, 'a', params)];
  if (query.from) where.push(`a.slot_start >= ${params.add(query.from)}`);
  if (query.to) where.push(`a.slot_start < ${params.add(query.to)}`);
  if (query.after) where.push(`a.id > ${params.add(query.after)}`);
  return db.query(`SELECT ${COLUMNS} FROM appointments a WHERE ${where.join(' AND ')} ORDER BY a.id LIMIT ${params.add(query.limit)}`, params.values);
}

export async function appointmentsOfCustomer(db: EntityManager, customerId: string): Promise<Appointment[]> {
  return db.query(`SELECT ${COLUMNS} FROM appointments a WHERE a.customer_id = $1 ORDER BY a.slot_start`, [customerId]);
}
