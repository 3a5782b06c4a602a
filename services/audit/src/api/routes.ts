import express, { type Router } from 'express';
import { z } from 'zod';
import { requireAuth, type AccessTokenVerifier } from '@ecar/auth-client';
import { EVENT_TYPE_PATTERN } from '@ecar/contracts';
import type { DataSource } from '@ecar/db';
import { parseInput } from '@ecar/errors';
import { queryAuditEvents } from '../data/audit-events.ts';

export const MAX_PAGE_SIZE = 200;

const eventsQuery = z
  .object({
    actor: z.string().max(64).optional(),
    subject: z
      .string()
      .max(200)
      .regex(/^[a-z][a-z0-9_-]*(:[^:\s]{1,128})?$/, 'subject is "<type>" or "<type>:<id>"')
      .optional(),
    type: z.string().max(128).regex(EVENT_TYPE_PATTERN).optional(),
    action: z.enum(['create', 'update', 'delete', 'access', 'auth', 'admin', 'system']).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    cursor: z.string().regex(/^\d{1,19}$/).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  })
  .strict();

export function auditRoutes(dataSource: DataSource, verifier: AccessTokenVerifier): Router {
  const router = express.Router();
  router.use('/api/v1/audit', requireAuth(verifier, ['super-admin']));

  router.get('/api/v1/audit/events', async (req, res) => {
    const query = parseInput(eventsQuery, req.query, 'query');
    const [subjectType, subjectId] = query.subject ? query.subject.split(':') : [];
    const rows = await queryAuditEvents(dataSource.manager, {
      ...(query.actor ? { actor: query.actor } : {}),
      ...(subjectType ? { subjectType } : {}),
      ...(subjectId ? { subjectId } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      ...(query.cursor ? { before: BigInt(query.cursor) } : {}),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const next = rows.length > query.limit ? page[page.length - 1]?.seq : undefined;
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items: page, nextCursor: next ?? null });
  });

  return router;
}
