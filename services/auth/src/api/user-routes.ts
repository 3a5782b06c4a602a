import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { principalOf, requireAuth, type AccessTokenVerifier } from '@ecar/auth-client';
import { roleSchema } from '@ecar/contracts';
import { parseInput } from '@ecar/errors';
import type { AccountAdministration, AdminActor } from '../domain/accounts.ts';
import type { MfaService } from '../domain/mfa.ts';
import type { SessionService } from '../domain/sessions.ts';
import { requireLiveSession } from './live-session.ts';
import { clientContext } from './token-response.ts';

const MAX_PAGE = 100;
const idParams = z.object({ id: z.uuid() }).strict();
const listQuery = z
  .object({
    role: roleSchema.optional(),
    status: z.enum(['active', 'disabled']).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
const createBody = z
  .object({ email: z.email().max(320), displayName: z.string().trim().min(1).max(200), role: roleSchema, password: z.string().min(1).max(1024) })
  .strict();
const patchBody = z
  .object({ email: z.email().max(320).optional(), displayName: z.string().trim().min(1).max(200).optional(), role: roleSchema.optional() })
  .strict();
const emptyBody = z.object({}).strict();

function adminActor(req: Request, res: Response): AdminActor {
  const principal = principalOf(res);
  const client = clientContext(req, res);
  return { userId: principal.userId, role: principal.role, ip: client.ip, userAgent: client.userAgent };
}

/** `/api/v1/users…`: super-admin only, at the gateway and here again (AUTH-6). */
export function userRoutes(deps: { verifier: AccessTokenVerifier; sessions: SessionService; accounts: AccountAdministration; mfa: MfaService }): Router {
  const router = express.Router();
  router.use('/api/v1/users', requireAuth(deps.verifier, ['super-admin']), requireLiveSession(deps.sessions));
  const id = (req: Request) => parseInput(idParams, req.params, 'user id').id;
  const correlation = (res: Response) => String(res.locals['correlationId']);

  router.get('/api/v1/users', async (req, res) => {
    const query = parseInput(listQuery, req.query, 'user list query');
    const page = await deps.accounts.list(query);
    res.json({ items: page.items, total: page.total, limit: query.limit, offset: query.offset });
  });

  router.post('/api/v1/users', async (req, res) => {
    const body = parseInput(createBody, req.body, 'new user');
    res.status(201).json(await deps.accounts.create(adminActor(req, res), body, correlation(res)));
  });

  router.get('/api/v1/users/:id', async (req, res) => {
    res.json(await deps.accounts.get(id(req)));
  });

  router.patch('/api/v1/users/:id', async (req, res) => {
    const body = parseInput(patchBody, req.body, 'user update');
    res.json(await deps.accounts.update(adminActor(req, res), id(req), body, correlation(res)));
  });

  router.post('/api/v1/users/:id/disable', async (req, res) => {
    parseInput(emptyBody, req.body ?? {}, 'disable request');
    res.json(await deps.accounts.disable(adminActor(req, res), id(req), correlation(res)));
  });

  router.get('/api/v1/users/:id/sessions', async (req, res) => {
    const sessions = await deps.accounts.sessionsOf(id(req));
    res.json({ items: sessions.map((session) => ({ ...session, createdAt: session.createdAt.toISOString(), expiresAt: session.expiresAt.toISOString() })) });
  });

  router.post('/api/v1/users/:id/sessions/revoke', async (req, res) => {
    parseInput(emptyBody, req.body ?? {}, 'revoke request');
    res.json({ revoked: await deps.accounts.revokeSessions(adminActor(req, res), id(req), correlation(res)) });
  });

  router.post('/api/v1/users/:id/mfa/reset', async (req, res) => {
    parseInput(emptyBody, req.body ?? {}, 'MFA reset request');
    await deps.mfa.reset(adminActor(req, res), id(req), correlation(res));
    res.status(204).end();
  });

  router.post('/api/v1/users/:id/unlock', async (req, res) => {
    parseInput(emptyBody, req.body ?? {}, 'unlock request');
    res.json({ cleared: await deps.accounts.unlockSignIn(adminActor(req, res), id(req), correlation(res)) });
  });

  return router;
}
