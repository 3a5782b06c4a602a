import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { principalOf, requireAuth, type AccessTokenVerifier } from '@ecar/auth-client';
import { notFound, parseInput } from '@ecar/errors';
import { clientInfo } from '@ecar/http';
import type { DataSource } from '@ecar/db';
import { findUserById } from '../data/users.ts';
import type { LoginService } from '../domain/login.ts';
import type { ClientContext, SessionService } from '../domain/sessions.ts';
import type { TokenSigner } from '../domain/token-signer.ts';

const loginBody = z
  .object({
    email: z.email().max(320),
    // No truncation: up to 128 characters are hashed in full; longer is refused, not cut.
    password: z.string().min(1).max(128),
    client: z.enum(['web', 'mobile']).default('mobile'),
  })
  .strict();

const refreshBody = z.object({ refreshToken: z.string().min(20).max(128) }).strict();

function clientContext(req: Request, res: Response): ClientContext {
  return { ...clientInfo(req), correlationId: String(res.locals['correlationId']) };
}

export interface AuthRoutesDeps {
  dataSource: DataSource;
  login: LoginService;
  sessions: SessionService;
  signer: TokenSigner;
  verifier: AccessTokenVerifier;
}

export function authRoutes(deps: AuthRoutesDeps): Router {
  const router = express.Router();

  router.get('/.well-known/jwks.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(deps.signer.jwks());
  });

  router.post('/api/v1/auth/login', async (req, res) => {
    const body = parseInput(loginBody, req.body, 'login request');
    const result = await deps.login.login(body, clientContext(req, res));
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      tokenType: 'Bearer',
      accessToken: result.accessToken,
      expiresIn: result.expiresIn,
      refreshToken: result.refreshToken,
      refreshExpiresAt: result.refreshExpiresAt.toISOString(),
      user: { id: result.userId, role: result.role },
    });
  });

  router.post('/api/v1/auth/refresh', async (req, res) => {
    const body = parseInput(refreshBody, req.body, 'refresh request');
    const result = await deps.sessions.refresh(body.refreshToken, clientContext(req, res));
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      tokenType: 'Bearer',
      accessToken: result.accessToken,
      expiresIn: result.expiresIn,
      refreshToken: result.refreshToken,
      refreshExpiresAt: result.refreshExpiresAt.toISOString(),
    });
  });

  router.get('/api/v1/auth/me', requireAuth(deps.verifier), async (_req, res) => {
    const principal = principalOf(res);
    const user = await findUserById(deps.dataSource.manager, principal.userId);
    if (!user || user.status !== 'active') throw notFound('User not found');
    res.setHeader('Cache-Control', 'no-store');
    res.json({ id: user.id, email: user.email, displayName: user.displayName, role: user.role, sessionId: principal.sessionId, mfa: principal.mfa });
  });

  return router;
}
