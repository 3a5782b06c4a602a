import { ROLES } from '@ecar/contracts';
import {
  totpEnrolmentBody,
  loginBody,
  mfaLoginBody,
  passwordChangeBody,
  refreshBody,
  registerBody,
  resetConfirmBody,
  resendVerificationBody,
  resetRequestBody,
  tokenBody,
} from '@ecar/contracts/requests/auth';
import { badRequest, unauthorized } from '@ecar/errors';
import { PEERS, route, type Route } from '@ecar/runtime';
import type { LoginService } from '../domain/login.ts';
import type { MfaService } from '../domain/mfa.ts';
import type { SelfService } from '../domain/self-service.ts';
import type { SessionService } from '../domain/sessions.ts';
import type { TokenSigner } from '../domain/token-signer.ts';
import { requireLiveSession } from './live-session.ts';
import { clearTokenCookies, refreshCookie, sendTokens, type CookiePolicy } from './token-response.ts';

export interface AuthRoutesDeps {
  login: LoginService;
  mfa: MfaService;
  sessions: SessionService;
  self: SelfService;
  signer: TokenSigner;
  cookies: CookiePolicy;
}

/** The public auth API (docs/mobile.md lists it for app developers) and the JWKS. */
export function authRoutes(deps: AuthRoutesDeps): Route[] {
  // auth checks revocation itself against its own table: a revoked session is refused at once.
  const live = [requireLiveSession(deps.sessions)];
  return [
    route({
      method: 'get',
      path: '/.well-known/jwks.json',
      roles: 'public',
      peers: PEERS.tokenVerifiers,
      summary: 'The public keys that verify access tokens (current and recently retired)',
      async handle({ res }) {
        res.setHeader('Cache-Control', 'public, max-age=300');
        return deps.signer.jwks();
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/login',
      roles: 'public',
      body: loginBody,
      summary: 'Sign in with e-mail and password (web: cookies; mobile: tokens in the body)',
      async handle({ body, client, res }) {
        const outcome = await deps.login.login(body, client);
        if (outcome.kind === 'mfa_required') return { status: 'mfa_required', mfaToken: outcome.mfaToken, expiresIn: outcome.expiresIn };
        sendTokens(res, outcome.tokens, deps.cookies, {
          status: outcome.mfaEnrolmentRequired ? 'mfa_enrolment_required' : 'ok',
          user: { id: outcome.user.id, role: outcome.user.role },
        });
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/login/mfa',
      roles: 'public',
      body: mfaLoginBody,
      summary: 'Second step of a sign-in: a TOTP code or a recovery code',
      async handle({ body, client, res }) {
        const proof = body.code !== undefined ? { code: body.code } : { recoveryCode: body.recoveryCode! };
        const { tokens, user } = await deps.mfa.completeSignIn(body.mfaToken, proof, client);
        sendTokens(res, tokens, deps.cookies, { status: 'ok', user: { id: user.id, role: user.role } });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/refresh',
      roles: 'public',
      body: refreshBody,
      summary: 'New tokens for a refresh token (rotated; a reused one ends its session)',
      async handle({ body, client, req, res }) {
        const presented = body.refreshToken ?? refreshCookie(req);
        if (!presented) throw unauthorized('No refresh token');
        sendTokens(res, await deps.sessions.refresh(presented, client), deps.cookies);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/logout',
      roles: ROLES,
      allowPendingMfa: true,
      guards: live,
      summary: 'End this session',
      async handle({ principal, client, res }) {
        await deps.self.logout(principal.userId, principal.sessionId, client);
        clearTokenCookies(res, deps.cookies);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/auth/me',
      roles: ROLES,
      allowPendingMfa: true,
      guards: live,
      summary: 'The signed-in user and session',
      async handle({ principal }) {
        const user = await deps.self.currentUser(principal.userId);
        return {
          id: user.id,
          email: user.email,
          displayName: user.displayName,
          role: user.role,
          sessionId: principal.sessionId,
          mfa: principal.mfa,
          mfaEnrolled: user.mfaSecretSealed !== null,
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/auth/csrf',
      roles: ROLES,
      allowPendingMfa: true,
      guards: live,
      summary: 'The CSRF token of a web session (for X-CSRF-Token)',
      async handle({ principal }) {
        if (!principal.csrfHash) throw badRequest('CSRF tokens belong to web (cookie) sessions');
        return { csrfToken: deps.sessions.csrfTokenFor(principal.sessionId), header: 'X-CSRF-Token' };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/password',
      roles: ROLES,
      guards: live,
      body: passwordChangeBody,
      summary: 'Change the password (the current one is required); every session ends',
      async handle({ principal, body, client, res }) {
        await deps.self.changePassword(principal.userId, body.currentPassword, body.newPassword, client);
        clearTokenCookies(res, deps.cookies);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/mfa/totp/setup',
      roles: ROLES,
      allowPendingMfa: true,
      guards: live,
      summary: "Start TOTP enrolment: a new secret and its QR code; a one-time code goes to the account's e-mail",
      handle: ({ principal, client }) => deps.mfa.beginEnrolment(principal.userId, client),
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/mfa/totp/verify',
      roles: ROLES,
      allowPendingMfa: true,
      guards: live,
      body: totpEnrolmentBody,
      summary: 'Confirm TOTP enrolment with the e-mailed code and a code of the authenticator; returns recovery codes and MFA tokens',
      async handle({ principal, body, client, res }) {
        const { tokens, recoveryCodes } = await deps.mfa.confirmEnrolment(principal.userId, principal.sessionId, body, client);
        sendTokens(res, tokens, deps.cookies, { status: 'ok', recoveryCodes });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/register',
      roles: 'public',
      body: registerBody,
      success: 202,
      summary: 'Sign up as a customer; a confirmation e-mail follows',
      async handle({ body, client }) {
        await deps.self.register(body, client);
        return { status: 'verification_sent', detail: 'If the address can be used, a confirmation e-mail is on its way.' };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/email/verify',
      roles: 'public',
      body: tokenBody,
      summary: 'Confirm an e-mail address with the token of the confirmation link',
      handle: ({ body, client }) => deps.self.verifyEmail(body.token, client),
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/password/reset',
      roles: 'public',
      body: resetRequestBody,
      success: 202,
      summary: 'Ask for a password reset link (same answer whether the account exists or not)',
      async handle({ body, client }) {
        await deps.self.requestPasswordReset(body.email, client);
        return { status: 'reset_sent', detail: 'If an account uses this address, a reset link is on its way.' };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/password/reset/confirm',
      roles: 'public',
      body: resetConfirmBody,
      summary: 'Set a new password with the token of the reset link; every session ends',
      handle: ({ body, client }) => deps.self.confirmPasswordReset(body.token, body.newPassword, client),
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/email/verify/resend',
      roles: 'public',
      body: resendVerificationBody,
      success: 202,
      summary: 'Send the confirmation e-mail again (same answer whether an unverified account uses the address or not; limited per address)',
      async handle({ body, client }) {
        await deps.self.resendVerification(body.email, client);
        return { status: 'verification_sent', detail: 'If an unconfirmed account uses this address, a confirmation e-mail is on its way.' };
      },
    }),
  ];
}
