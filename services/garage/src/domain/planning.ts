import { randomUUID } from 'node:crypto';
import { badRequest, conflict, forbidden, notFound } from '@ecar/errors';
import { isUniqueViolation } from '@ecar/db';
import type { Caller, NewEvent } from '@ecar/contracts';
import { newEvent } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import {
  absences,
  appointmentCounts,
  assignTechnician,
  bayHasBookings,
  bookingOf,
  bookingsBetween,
  bookingsWithReference,
  flagForReplanning,
  cancelBooking,
  deleteAbsence,
  deleteBay,
  exclusionViolation,
  findBay,
  findBooking,
  insertAbsence,
  insertBooking,
  listBays,
  isDeadlock,
  lockResources,
  moveBooking,
  planningSettings,
  replaceWorkingHours,
  saveBay,
  savePlanningSettings,
  workingHours,
  workOrderStatus,
  type Absence,
  type Bay,
  type Booking,
  type PlanningSettings,
  type ReplanReason,
} from '../data/planning.ts';
import { findAppointment } from '../data/appointments.ts';
import { firstFree, freeSlots, refusalOf, type Placement, type PlanningWindow, type Refusal } from './free-slots.ts';
import type { GarageContext } from './garage.ts';
import { clockMinutes, clockTime, instantAt, localTime, nextDate } from './tunis-time.ts';

const REFUSALS: Record<Refusal, string> = {
  bay_unknown: 'The bay does not exist or is out of service',
  outside_hours: "The booking is outside the technician's working hours",
  absent: 'The technician is absent at that time',
  technician_taken: 'The technician is already booked at that time',
  bay_taken: 'The bay is already booked at that time',
};

/** Opening hours offered online while booking uses the per-slot capacity (no planning): 08:00–18:00 in Tunis. */
const CAPACITY_HOURS = { start: 8 * 60, end: 18 * 60 };
const MAX_FREE_SLOTS = 500;
/** Work orders in these states are not put on the planning any more. */
const CLOSED_WORK_ORDERS = new Set(['completed', 'delivered', 'cancelled', 'declined']);

export interface AppointmentPlacementInput {
  slotStart: Date;
  technicianId?: string | undefined;
  bayId?: string | undefined;
  durationMinutes?: number | undefined;
}

/**
 * Planning (issue 14): bays, technicians' weekly hours and absences, bookings of appointments and
 * work orders on one technician and one bay. Every booking change takes the planning lock, checks
 * hours, absences and the other bookings, and the database's exclusion constraints refuse any
 * overlap that would slip through (409 either way).
 */
export class PlanningService {
  constructor(private readonly garage: GarageContext) {}

  private bayEvent(caller: Caller, type: 'garage.bay.created' | 'garage.bay.updated' | 'garage.bay.deleted', bay: Bay, fields: string[] = []): NewEvent {
    const subject = { type: 'bay', id: bay.id };
    if (type === 'garage.bay.created') return newEvent(caller, type, subject, { bayId: bay.id, name: bay.name });
    if (type === 'garage.bay.updated') return newEvent(caller, type, subject, { bayId: bay.id, fields });
    return newEvent(caller, type, subject, { bayId: bay.id });
  }

  private bookingEvent(caller: Caller, type: 'garage.schedule.booked' | 'garage.schedule.moved' | 'garage.schedule.cancelled', booking: Booking): NewEvent {
    return newEvent(caller, type, { type: 'booking', id: booking.id }, this.bookingData(booking));
  }

  private bookingData(booking: Booking) {
    return {
      bookingId: booking.id,
      technicianId: booking.technicianId,
      bayId: booking.bayId,
      startsAt: booking.startsAt.toISOString(),
      endsAt: booking.endsAt.toISOString(),
      ...(booking.appointmentId ? { appointmentId: booking.appointmentId } : {}),
      ...(booking.workOrderId ? { workOrderId: booking.workOrderId } : {}),
    };
  }

  // ---- bays -------------------------------------------------------------------------------

  listBays(): Promise<Bay[]> {
    return listBays(this.garage.dataSource.manager);
  }

  createBay(caller: Caller, input: { name: string; note?: string | undefined }): Promise<Bay> {
    return this.garage.unitOfWork.run(async (db) => {
      const now = new Date();
      const bay: Bay = { id: randomUUID(), name: input.name, note: input.note ?? null, active: true, createdAt: now, updatedAt: now };
      await this.saveBayOnce(db, bay);
      return { result: bay, events: [this.bayEvent(caller, 'garage.bay.created', bay)] };
    });
  }

  updateBay(caller: Caller, id: string, input: { name?: string | undefined; note?: string | null | undefined; active?: boolean | undefined }): Promise<Bay> {
    return this.garage.unitOfWork.run(async (db) => {
      await lockResources(db, [`bay:${id}`]);
      const before = await findBay(db, id, true);
      if (!before) throw notFound('Bay not found');
      const after: Bay = {
        ...before,
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.note !== undefined ? { note: input.note } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        updatedAt: new Date(),
      };
      if (before.active && !after.active) {
        const upcoming = (await bookingsBetween(db, new Date(), new Date('9999-01-01T00:00:00Z'))).filter((booking) => booking.bayId === id);
        if (upcoming.length > 0) throw conflict(`The bay has ${upcoming.length} upcoming booking(s); move or cancel them first`);
      }
      await this.saveBayOnce(db, after);
      const fields = (['name', 'note', 'active'] as const).filter((field) => before[field] !== after[field]);
      return { result: after, events: fields.length ? [this.bayEvent(caller, 'garage.bay.updated', after, [...fields])] : [] };
    });
  }

  deleteBay(caller: Caller, id: string): Promise<void> {
    return this.garage.unitOfWork.run(async (db) => {
      await lockResources(db, [`bay:${id}`]);
      const bay = await findBay(db, id, true);
      if (!bay) throw notFound('Bay not found');
      if (await bayHasBookings(db, id)) throw conflict('The bay has bookings; take it out of service instead of deleting it');
      await deleteBay(db, id);
      return { result: undefined, events: [this.bayEvent(caller, 'garage.bay.deleted', bay)] };
    });
  }

  /** A second bay of the same name (any case) is a 409, also when two requests race. */
  private async saveBayOnce(db: EntityManager, bay: Bay): Promise<void> {
    const same: Array<{ id: string }> = await db.query(`SELECT id FROM bays WHERE lower(name) = lower($1) AND id <> $2`, [bay.name, bay.id]);
    if (same.length > 0) throw conflict('A bay of that name exists already');
    try {
      await saveBay(db, bay);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('A bay of that name exists already');
      throw error;
    }
  }

  // ---- technicians' hours and absences ------------------------------------------------------

  async technicianSchedule(technicianId: string) {
    const db = this.garage.dataSource.manager;
    const [hours, away] = await Promise.all([workingHours(db, technicianId), absences(db, { technicianId, from: new Date(Date.now() - 30 * 86_400_000) })]);
    return {
      technicianId,
      hours: hours.map((interval) => ({ weekday: interval.weekday, start: clockTime(interval.startMinute), end: clockTime(interval.endMinute) })),
      absences: away,
    };
  }

  /**
   * After a change of a technician's hours or absences (in its transaction, under the technician's
   * lock): the live bookings of that technician from now on that no longer fit (outside the new
   * hours, or during the new absence). Without `replan` the change is refused with a 409 listing
   * them by reference (and rolled back); with it they are flagged for re-planning, each a
   * `garage.schedule.replanning_needed` event, and listed by `GET /api/v1/planning/replanning`.
   */
  private async recheckBookings(db: EntityManager, caller: Caller, technicianId: string, replan: boolean): Promise<NewEvent[]> {
    const now = new Date();
    // Bookings already flagged are on the re-planning list: they neither block a further change nor are flagged twice.
    const upcoming = (await bookingsBetween(db, now, new Date('9999-01-01T00:00:00Z'))).filter((booking) => booking.technicianId === technicianId && !booking.replanReason);
    if (upcoming.length === 0) return [];
    const window = await this.window(db, now, new Date(Math.max(...upcoming.map((booking) => booking.endsAt.getTime()))));
    const displaced = upcoming.flatMap((booking) => {
      const refusal = refusalOf(window, booking, booking.id);
      return refusal === 'outside_hours' || refusal === 'absent' ? [{ booking, reason: refusal as ReplanReason }] : [];
    });
    if (displaced.length === 0) return [];
    const references = new Map((await bookingsWithReference(db, { ids: displaced.map((item) => item.booking.id) })).map((row) => [row.id, row.reference]));
    const conflicts = displaced.map(({ booking, reason }) => ({
      bookingId: booking.id,
      reference: references.get(booking.id) ?? null,
      startsAt: booking.startsAt.toISOString(),
      endsAt: booking.endsAt.toISOString(),
      reason,
    }));
    if (!replan) {
      const names = conflicts.map((item) => item.reference ?? item.bookingId).join(', ');
      throw conflict(`This change leaves ${conflicts.length} booking(s) of the technician outside their hours or during an absence: ${names}. Move them first, or send replan: true to make the change and flag them for re-planning`, { conflicts });
    }
    const events: NewEvent[] = [];
    for (const { booking, reason } of displaced) {
      await flagForReplanning(db, booking.id, reason);
      events.push(newEvent(caller, 'garage.schedule.replanning_needed', { type: 'booking', id: booking.id }, { ...this.bookingData(booking), reason }));
    }
    return events;
  }

  setHours(caller: Caller, technicianId: string, hours: Array<{ weekday: number; start: string; end: string }>, replan = false) {
    return this.garage.unitOfWork.run(async (db) => {
      await lockResources(db, [`technician:${technicianId}`]);
      await replaceWorkingHours(
        db,
        technicianId,
        hours.map((interval) => ({ technicianId, weekday: interval.weekday, startMinute: clockMinutes(interval.start), endMinute: clockMinutes(interval.end) })),
      );
      const flagged = await this.recheckBookings(db, caller, technicianId, replan);
      return {
        result: undefined,
        events: [newEvent(caller, 'garage.schedule.hours_set', { type: 'technician', id: technicianId }, { technicianId, intervals: hours.length }), ...flagged],
      };
    }).then(() => this.technicianSchedule(technicianId));
  }

  addAbsence(caller: Caller, technicianId: string, input: { startsAt: Date; endsAt: Date; reason: string; replan?: boolean | undefined }): Promise<Absence> {
    return this.garage.unitOfWork.run(async (db) => {
      await lockResources(db, [`technician:${technicianId}`]);
      const absence: Absence = { id: randomUUID(), technicianId, startsAt: input.startsAt, endsAt: input.endsAt, reason: input.reason };
      await insertAbsence(db, absence, caller.userId);
      const event = newEvent(caller, 'garage.schedule.absence_added', { type: 'technician', id: technicianId }, {
        technicianId,
        absenceId: absence.id,
        startsAt: absence.startsAt.toISOString(),
        endsAt: absence.endsAt.toISOString(),
      });
      return { result: absence, events: [event, ...(await this.recheckBookings(db, caller, technicianId, input.replan === true))] };
    });
  }

  /** Bookings flagged for re-planning (a change of hours or absences made anyway), with their references. */
  replanning(query: { after?: string; limit: number }) {
    return bookingsWithReference(this.garage.dataSource.manager, { flagged: true, ...query });
  }

  removeAbsence(caller: Caller, technicianId: string, absenceId: string): Promise<void> {
    return this.garage.unitOfWork.run(async (db) => {
      await lockResources(db, [`technician:${technicianId}`]);
      if (!(await deleteAbsence(db, technicianId, absenceId))) throw notFound('Absence not found');
      return { result: undefined, events: [newEvent(caller, 'garage.schedule.absence_removed', { type: 'technician', id: technicianId }, { technicianId, absenceId })] };
    });
  }

  // ---- settings ---------------------------------------------------------------------------

  settings(): Promise<PlanningSettings> {
    return planningSettings(this.garage.dataSource.manager);
  }

  saveSettings(caller: Caller, settings: PlanningSettings): Promise<PlanningSettings> {
    return this.garage.unitOfWork.run(async (db) => {
      await savePlanningSettings(db, settings);
      return { result: settings, events: [newEvent(caller, 'garage.schedule.settings_changed', { type: 'planning', id: 'settings' }, { ...settings })] };
    });
  }

  // ---- reading the planning -----------------------------------------------------------------

  private async window(db: EntityManager, from: Date, to: Date): Promise<PlanningWindow> {
    // One after the other: inside a transaction they share one connection.
    const bays = await listBays(db);
    const hours = await workingHours(db);
    const away = await absences(db, { from, to });
    const bookings = await bookingsBetween(db, from, to);
    return { bays, hours, absences: away, bookings };
  }

  /** The board of one day in Tunis: bays, the technicians' hours that day and absences, bookings. */
  async day(date: string) {
    const db = this.garage.dataSource.manager;
    const from = instantAt(date, 0);
    const to = instantAt(nextDate(date), 0);
    const window = await this.window(db, from, to);
    const weekday = localTime(new Date(from.getTime() + 12 * 3_600_000)).weekday;
    const technicians = [...new Set([...window.hours.map((interval) => interval.technicianId), ...window.bookings.map((booking) => booking.technicianId)])].sort();
    return {
      date,
      bays: window.bays,
      technicians: technicians.map((technicianId) => ({
        technicianId,
        hours: window.hours
          .filter((interval) => interval.technicianId === technicianId && interval.weekday === weekday)
          .map((interval) => ({ start: instantAt(date, interval.startMinute).toISOString(), end: instantAt(date, interval.endMinute).toISOString() })),
        absences: window.absences.filter((absence) => absence.technicianId === technicianId),
      })),
      bookings: window.bookings,
    };
  }

  /**
   * Free slots for online booking and for staff. With planning, a slot has a technician at work,
   * not absent, not booked, and a free bay for the whole duration; with the per-slot capacity, a
   * slot inside opening hours that is not full. Customers see start and end only.
   */
  async freeSlots(caller: Caller, query: { from: Date; to: Date; durationMinutes?: number | undefined; technicianId?: string | undefined; bayId?: string | undefined }) {
    const db = this.garage.dataSource.manager;
    const settings = await planningSettings(db);
    const planned = settings.onlineBooking === 'planning' || query.technicianId !== undefined || query.bayId !== undefined;
    if (caller.role === 'customer' && (query.technicianId || query.bayId)) throw forbidden('Customers cannot choose a technician or a bay');
    if (!planned) return this.capacitySlots(db, query.from, query.to);
    const durationMinutes = query.durationMinutes ?? settings.bookingMinutes;
    const window = await this.window(db, query.from, new Date(query.to.getTime() + durationMinutes * 60_000));
    const slots = freeSlots(window, {
      from: query.from,
      to: query.to,
      durationMinutes,
      stepMinutes: this.garage.settings.slotMinutes,
      now: new Date(),
      ...(query.technicianId ? { technicianId: query.technicianId } : {}),
      ...(query.bayId ? { bayId: query.bayId } : {}),
      limit: MAX_FREE_SLOTS,
    });
    return slots.map((slot) => ({
      start: slot.startsAt.toISOString(),
      end: slot.endsAt.toISOString(),
      ...(caller.role === 'customer' ? {} : { technicianId: slot.technicianId, bayId: slot.bayId }),
    }));
  }

  private async capacitySlots(db: EntityManager, from: Date, to: Date) {
    const step = this.garage.settings.slotMinutes * 60_000;
    const counts = await appointmentCounts(db, from, to);
    const slots: Array<{ start: string; end: string }> = [];
    const earliest = Math.max(from.getTime(), Date.now() + 1);
    for (let start = Math.ceil(earliest / step) * step; start < to.getTime() && slots.length < MAX_FREE_SLOTS; start += step) {
      const local = localTime(new Date(start));
      if (local.minute < CAPACITY_HOURS.start || local.minute + step / 60_000 > CAPACITY_HOURS.end) continue;
      if ((counts.get(start) ?? 0) >= this.garage.settings.slotCapacity) continue;
      slots.push({ start: new Date(start).toISOString(), end: new Date(start + step).toISOString() });
    }
    return slots;
  }

  // ---- bookings -----------------------------------------------------------------------------

  /** Inside a transaction holding the planning lock: refuses a placement that does not fit, with the reason. */
  private async check(db: EntityManager, placement: Placement, exceptBookingId?: string): Promise<void> {
    if (placement.startsAt.getTime() <= Date.now()) throw badRequest('The booking is in the past', [{ path: 'start', code: 'past', message: 'Choose a future time' }]);
    const window = await this.window(db, placement.startsAt, placement.endsAt);
    const refusal = refusalOf(window, placement, exceptBookingId);
    if (refusal) throw conflict(REFUSALS[refusal]);
  }

  /** Writes a booking; an overlap the constraint catches (a concurrent writer) is the same 409. */
  private async write(db: EntityManager, booking: Booking, createdBy: string, moving: boolean): Promise<void> {
    try {
      if (moving) await moveBooking(db, booking);
      else await insertBooking(db, booking, createdBy);
    } catch (error) {
      const taken = exclusionViolation(error);
      if (taken) throw conflict(REFUSALS[taken === 'bay' ? 'bay_taken' : 'technician_taken']);
      throw error;
    }
  }

  /** Books (or moves the live booking of) an appointment or a work order, in the caller's transaction. */
  private async place(db: EntityManager, caller: Caller, subject: { appointmentId?: string; workOrderId?: string }, placement: Placement): Promise<{ booking: Booking; event: NewEvent }> {
    await this.lockPlacement(db, placement);
    const existing = await bookingOf(db, subject);
    await this.check(db, placement, existing?.id);
    const booking: Booking = {
      id: existing?.id ?? randomUUID(),
      ...placement,
      appointmentId: subject.appointmentId ?? null,
      workOrderId: subject.workOrderId ?? null,
    };
    await this.write(db, booking, caller.userId, existing !== undefined);
    return { booking, event: this.bookingEvent(caller, existing ? 'garage.schedule.moved' : 'garage.schedule.booked', booking) };
  }

  private async lockPlacement(db: EntityManager, placement: Placement): Promise<void> {
    try {
      await lockResources(db, [`bay:${placement.bayId}`, `technician:${placement.technicianId}`]);
    } catch (error) {
      if (isDeadlock(error)) throw conflict('The planning changed at the same moment; try again');
      throw error;
    }
  }

  private placementOf(body: { technicianId: string; bayId: string; start: Date; durationMinutes: number }): Placement {
    return { technicianId: body.technicianId, bayId: body.bayId, startsAt: body.start, endsAt: new Date(body.start.getTime() + body.durationMinutes * 60_000) };
  }

  scheduleAppointment(caller: Caller, appointmentId: string, body: { technicianId: string; bayId: string; start: Date; durationMinutes: number }): Promise<Booking> {
    return this.garage.unitOfWork.run(async (db) => {
      const appointment = await findAppointment(db, caller, appointmentId, true);
      if (!appointment) throw notFound('Appointment not found');
      if (appointment.status === 'cancelled') throw conflict('A cancelled appointment cannot be scheduled');
      const { booking, event } = await this.place(db, caller, { appointmentId }, this.placementOf(body));
      const events: NewEvent[] = [event];
      if (appointment.slotStart.getTime() !== body.start.getTime()) {
        await db.query(`UPDATE appointments SET slot_start = $2, updated_at = now() WHERE id = $1`, [appointmentId, body.start]);
        events.push(
          newEvent(caller, 'garage.appointment.rescheduled', { type: 'appointment', id: appointmentId }, {
            appointmentId,
            customerId: appointment.customerId,
            slotStart: body.start.toISOString(),
            status: appointment.status,
          }),
        );
      }
      return { result: booking, events };
    });
  }

  scheduleWorkOrder(caller: Caller, workOrderId: string, body: { technicianId: string; bayId: string; start: Date; durationMinutes: number }): Promise<Booking> {
    return this.garage.unitOfWork.run(async (db) => {
      const status = await workOrderStatus(db, workOrderId);
      if (!status) throw notFound('Work order not found');
      if (CLOSED_WORK_ORDERS.has(status)) throw conflict(`A ${status} work order is not scheduled any more`);
      const { booking, event } = await this.place(db, caller, { workOrderId }, this.placementOf(body));
      await assignTechnician(db, workOrderId, body.technicianId);
      return { result: booking, events: [event] };
    });
  }

  cancelBooking(caller: Caller, id: string): Promise<Booking> {
    return this.garage.unitOfWork.run(async (db) => {
      const booking = await findBooking(db, id);
      if (!booking) throw notFound('Booking not found');
      await cancelBooking(db, id);
      return { result: booking, events: [this.bookingEvent(caller, 'garage.schedule.cancelled', booking)] };
    });
  }

  // ---- hooks of the appointment use case (kept here so its own rules stay separate) -----------

  /**
   * Whether a new appointment is placed on the planning: when the admin names a technician or a
   * bay, or online booking uses the planning. Customers never choose the technician or the bay.
   */
  async placesAppointment(db: EntityManager, caller: Caller, input: AppointmentPlacementInput): Promise<boolean> {
    const chosen = input.technicianId !== undefined || input.bayId !== undefined || input.durationMinutes !== undefined;
    if (chosen && caller.role !== 'super-admin') throw forbidden('Only the garage chooses the technician, the bay and the duration');
    return chosen || (await planningSettings(db)).onlineBooking === 'planning';
  }

  /** Books a just-saved appointment on the first free technician and bay (or those given); 409 when none is free. */
  async placeAppointment(db: EntityManager, caller: Caller, appointmentId: string, input: AppointmentPlacementInput): Promise<NewEvent[]> {
    const minutes = input.durationMinutes ?? (await planningSettings(db)).bookingMinutes;
    const endsAt = new Date(input.slotStart.getTime() + minutes * 60_000);
    if (input.technicianId && input.bayId) {
      return [(await this.place(db, caller, { appointmentId }, { technicianId: input.technicianId, bayId: input.bayId, startsAt: input.slotStart, endsAt })).event];
    }
    // Automatic placement: one at a time; the chosen pair is locked, then the window read again
    // (a writer naming that technician or bay may have booked it between the look and the lock).
    await lockResources(db, ['automatic']);
    const only = { ...(input.technicianId ? { technicianId: input.technicianId } : {}), ...(input.bayId ? { bayId: input.bayId } : {}) };
    const tried = new Set<string>();
    for (;;) {
      const candidate = firstFree(await this.window(db, input.slotStart, endsAt), input.slotStart, endsAt, only);
      const key = candidate ? `${candidate.technicianId}/${candidate.bayId}` : '';
      if (!candidate || tried.has(key)) throw conflict('No technician and bay are free at this time; choose another slot');
      tried.add(key);
      await this.lockPlacement(db, candidate);
      if (refusalOf(await this.window(db, input.slotStart, endsAt), candidate)) continue;
      return [(await this.place(db, caller, { appointmentId }, candidate)).event];
    }
  }

  /** A rescheduled appointment with a booking keeps its technician, bay and duration at the new time. Undefined: it has none. */
  async moveAppointment(db: EntityManager, caller: Caller, appointmentId: string, slotStart: Date): Promise<NewEvent[] | undefined> {
    const booking = await bookingOf(db, { appointmentId });
    if (!booking) return undefined;
    const duration = booking.endsAt.getTime() - booking.startsAt.getTime();
    const placement = { technicianId: booking.technicianId, bayId: booking.bayId, startsAt: slotStart, endsAt: new Date(slotStart.getTime() + duration) };
    return [(await this.place(db, caller, { appointmentId }, placement)).event];
  }

  /** A cancelled appointment frees its technician and bay. */
  async releaseAppointment(db: EntityManager, caller: Caller, appointmentId: string): Promise<NewEvent[]> {
    const booking = await bookingOf(db, { appointmentId });
    if (!booking) return [];
    await cancelBooking(db, booking.id);
    return [this.bookingEvent(caller, 'garage.schedule.cancelled', booking)];
  }
}
