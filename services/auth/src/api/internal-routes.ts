import express, { type Router } from 'express';
import type { SessionService } from '../domain/sessions.ts';

/**
 * Not routed by the gateway (its allow-list has no `/internal`): only deployables on the internal
 * network reach it. A gateway starting up loads the sessions revoked within one access-token
 * lifetime, then follows `auth.session.revoked` events. Session ids are not credentials.
 */
export function internalRoutes(sessions: SessionService, accessTtlSeconds: number): Router {
  const router = express.Router();
  router.get('/internal/v1/revoked-sessions', async (_req, res) => {
    const revoked = await sessions.recentlyRevoked(accessTtlSeconds);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ accessTtlSeconds, items: revoked.map((row) => ({ sessionId: row.sessionId, revokedAt: row.revokedAt.toISOString() })) });
  });
  return router;
}
