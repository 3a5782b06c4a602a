import { z } from 'zod';
import { pageQuery } from './paging.ts';

/** Reminders (issue 15): what a vehicle is due for, and the super-admin's "due soon" list. Re-exported by `requests/garage`. */

/** The next service (by date and/or mileage) and the Tunisian due dates: visite technique, assurance, vignette. */
export const REMINDER_KINDS = ['service', 'technical_inspection', 'insurance', 'vignette'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

const isoDate = z.iso.date();

/** The due dates a vehicle form sets (create: optional; patch: `null` clears). */
export const vehicleDueDatesCreate = {
  technicalInspectionDue: isoDate.optional(),
  insuranceDue: isoDate.optional(),
  vignetteDue: isoDate.optional(),
};
export const vehicleDueDatesPatch = {
  technicalInspectionDue: isoDate.nullable().optional(),
  insuranceDue: isoDate.nullable().optional(),
  vignetteDue: isoDate.nullable().optional(),
  /** Sets the next service from this canned job's interval: today + its months, the mileage + its kilometres. */
  nextServiceFromCannedJobId: z.uuid().optional(),
};

/** A canned job's service interval (vidange every 12 months or 10 000 km): optional on the canned job. */
export const cannedJobIntervalFields = {
  serviceIntervalMonths: z.number().int().min(1).max(120).optional(),
  serviceIntervalKm: z.number().int().min(100).max(500_000).optional(),
};

/** `GET /api/v1/reminders/due-soon`: vehicles with something due within `withinDays` (or already due), id-ordered pages. */
export const dueSoonQuery = z
  .object({
    ...pageQuery,
    withinDays: z.coerce.number().int().min(0).max(366).default(30),
    kind: z.enum(REMINDER_KINDS).optional(),
  })
  .strict();
