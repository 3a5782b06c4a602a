import { z } from 'zod';
import { bigintString } from '@ecar/errors';
import { EVENT_TYPE_PATTERN } from '../envelope.ts';

/** Request schemas of the audit service's super-admin API. Every object is strict. */

/** Log rows or alerts listed per page at most. */
export const MAX_AUDIT_PAGE = 200;

const datetime = z.iso.datetime({ offset: true });
const limit = z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(50);
/** The `seq` of the last row of the previous page (a PostgreSQL bigint: beyond its range is a 400, not a 5xx). */
const seqCursor = bigintString();

export const auditEventsQuery = z
  .object({
    actor: z.string().max(64).optional(),
    subject: z.string().max(200).regex(/^[a-z][a-z0-9_-]*(:[^:\s]{1,128})?$/, 'subject is "<type>" or "<type>:<id>"').optional(),
    type: z.string().max(128).regex(EVENT_TYPE_PATTERN).optional(),
    action: z.enum(['create', 'update', 'delete', 'access', 'auth', 'admin', 'system']).optional(),
    ip: z.string().max(64).optional(),
    from: datetime.optional(),
    to: datetime.optional(),
    cursor: seqCursor.optional(),
    limit,
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

export const dataAccessQuery = z
  .object({
    subject: z.string().max(200).regex(/^[a-z][a-z0-9_-]*:[^:\s]{1,128}$/, 'subject is "<type>:<id>", e.g. customer:<uuid>'),
    actor: z.string().max(64).optional(),
    from: datetime.optional(),
    to: datetime.optional(),
    cursor: seqCursor.optional(),
    limit,
  })
  .strict();

export const alertListQuery = z
  .object({
    status: z.enum(['open', 'all']).default('open'),
    rule: z.string().max(64).regex(/^[a-z_]+$/).optional(),
    cursor: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/).optional(),
    limit,
  })
  .strict();

/** Chain verification on demand: the whole chain, or what came after the last checkpoint. */
export const verifyQuery = z.object({ mode: z.enum(['full', 'incremental']).default('full') }).strict();

export const alertAckBody = z.object({ note: z.string().max(1000).optional() }).strict();

/** A customer's own access records ("who read my data", issue 15): newest first, by cursor. */
export const MAX_OWN_READS_PAGE = 50;
export const ownReadsQuery = z
  .object({
    cursor: seqCursor.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_OWN_READS_PAGE).default(20),
  })
  .strict();
