import { z } from 'zod';

const backupId = z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
const reason = z.string().max(1000);
const trigger = z.enum(['schedule', 'catch-up', 'manual']);

/** Events published by the backup service (AUD-5, INC-4, INC-5, INC-6); subject `backup:<id>` or `backup-drill:<id>`. */
export const backupEvents = {
  'backup.run.started': {
    version: 1,
    data: z.object({ backupId, trigger }).strict(),
  },
  'backup.run.succeeded': {
    version: 1,
    data: z
      .object({ backupId, trigger, sizeBytes: z.number().int().min(0), durationMs: z.number().int().min(0), files: z.number().int().min(1), keyId: z.string().max(100) })
      .strict(),
  },
  'backup.run.failed': {
    version: 1,
    data: z.object({ backupId, trigger, durationMs: z.number().int().min(0), reason }).strict(),
  },
  'backup.upload.succeeded': {
    version: 1,
    data: z.object({ backupId, host: z.string().max(253), attempts: z.number().int().min(1) }).strict(),
  },
  'backup.upload.failed': {
    version: 1,
    data: z
      .object({ backupId, host: z.string().max(253), attempts: z.number().int().min(1), nextAttemptAt: z.iso.datetime({ offset: true }), reason })
      .strict(),
  },
  'backup.drill.succeeded': {
    version: 1,
    data: z
      .object({ drillId: z.uuid(), backupId, databases: z.number().int().min(0), tables: z.number().int().min(0), durationMs: z.number().int().min(0) })
      .strict(),
  },
  'backup.drill.failed': {
    version: 1,
    data: z
      .object({ drillId: z.uuid(), backupId: backupId.nullable(), durationMs: z.number().int().min(0), reason, mismatches: z.array(z.string().max(300)).max(50) })
      .strict(),
  },
} as const;
