import { z } from 'zod';
import { textSchema } from '../formats.ts';
import { pageQuery } from './paging.ts';

/** Request schemas of the garage's planning (issue 14): bays, technicians' hours and absences, bookings, free slots; re-exported by `requests/garage`. */

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
/** Local wall-clock time in Tunis, `HH:MM` (24 h); `24:00` ends a day. */
export const clockTimeSchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time HH:MM (00:00 to 24:00)');
/** A booking's length in minutes: a quarter of an hour to ten hours. */
export const durationMinutesSchema = z.number().int().min(15).max(600);

export const bayBody = z.object({ name: textSchema(80), note: textSchema(300).optional() }).strict();
export const patchBayBody = z
  .object({ name: textSchema(80).optional(), note: textSchema(300).nullable().optional(), active: z.boolean().optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to change' });

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** One working interval of a weekday (1 = Monday … 7 = Sunday), in Tunis time. */
export const workingIntervalSchema = z
  .object({ weekday: z.number().int().min(1).max(7), start: clockTimeSchema, end: clockTimeSchema })
  .strict()
  .refine((interval) => minutesOf(interval.start) < minutesOf(interval.end), { message: 'start before end', path: ['end'] });

/** A technician's whole week (replaces the previous one); intervals of one day never overlap. */
export const workingHoursBody = z
  .object({
    hours: z.array(workingIntervalSchema).max(28),
    /** Make the change even if bookings no longer fit: they are flagged for re-planning (without it: 409 listing them). */
    replan: z.boolean().optional(),
  })
  .strict()
  .refine(
    (body) => {
      const sorted = [...body.hours].sort((a, b) => a.weekday - b.weekday || minutesOf(a.start) - minutesOf(b.start));
      return sorted.every((interval, index) => {
        const previous = sorted[index - 1];
        return !previous || previous.weekday !== interval.weekday || minutesOf(previous.end) <= minutesOf(interval.start);
      });
    },
    { message: 'intervals of one day overlap', path: ['hours'] },
  );

export const absenceBody = z
  .object({ startsAt: instant, endsAt: instant, reason: textSchema(300), replan: z.boolean().optional() })
  .strict()
  .refine((body) => body.startsAt < body.endsAt, { message: 'start before end', path: ['endsAt'] })
  .refine((body) => body.endsAt.getTime() - body.startsAt.getTime() <= 366 * 86_400_000, { message: 'at most one year', path: ['endsAt'] });

/** Put an appointment or a work order on a technician and a bay, from `start` for `durationMinutes`. */
export const scheduleBody = z.object({ technicianId: z.uuid(), bayId: z.uuid(), start: instant, durationMinutes: durationMinutesSchema }).strict();

export const planningDayQuery = z.object({ date: z.iso.date() }).strict();
export const replanningQuery = z.object({ ...pageQuery }).strict();

/** Free slots between two instants (at most 14 days apart), for a duration, optionally on one technician or one bay. */
export const freeSlotsQuery = z
  .object({
    from: instant,
    to: instant,
    durationMinutes: z.coerce.number().pipe(durationMinutesSchema).optional(),
    technicianId: z.uuid().optional(),
    bayId: z.uuid().optional(),
  })
  .strict()
  .refine((query) => query.from < query.to, { message: 'from before to', path: ['to'] })
  .refine((query) => query.to.getTime() - query.from.getTime() <= 14 * 86_400_000, { message: 'at most 14 days', path: ['to'] });

export const ONLINE_BOOKING_MODES = ['capacity', 'planning'] as const;
export type OnlineBookingMode = (typeof ONLINE_BOOKING_MODES)[number];

/** How online booking finds room, and how long a booked appointment lasts. */
export const planningSettingsBody = z.object({ onlineBooking: z.enum(ONLINE_BOOKING_MODES), bookingMinutes: durationMinutesSchema }).strict();

/** Planning fields an admin may give when creating an appointment (customers get a technician and a bay assigned). */
export const appointmentPlacementFields = {
  technicianId: z.uuid().optional(),
  bayId: z.uuid().optional(),
  durationMinutes: durationMinutesSchema.optional(),
};
