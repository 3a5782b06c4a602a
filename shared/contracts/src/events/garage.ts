import { z } from 'zod';

const millimes = z.number().int().min(0).max(1_000_000_000_000);

/** One estimate/invoice line as billing needs it: integer millimes, quantity in thousandths. */
export const billableLineSchema = z
  .object({
    kind: z.enum(['labour', 'part']),
    description: z.string().min(1).max(500),
    /** 1.5 hours = 1500; 2 parts = 2000. */
    quantityMilli: z.number().int().min(1).max(1_000_000_000),
    unitPriceMillimes: millimes,
    /** VAT rate in basis points: 19 % = 1900. */
    vatRateBp: z.number().int().min(0).max(10_000),
  })
  .strict();

/** Events published by the garage service. */
export const garageEvents = {
  'garage.workorder.completed': {
    version: 1,
    data: z
      .object({
        workOrderId: z.uuid(),
        customerId: z.uuid(),
        /** The auth user of the customer, when they have an account (for their own invoice access). */
        customerUserId: z.uuid().optional(),
        buyer: z
          .object({
            name: z.string().min(1).max(200),
            kind: z.enum(['person', 'company']),
            cin: z.string().regex(/^\d{8}$/).optional(),
            taxId: z.string().max(32).optional(),
            address: z.string().max(500).optional(),
            stampExempt: z.boolean().default(false),
          })
          .strict(),
        vehicle: z.object({ plate: z.string().max(32), vin: z.string().max(17).optional(), description: z.string().max(200) }).strict(),
        completedAt: z.iso.datetime({ offset: true }),
        lines: z.array(billableLineSchema).min(1).max(500),
      })
      .strict(),
  },
} as const;
