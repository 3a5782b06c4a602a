import type { EntityManager } from '@ecar/db';
import { Params } from './scope.ts';

/** Planning rows (issue 14): bays, technicians' weekly hours and absences, bookings, the online-booking setting. */

export interface Bay {
  id: string;
  name: string;
  note: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface WorkingInterval {
  technicianId: string;
  weekday: number;
  startMinute: number;
  endMinute: number;
}

export interface Absence {
  id: string;
  technicianId: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
}

export interface Booking {
  id: string;
  technicianId: string;
  bayId: string;
  startsAt: Date;
  endsAt: Date;
  appointmentId: string | null;
  workOrderId: string | null;
  /** Set when a change of the technician's hours or absences left it outside them (cleared by a move). */
  replanReason?: ReplanReason | null;
}

export type ReplanReason = 'outside_hours' | 'absent';

export interface PlanningSettings {
  onlineBooking: 'capacity' | 'planning';
  bookingMinutes: number;
}

const BAY = `id, name, note, active, created_at AS "createdAt", updated_at AS "updatedAt"`;
const ABSENCE = `id, technician_id AS "technicianId", starts_at AS "startsAt", ends_at AS "endsAt", reason`;
const BOOKING = `id, technician_id AS "technicianId", bay_id AS "bayId", starts_at AS "startsAt", ends_at AS "endsAt",
  appointment_id AS "appointmentId", work_order_id AS "workOrderId", replan_reason AS "replanReason"`;

/**
 * Serialises the changes of the planning that touch the same technician or bay: transaction-scoped
 * locks on `bay:<id>` / `technician:<id>` (taken in one order, so two writers never wait on each
 * other in a cycle). What a booking checks (hours, absences, the other bookings of its technician
 * and bay) cannot change under it; the exclusion constraints on schedule_bookings stay the last
 * word on overlaps.
 */
export async function lockResources(db: EntityManager, keys: string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('garage.planning:' || $1, 0))`, [key]);
}

/** True for PostgreSQL's deadlock_detected (two writers locking in different orders): the request is refused, never half-done. */
export function isDeadlock(error: unknown): boolean {
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  return code === '40P01' || driverError?.code === '40P01';
}

export async function listBays(db: EntityManager, activeOnly = false): Promise<Bay[]> {
  return db.query(`SELECT ${BAY} FROM bays${activeOnly ? ' WHERE active' : ''} ORDER BY lower(name), id`);
}

export async function findBay(db: EntityManager, id: string, forUpdate = false): Promise<Bay | undefined> {
  const rows: Bay[] = await db.query(`SELECT ${BAY} FROM bays WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

export async function saveBay(db: EntityManager, bay: Bay): Promise<void> {
  await db.query(
    `INSERT INTO bays (id, name, note, active, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, note = EXCLUDED.note, active = EXCLUDED.active, updated_at = EXCLUDED.updated_at`,
    [bay.id, bay.name, bay.note, bay.active, bay.createdAt, bay.updatedAt],
  );
}

export async function bayHasBookings(db: EntityManager, id: string): Promise<boolean> {
  const rows: unknown[] = await db.query(`SELECT 1 FROM schedule_bookings WHERE bay_id = $1 LIMIT 1`, [id]);
  return rows.length > 0;
}

export async function deleteBay(db: EntityManager, id: string): Promise<void> {
  await db.query(`DELETE FROM bays WHERE id = $1`, [id]);
}

export async function workingHours(db: EntityManager, technicianId?: string): Promise<WorkingInterval[]> {
  return db.query(
    `SELECT technician_id AS "technicianId", weekday, start_minute AS "startMinute", end_minute AS "endMinute"
       FROM technician_hours WHERE $1::uuid IS NULL OR technician_id = $1 ORDER BY technician_id, weekday, start_minute`,
    [technicianId ?? null],
  );
}

export async function replaceWorkingHours(db: EntityManager, technicianId: string, intervals: WorkingInterval[]): Promise<void> {
  await db.query(`DELETE FROM technician_hours WHERE technician_id = $1`, [technicianId]);
  for (const interval of intervals) {
    await db.query(`INSERT INTO technician_hours (technician_id, weekday, start_minute, end_minute) VALUES ($1,$2,$3,$4)`, [
      technicianId,
      interval.weekday,
      interval.startMinute,
      interval.endMinute,
    ]);
  }
}

/** Absences overlapping [from, to) (all when no bounds), of one technician or all. */
export async function absences(db: EntityManager, query: { technicianId?: string; from?: Date; to?: Date }): Promise<Absence[]> {
  return db.query(
    `SELECT ${ABSENCE} FROM technician_absences
      WHERE ($1::uuid IS NULL OR technician_id = $1) AND ($2::timestamptz IS NULL OR ends_at > $2) AND ($3::timestamptz IS NULL OR starts_at < $3)
      ORDER BY starts_at, id`,
    [query.technicianId ?? null, query.from ?? null, query.to ?? null],
  );
}

export async function insertAbsence(db: EntityManager, absence: Absence, createdBy: string): Promise<void> {
  await db.query(`INSERT INTO technician_absences (id, technician_id, starts_at, ends_at, reason, created_by) VALUES ($1,$2,$3,$4,$5,$6)`, [
    absence.id,
    absence.technicianId,
    absence.startsAt,
    absence.endsAt,
    absence.reason,
    createdBy,
  ]);
}

export async function deleteAbsence(db: EntityManager, technicianId: string, id: string): Promise<boolean> {
  const rows: unknown[] = await db.query(`DELETE FROM technician_absences WHERE id = $1 AND technician_id = $2 RETURNING id`, [id, technicianId]);
  return rows.length > 0;
}

/** Live (not cancelled) bookings overlapping [from, to). */
export async function bookingsBetween(db: EntityManager, from: Date, to: Date): Promise<Booking[]> {
  return db.query(`SELECT ${BOOKING} FROM schedule_bookings WHERE cancelled_at IS NULL AND starts_at < $2 AND ends_at > $1 ORDER BY starts_at, id`, [from, to]);
}

export async function findBooking(db: EntityManager, id: string): Promise<Booking | undefined> {
  const rows: Booking[] = await db.query(`SELECT ${BOOKING} FROM schedule_bookings WHERE id = $1 AND cancelled_at IS NULL`, [id]);
  return rows[0];
}

export async function bookingOf(db: EntityManager, subject: { appointmentId?: string; workOrderId?: string }): Promise<Booking | undefined> {
  const rows: Booking[] = await db.query(
    `SELECT ${BOOKING} FROM schedule_bookings WHERE cancelled_at IS NULL AND (appointment_id = $1 OR work_order_id = $2)`,
    [subject.appointmentId ?? null, subject.workOrderId ?? null],
  );
  return rows[0];
}

export async function insertBooking(db: EntityManager, booking: Booking, createdBy: string): Promise<void> {
  await db.query(
    `INSERT INTO schedule_bookings (id, technician_id, bay_id, starts_at, ends_at, appointment_id, work_order_id, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
    [booking.id, booking.technicianId, booking.bayId, booking.startsAt, booking.endsAt, booking.appointmentId, booking.workOrderId, createdBy],
  );
}

export async function moveBooking(db: EntityManager, booking: Booking): Promise<void> {
  // A booking moved has been re-planned: its flag goes.
  await db.query(`UPDATE schedule_bookings SET technician_id = $2, bay_id = $3, starts_at = $4, ends_at = $5, replan_reason = NULL, replan_flagged_at = NULL, updated_at = now() WHERE id = $1`, [
    booking.id,
    booking.technicianId,
    booking.bayId,
    booking.startsAt,
    booking.endsAt,
  ]);
}

export async function flagForReplanning(db: EntityManager, id: string, reason: ReplanReason): Promise<void> {
  await db.query(`UPDATE schedule_bookings SET replan_reason = $2, replan_flagged_at = now(), updated_at = now() WHERE id = $1`, [id, reason]);
}

/** Live bookings with the human reference of what they book (RDV-… or OR-…). */
export async function bookingsWithReference(db: EntityManager, query: { ids?: readonly string[]; flagged?: boolean; after?: string; limit?: number }): Promise<Array<Booking & { reference: string }>> {
  const params = new Params();
  const where = ['b.cancelled_at IS NULL'];
  if (query.ids) where.push(`b.id = ANY(${params.add(query.ids)}::uuid[])`);
  if (query.flagged) where.push('b.replan_reason IS NOT NULL');
  if (query.after) where.push(`b.id > ${params.add(query.after)}`);
  return db.query(
    `SELECT b.id, b.technician_id AS "technicianId", b.bay_id AS "bayId", b.starts_at AS "startsAt", b.ends_at AS "endsAt", b.appointment_id AS "appointmentId",
            b.work_order_id AS "workOrderId", b.replan_reason AS "replanReason", COALESCE(a.number, w.number) AS reference
       FROM schedule_bookings b LEFT JOIN appointments a ON a.id = b.appointment_id LEFT JOIN work_orders w ON w.id = b.work_order_id
      WHERE ${where.join(' AND ')} ORDER BY b.id LIMIT ${params.add(query.limit ?? 1000)}`,
    params.values,
  );
}

export async function cancelBooking(db: EntityManager, id: string): Promise<void> {
  await db.query(`UPDATE schedule_bookings SET cancelled_at = now(), updated_at = now() WHERE id = $1`, [id]);
}

export async function planningSettings(db: EntityManager): Promise<PlanningSettings> {
  const rows: PlanningSettings[] = await db.query(`SELECT online_booking AS "onlineBooking", booking_minutes AS "bookingMinutes" FROM planning_settings`);
  return rows[0] ?? { onlineBooking: 'capacity', bookingMinutes: 60 };
}

export async function savePlanningSettings(db: EntityManager, settings: PlanningSettings): Promise<void> {
  await db.query(
    `INSERT INTO planning_settings (id, online_booking, booking_minutes, updated_at) VALUES (true, $1, $2, now())
     ON CONFLICT (id) DO UPDATE SET online_booking = EXCLUDED.online_booking, booking_minutes = EXCLUDED.booking_minutes, updated_at = now()`,
    [settings.onlineBooking, settings.bookingMinutes],
  );
}

/** Appointments (not cancelled) starting at each of `starts` (the per-slot capacity count). */
export async function appointmentCounts(db: EntityManager, from: Date, to: Date): Promise<Map<number, number>> {
  const rows: Array<{ slotStart: Date; count: string }> = await db.query(
    `SELECT slot_start AS "slotStart", count(*) FROM appointments WHERE status <> 'cancelled' AND slot_start >= $1 AND slot_start < $2 GROUP BY slot_start`,
    [from, to],
  );
  return new Map(rows.map((row) => [new Date(row.slotStart).getTime(), Number(row.count)]));
}

/** Whether a work order exists, and its status (scheduling refuses closed ones). */
export async function workOrderStatus(db: EntityManager, id: string): Promise<string | undefined> {
  const rows: Array<{ status: string }> = await db.query(`SELECT status FROM work_orders WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0]?.status;
}

/** Scheduling a work order on a technician assigns them (so the job is on their list). */
export async function assignTechnician(db: EntityManager, workOrderId: string, technicianId: string): Promise<void> {
  await db.query(`INSERT INTO work_order_technicians (work_order_id, technician_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [workOrderId, technicianId]);
}

/** True for PostgreSQL's exclusion_violation; the constraint's name says which resource was taken. */
export function exclusionViolation(error: unknown): 'bay' | 'technician' | undefined {
  const { code, constraint, driverError } = (error ?? {}) as { code?: unknown; constraint?: unknown; driverError?: { code?: unknown; constraint?: unknown } };
  if (code !== '23P01' && driverError?.code !== '23P01') return undefined;
  const name = String(constraint ?? driverError?.constraint ?? '');
  return name.includes('bay') ? 'bay' : 'technician';
}
