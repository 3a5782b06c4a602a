import express, { type Router } from 'express';
import { z } from 'zod';
import { principalOf, requireAuth, type AccessTokenVerifier } from '@ecar/auth-client';
import { badRequest, parseInput, unauthorized } from '@ecar/errors';
import type { LoginService } from '../domain/login.ts';
import type { MfaService } from '../domain/mfa.ts';
import type { SelfService } from '../domain/self-service.ts';
import type { SessionService } from '../domain/sessions.ts';
import type { TokenSigner } from '../domain/token-signer.ts';
import { requireLiveSession } from './live-session.ts';
import { clearTokenCookies, clientContext, refreshCookie, sendTokens, type CookiePolicy } from './token-response.ts';

// No truncation: passwords up to the policy's maximum are hashed in full; longer is refused, not cut.
const password = z.string().min(1).max(1024);
const email = z.email().max(320);
const client = z.enum(['web', 'mobile']).default('mobile');

const loginBody = z.object({ email, password, client }).strict();
const mfaLoginBody = z
  .object({ mfaToken: z.string().min(20).max(128), code: z.string().max(16).optional(), recoveryCode: z.string().max(32).optional() })
  .strict()
  .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), { message: 'Give either code or recoveryCode' });
const refreshBody = z.object({ refreshToken: z.string().min(20).max(128).optional() }).strict();
const passwordChangeBody = z.object({ currentPassword: password, newPassword: password }).strict();
const registerBody = z.object({ email, password, displayName: z.string().trim().min(1).max(200) }).strict();
const tokenBody = z.object({ token: z.string().min(20).max(128) }).strict();
const resetRequestBody = z.object({ email }).strict();
const resetConfirmBody = z.object({ token: z.string().min(20).max(128), newPassword: password }).strict();
const codeBody = z.object({ code: z.string().max(16) }).strict();

export interface AuthRoutesDeps {
  login: LoginService;
  mfa: MfaService;
  sessions: SessionService;
  self: SelfService;
  signer: TokenSigner;
  verifier: AccessTokenVerifier;
  cookies: CookiePolicy;
}

/** The public auth API (docs/mobile.md lists it for app developers) and the JWKS. */
export function authRoutes(deps: AuthRoutesDeps): Router {
  const router = express.Router();
  const live = requireLiveSession(deps.sessions);
  // Routes a super-admin may use before enrolling MFA: enrol, see who they are, sign out.
  const enrolling = [requireAuth(deps.verifier, undefined, { allowPendingMfa: true }), live];
  const signedIn = [requireAuth(deps.verifier), live];

  router.get('/.well-known/jwks.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(deps.signer.jwks());
  });

  router.post('/api/v1/auth/login', async (req, res) => {
    const body = parseInput(loginBody, req.body, 'login request');
    const outcome = await deps.login.login(body, clientContext(req, res));
    if (outcome.kind === 'mfa_required') {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ status: 'mfa_required', mfaToken: outcome.mfaToken, expiresIn: outcome.expiresIn });
      return;
    }
    sendTokens(res, outcome.tokens, deps.cookies, {
      status: outcome.mfaEnrolmentRequired ? 'mfa_enrolment_required' : 'ok',
      user: { id: outcome.user.id, role: outcome.user.role },
    });
  });

  router.post('/api/v1/auth/login/mfa', async (req, res) => {
    const body = parseInput(mfaLoginBody, req.body, 'MFA step');
    const proof = body.code !== undefined ? { code: body.code } : { recoveryCode: body.recoveryCode! };
    const { tokens, user } = await deps.mfa.completeSignIn(body.mfaToken, proof, clientContext(req, res));
    sendTokens(res, tokens, deps.cookies, { status: 'ok', user: { id: user.id, role: user.role } });
  });

  router.post('/api/v1/auth/refresh', async (req, res) => {
    const body = parseInput(refreshBody, req.body ?? {}, 'refresh request');
    const presented = body.refreshToken ?? refreshCookie(req);
    if (!presented) throw unauthorized('No refresh token');
    sendTokens(res, await deps.sessions.refresh(presented, clientContext(req, res)), deps.cookies);
  });

  router.post('/api/v1/auth/logout', ...enrolling, async (req, res) => {
    const principal = principalOf(res);
    await deps.self.logout(principal.userId, principal.sessionId, clientContext(req, res));
    clearTokenCookies(res, deps.cookies);
    res.status(204).end();
  });

  router.get('/api/v1/auth/me', ...enrolling, async (_req, res) => {
    const principal = principalOf(res);
    const user = await deps.self.currentUser(principal.userId);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      sessionId: principal.sessionId,
      mfa: principal.mfa,
      mfaEnrolled: user.mfaSecretSealed !== null,
    });
  });

  router.get('/api/v1/auth/csrf', ...enrolling, (_req, res) => {
    const principal = principalOf(res);
    if (!principal.csrfHash) throw badRequest('CSRF tokens belong to web (cookie) sessions');
    res.setHeader('Cache-Control', 'no-store');
    res.json({ csrfToken: deps.sessions.csrfTokenFor(principal.sessionId), header: 'X-CSRF-Token' });
  });

  router.post('/api/v1/auth/password', ...signedIn, async (req, res) => {
    const body = parseInput(passwordChangeBody, req.body, 'password change');
    await deps.self.changePassword(principalOf(res).userId, body.currentPassword, body.newPassword, clientContext(req, res));
    clearTokenCookies(res, deps.cookies);
    res.status(204).end();
  });

  router.post('/api/v1/auth/mfa/totp/setup', ...enrolling, async (_req, res) => {
    const enrolment = await deps.mfa.beginEnrolment(principalOf(res).userId);
    res.setHeader('Cache-Control', 'no-store');
    res.json(enrolment);
  });

  router.post('/api/v1/auth/mfa/totp/verify', ...enrolling, async (req, res) => {
    const body = parseInput(codeBody, req.body, 'TOTP confirmation');
    const principal = principalOf(res);
    const { tokens, recoveryCodes } = await deps.mfa.confirmEnrolment(principal.userId, principal.sessionId, body.code, clientContext(req, res));
    sendTokens(res, tokens, deps.cookies, { status: 'ok', recoveryCodes });
  });

  router.post('/api/v1/auth/register', async (req, res) => {
    const body = parseInput(registerBody, req.body, 'registration');
    await deps.self.register(body, clientContext(req, res));
    res.status(202).json({ status: 'verification_sent', detail: 'If the address can be used, a confirmation e-mail is on its way.' });
  });

  router.post('/api/v1/auth/email/verify', async (req, res) => {
    const body = parseInput(tokenBody, req.body, 'e-mail verification');
    await deps.self.verifyEmail(body.token, clientContext(req, res));
    res.status(204).end();
  });

  router.post('/api/v1/auth/password/reset', async (req, res) => {
    const body = parseInput(resetRequestBody, req.body, 'password reset request');
    await deps.self.requestPasswordReset(body.email, clientContext(req, res));
    res.status(202).json({ status: 'reset_sent', detail: 'If an account uses this address, a reset link is on its way.' });
  });

  router.post('/api/v1/auth/password/reset/confirm', async (req, res) => {
    const body = parseInput(resetConfirmBody, req.body, 'password reset');
    await deps.self.confirmPasswordReset(body.token, body.newPassword, clientContext(req, res));
    res.status(204).end();
  });

  return router;
}
