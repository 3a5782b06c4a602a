import { z } from 'zod';

const id = z.uuid();
const v1 = <T extends z.ZodType>(data: T) => ({ version: 1, data }) as const;

/** Reminders of the garage service (issue 15): published once per (vehicle, kind, due, lead) by the daily job. */
export const garageReminderEvents = {
  /**
   * Something is due on a customer's vehicle: the next service (by date or mileage), the visite
   * technique, the insurance or the vignette. `vehicle` is make and model (no plate: the audit
   * log keeps events for years). A service message for the notify service.
   */
  'garage.reminder.due': v1(
    z
      .object({
        reminderId: id,
        vehicleId: id,
        customerId: id,
        kind: z.enum(['service', 'technical_inspection', 'insurance', 'vignette']),
        /** One of the two: a due date, or (a service by mileage) the due mileage. */
        dueDate: z.iso.date().optional(),
        dueMileageKm: z.number().int().min(0).max(5_000_000).optional(),
        /** Days before the due date this reminder is for (0 for a mileage reminder). */
        leadDays: z.number().int().min(0).max(366),
        vehicle: z.string().max(200),
      })
      .strict(),
  ),
} as const;
