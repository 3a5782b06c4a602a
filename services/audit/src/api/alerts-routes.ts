import express, { type Router } from 'express';
import { z } from 'zod';
import { principalOf } from '@ecar/auth-client';
import type { DataSource } from '@ecar/db';
import { parseInput } from '@ecar/errors';
import { clientInfo } from '@ecar/http';
import { acknowledge, alertPage } from '../domain/alerts.ts';
import { MAX_PAGE_SIZE } from './events-routes.ts';

const alertsQuery = z
  .object({
    status: z.enum(['open', 'all']).default('open'),
    rule: z.string().max(64).regex(/^[a-z_]+$/).optional(),
    cursor: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  })
  .strict();

const ackBody = z.object({ note: z.string().max(1000).optional() }).strict();

/** INC-1: alerts raised by the anomaly rules, newest first; super-admins acknowledge them. */
export function alertsRoutes(dataSource: DataSource): Router {
  const router = express.Router();

  router.get('/api/v1/audit/alerts', async (req, res) => {
    const query = parseInput(alertsQuery, req.query, 'query');
    const page = await alertPage(dataSource, { status: query.status, rule: query.rule }, query.cursor, query.limit);
    res.setHeader('Cache-Control', 'no-store');
    res.json(page);
  });

  router.post('/api/v1/audit/alerts/:id/ack', async (req, res) => {
    const body = parseInput(ackBody, req.body ?? {}, 'body');
    const principal = principalOf(res);
    const client = clientInfo(req);
    const alert = await acknowledge(dataSource, {
      alertId: String(req.params['id']),
      note: body.note,
      actor: { userId: principal.userId, role: principal.role, ip: client.ip, userAgent: client.userAgent },
      correlationId: String(res.locals['correlationId']),
    });
    res.json(alert);
  });

  return router;
}
