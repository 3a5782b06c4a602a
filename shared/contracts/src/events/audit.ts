import { z } from 'zod';

/** Events published by the audit service. */
export const auditEvents = {
  /** An anomaly rule fired (INC-1); subject is the alert, `key` what it is about (an account hash, an IP, a user id). */
  'audit.alert.raised': {
    version: 1,
    data: z
      .object({
        alertId: z.uuid(),
        rule: z.string().regex(/^[a-z][a-z_]{0,63}$/),
        severity: z.enum(['warning', 'critical']),
        key: z.string().max(200),
        summary: z.string().max(500),
        triggeringEventId: z.uuid().optional(),
      })
      .strict(),
  },
  'audit.alert.acknowledged': {
    version: 1,
    data: z.object({ alertId: z.uuid(), note: z.string().max(1000).optional() }).strict(),
  },
  /** An operator ran the breach report (INC-3): who was looked up, over which window, how many customers it found. */
  'audit.breach_report.generated': {
    version: 1,
    data: z
      .object({
        account: z.string().max(64).optional(),
        ip: z.string().max(64).optional(),
        from: z.iso.datetime({ offset: true }),
        to: z.iso.datetime({ offset: true }),
        affectedCustomers: z.number().int().min(0),
      })
      .strict(),
  },
  /** The retention purge removed the oldest rows of the chain (AUD-2); the chain continues from `anchorHash`. */
  'audit.retention.purged': {
    version: 1,
    data: z
      .object({
        purgedRows: z.number().int().min(0),
        throughSeq: z.string().regex(/^\d{1,19}$/).optional(),
        anchorHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
        cutoff: z.iso.datetime({ offset: true }),
        retentionDays: z.number().int().min(365),
      })
      .strict(),
  },
} as const;
