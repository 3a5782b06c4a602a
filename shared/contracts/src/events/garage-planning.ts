import { z } from 'zod';

const id = z.uuid();
const fieldNames = z.array(z.string().min(1).max(64)).max(64);
const instant = z.iso.datetime({ offset: true });
const v1 = <T extends z.ZodType>(data: T) => ({ version: 1, data }) as const;

const bookingRef = z
  .object({
    bookingId: id,
    technicianId: id,
    bayId: id,
    startsAt: instant,
    endsAt: instant,
    appointmentId: id.optional(),
    workOrderId: id.optional(),
  })
  .strict();

/** Planning of the garage service (issue 14): bays, technicians' hours and absences, bookings. No personal data. */
export const garagePlanningEvents = {
  'garage.bay.created': v1(z.object({ bayId: id, name: z.string().max(80) }).strict()),
  'garage.bay.updated': v1(z.object({ bayId: id, fields: fieldNames }).strict()),
  'garage.bay.deleted': v1(z.object({ bayId: id }).strict()),
  'garage.schedule.hours_set': v1(z.object({ technicianId: id, intervals: z.number().int().min(0).max(28) }).strict()),
  'garage.schedule.absence_added': v1(z.object({ technicianId: id, absenceId: id, startsAt: instant, endsAt: instant }).strict()),
  'garage.schedule.absence_removed': v1(z.object({ technicianId: id, absenceId: id }).strict()),
  'garage.schedule.booked': v1(bookingRef),
  'garage.schedule.moved': v1(bookingRef),
  'garage.schedule.cancelled': v1(bookingRef),
  /** A change of the technician's hours or absences, made anyway, left this booking outside them: to re-plan. */
  'garage.schedule.replanning_needed': v1(bookingRef.extend({ reason: z.enum(['outside_hours', 'absent']) }).strict()),
  'garage.schedule.settings_changed': v1(z.object({ onlineBooking: z.enum(['capacity', 'planning']), bookingMinutes: z.number().int() }).strict()),
} as const;
