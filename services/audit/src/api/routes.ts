import express, { type Router } from 'express';
import { requireAuth, type AccessTokenVerifier } from '@ecar/auth-client';
import type { DataSource } from '@ecar/db';
import type { ChainHasher } from '../domain/chain.ts';
import { verifyChain } from '../domain/verify.ts';
import { alertsRoutes } from './alerts-routes.ts';
import { eventsRoutes } from './events-routes.ts';

export { MAX_PAGE_SIZE } from './events-routes.ts';

/** Everything under /api/v1/audit is for super-admins only. */
export function auditRoutes(dataSource: DataSource, verifier: AccessTokenVerifier, hash: ChainHasher): Router {
  const router = express.Router();
  router.use('/api/v1/audit', requireAuth(verifier, ['super-admin']));
  router.use(eventsRoutes(dataSource));
  router.use(alertsRoutes(dataSource));
  router.get('/api/v1/audit/verify', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await verifyChain(dataSource.manager, hash));
  });
  return router;
}
