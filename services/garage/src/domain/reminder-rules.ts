import type { ReminderKind } from '@ecar/contracts/requests/garage';
import type { Vehicle } from './vehicle.ts';

/** One thing a vehicle is due for: a date (and, for the service, a mileage). */
export interface VehicleDue {
  kind: ReminderKind;
  dueDate: string | null;
  dueMileageKm: number | null;
  daysLeft: number | null;
  kmLeft: number | null;
  due: boolean;
}

/** One reminder to send: the claim key (vehicle, kind, due date or mileage, lead). */
export interface ReminderToSend {
  kind: ReminderKind;
  dueDate: string | null;
  dueMileageKm: number | null;
  leadDays: number;
}

const DAY_MS = 86_400_000;

/** Whole days from `today` to `date` (both `YYYY-MM-DD`, calendar days). */
export function daysBetween(today: string, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
}

/** `date` plus `months` calendar months (the 31st becomes the month's last day). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/**
 * What a vehicle is due for on `today` (the garage's calendar date), soonest first: the next
 * service (date and/or mileage: due when either is reached) and the visite technique, insurance
 * and vignette dates. `serviceDue` of the vehicle view is the service item's `due`.
 */
export function duesOf(vehicle: Vehicle, today: string): VehicleDue[] {
  const dues: VehicleDue[] = [];
  const dated = (kind: ReminderKind, date: string | null) => {
    if (date === null) return;
    const daysLeft = daysBetween(today, date);
    dues.push({ kind, dueDate: date, dueMileageKm: null, daysLeft, kmLeft: null, due: daysLeft <= 0 });
  };
  if (vehicle.nextServiceDate !== null || vehicle.nextServiceMileageKm !== null) {
    const daysLeft = vehicle.nextServiceDate === null ? null : daysBetween(today, vehicle.nextServiceDate);
    const kmLeft = vehicle.nextServiceMileageKm === null ? null : vehicle.nextServiceMileageKm - vehicle.mileageKm;
    dues.push({
      kind: 'service',
      dueDate: vehicle.nextServiceDate,
      dueMileageKm: vehicle.nextServiceMileageKm,
      daysLeft,
      kmLeft,
      due: (daysLeft !== null && daysLeft <= 0) || (kmLeft !== null && kmLeft <= 0),
    });
  }
  dated('technical_inspection', vehicle.technicalInspectionDue);
  dated('insurance', vehicle.insuranceDue);
  dated('vignette', vehicle.vignetteDue);
  const rank = (item: VehicleDue) => (item.due ? -100_000 : 0) + (item.daysLeft ?? 100_000);
  return dues.sort((a, b) => rank(a) - rank(b));
}

export function serviceDue(vehicle: Vehicle, today: string): boolean {
  return duesOf(vehicle, today).some((item) => item.kind === 'service' && item.due);
}

/**
 * The reminders the daily job sends for a vehicle on `today`. A date is reminded at the smallest
 * lead that covers the days left (due tomorrow with leads 7 and 1: the 1-day reminder only; the
 * 7-day one was sent a week earlier, or is skipped when the date was set late); nothing once the
 * date has passed. A service by mileage is reminded once when the vehicle is `mileageLeadKm`
 * close to it. Each is claimed once (`reminder_claims`), so a rerun finds it taken.
 */
export function remindersOf(vehicle: Vehicle, today: string, leadDays: readonly number[], mileageLeadKm: number): ReminderToSend[] {
  const leads = [...new Set(leadDays)].sort((a, b) => a - b);
  const out: ReminderToSend[] = [];
  for (const item of duesOf(vehicle, today)) {
    if (item.dueDate !== null && item.daysLeft !== null && item.daysLeft >= 0) {
      const lead = leads.find((candidate) => candidate >= item.daysLeft!);
      if (lead !== undefined) out.push({ kind: item.kind, dueDate: item.dueDate, dueMileageKm: null, leadDays: lead });
    }
    if (item.kind === 'service' && item.dueMileageKm !== null && item.kmLeft !== null && item.kmLeft <= mileageLeadKm) {
      out.push({ kind: 'service', dueDate: null, dueMileageKm: item.dueMileageKm, leadDays: 0 });
    }
  }
  return out;
}
