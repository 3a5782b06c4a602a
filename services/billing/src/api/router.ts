import express, { type Router } from 'express';
import { principalOf, requireAuth, type AccessTokenVerifier } from '@ecar/auth-client';
import { clientInfo } from '@ecar/http';
import type { Caller } from '../domain/types.ts';
import { BILLING_ROUTES, rolesOf, type BillingRoute, type RouteDeps } from './route-table.ts';

/** Mounts every route of BILLING_ROUTES — and nothing else — each behind its role guard. */
export function billingRouter(verifier: AccessTokenVerifier, deps: RouteDeps): Router {
  const router = express.Router();
  for (const route of BILLING_ROUTES as readonly BillingRoute[]) {
    router[route.method](route.path, requireAuth(verifier, rolesOf(route)), async (req, res) => {
      const principal = principalOf(res);
      const client = clientInfo(req);
      const caller: Caller = {
        userId: principal.userId,
        role: principal.role,
        correlationId: String(res.locals['correlationId']),
        ip: client.ip,
        userAgent: client.userAgent,
      };
      res.setHeader('Cache-Control', 'no-store');
      await route.handle({ req, res, caller, deps });
    });
  }
  return router;
}
