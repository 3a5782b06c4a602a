import { z } from 'zod';

/** Request schemas of the backup service's super-admin API. Every object is strict. */

/** Backup sets listed per page at most. */
export const MAX_BACKUP_PAGE = 100;

/** A backup set's id: its UTC start time and a random suffix, e.g. `20261127T230000Z-3fa9c1`. */
export const BACKUP_SET_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export const backupListQuery = z
  .object({
    cursor: z.string().regex(BACKUP_SET_ID).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_BACKUP_PAGE).default(20),
  })
  .strict();

export const drillListQuery = z.object({ limit: z.coerce.number().int().min(1).max(MAX_BACKUP_PAGE).default(10) }).strict();

export const backupSetParams = z.object({ id: z.string().regex(BACKUP_SET_ID) }).strict();
