import type { Absence, Bay, Booking, WorkingInterval } from '../data/planning.ts';
import { localTime } from './tunis-time.ts';

/** What the planning knows around a period: the bays, every technician's week, absences and live bookings. */
export interface PlanningWindow {
  bays: Bay[];
  hours: WorkingInterval[];
  absences: Absence[];
  bookings: Booking[];
}

export interface Placement {
  technicianId: string;
  bayId: string;
  startsAt: Date;
  endsAt: Date;
}

export type Refusal = 'bay_unknown' | 'outside_hours' | 'absent' | 'technician_taken' | 'bay_taken';

const overlaps = (a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }) => a.startsAt < b.endsAt && b.startsAt < a.endsAt;

/** Inside one working interval of the technician, on one local day (Tunis). */
export function withinHours(hours: readonly WorkingInterval[], technicianId: string, startsAt: Date, endsAt: Date): boolean {
  const start = localTime(startsAt);
  const end = localTime(new Date(endsAt.getTime() - 1));
  if (start.date !== end.date) return false;
  const endMinute = start.minute + Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000);
  return hours.some((interval) => interval.technicianId === technicianId && interval.weekday === start.weekday && interval.startMinute <= start.minute && endMinute <= interval.endMinute);
}

/** Why `placement` cannot be booked (undefined: it can); `exceptBookingId` is the booking being moved. */
export function refusalOf(window: PlanningWindow, placement: Placement, exceptBookingId?: string): Refusal | undefined {
  if (!window.bays.some((bay) => bay.id === placement.bayId && bay.active)) return 'bay_unknown';
  if (!withinHours(window.hours, placement.technicianId, placement.startsAt, placement.endsAt)) return 'outside_hours';
  if (window.absences.some((absence) => absence.technicianId === placement.technicianId && overlaps(absence, placement))) return 'absent';
  const others = window.bookings.filter((booking) => booking.id !== exceptBookingId && overlaps(booking, placement));
  if (others.some((booking) => booking.technicianId === placement.technicianId)) return 'technician_taken';
  if (others.some((booking) => booking.bayId === placement.bayId)) return 'bay_taken';
  return undefined;
}

/** The technicians the planning knows: those with working hours, in a stable order. */
export function technicianIds(window: PlanningWindow): string[] {
  return [...new Set(window.hours.map((interval) => interval.technicianId))].sort();
}

/** The first free technician and bay for [startsAt, endsAt), optionally a given one of each. */
export function firstFree(window: PlanningWindow, startsAt: Date, endsAt: Date, only: { technicianId?: string; bayId?: string } = {}, exceptBookingId?: string): Placement | undefined {
  const technicians = only.technicianId ? [only.technicianId] : technicianIds(window);
  const bays = window.bays.filter((bay) => bay.active && (!only.bayId || bay.id === only.bayId));
  for (const technicianId of technicians) {
    for (const bay of bays) {
      const placement = { technicianId, bayId: bay.id, startsAt, endsAt };
      if (!refusalOf(window, placement, exceptBookingId)) return placement;
    }
  }
  return undefined;
}

/**
 * Free slots: every start on the slot grid in [from, to) after `now` where some technician
 * (or the one asked for) is at work, not absent, not booked, and some bay (or the one asked for)
 * is free for the whole duration. One placement per start, at most `limit`.
 */
export function freeSlots(
  window: PlanningWindow,
  query: { from: Date; to: Date; durationMinutes: number; stepMinutes: number; now: Date; technicianId?: string; bayId?: string; limit: number },
): Placement[] {
  const step = query.stepMinutes * 60_000;
  const earliest = Math.max(query.from.getTime(), query.now.getTime() + 1);
  const found: Placement[] = [];
  for (let start = Math.ceil(earliest / step) * step; start < query.to.getTime() && found.length < query.limit; start += step) {
    const startsAt = new Date(start);
    const placement = firstFree(window, startsAt, new Date(start + query.durationMinutes * 60_000), {
      ...(query.technicianId ? { technicianId: query.technicianId } : {}),
      ...(query.bayId ? { bayId: query.bayId } : {}),
    });
    if (placement) found.push(placement);
  }
  return found;
}
