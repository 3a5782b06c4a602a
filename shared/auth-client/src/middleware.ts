import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '@ecar/contracts';
import { AppError, forbidden, unauthorized } from '@ecar/errors';
import { ACCESS_COOKIE, type Principal } from './claims.ts';
import { csrfTokenValid, isStateChanging } from './csrf.ts';
import { TokenRejected, type AccessTokenVerifier } from './verifier.ts';

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/** Where a token came from matters: cookie-authenticated state changes need a CSRF token. */
export type TokenSource = 'bearer' | 'cookie';

/** The access token from `Authorization: Bearer` or the `__Host-` cookie; never from the URL. */
export function extractAccessToken(req: Request): { token: string; source: TokenSource } | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (!match?.[1]) throw unauthorized('Malformed Authorization header');
    return { token: match[1], source: 'bearer' };
  }
  const cookie = cookieValue(req.headers.cookie, ACCESS_COOKIE);
  return cookie ? { token: cookie, source: 'cookie' } : undefined;
}

export function principalOf(res: Response): Principal {
  const principal = res.locals['principal'] as Principal | undefined;
  if (!principal) throw unauthorized();
  return principal;
}

export const csrfRejected = () => new AppError('A valid X-CSRF-Token header is required', { status: 403, name: 'csrf', title: 'CSRF token missing or invalid' });
export const mfaRequired = () =>
  new AppError('Multi-factor authentication is required for this account: enrol TOTP first', { status: 403, name: 'mfa-required', title: 'MFA required' });

/** A super-admin session that has not passed MFA may only enrol (AUTH-7). */
export function mfaSatisfied(principal: Principal): boolean {
  return principal.role !== 'super-admin' || principal.mfa;
}

/** Why a request was refused, for counters (the gateway's `ecar_gateway_rejected_total`). */
export type RefusalReason = 'no_token' | 'bad_token' | 'csrf' | 'mfa_required' | 'role';

export interface RequireAuthOptions {
  /** Accept a super-admin token without MFA (only the MFA enrolment routes and /me, /logout). */
  allowPendingMfa?: boolean;
  /** Told why a request is refused, just before the refusal is thrown. */
  onRefused?: (reason: RefusalReason) => void;
}

/**
 * The checks, in order: a token (401), valid and not revoked (401), the session's CSRF token on
 * a cookie-authenticated state change (APP-4, 403), MFA passed by a super-admin unless
 * `allowPendingMfa` (AUTH-7, 403), and when `roles` is given one of them (AUTH-6, 403).
 */
export async function authenticate(
  req: Request,
  verifier: AccessTokenVerifier,
  roles?: readonly Role[],
  options: RequireAuthOptions = {},
): Promise<{ principal: Principal; source: TokenSource }> {
  const refuse = (reason: RefusalReason, error: AppError) => {
    options.onRefused?.(reason);
    return error;
  };
  const found = extractAccessToken(req);
  if (!found) throw refuse('no_token', unauthorized());
  let principal: Principal;
  try {
    principal = await verifier.verify(found.token);
  } catch (error) {
    if (error instanceof TokenRejected) throw refuse('bad_token', unauthorized('Invalid or expired access token'));
    throw error;
  }
  if (found.source === 'cookie' && isStateChanging(req.method) && !csrfTokenValid(req, principal)) throw refuse('csrf', csrfRejected());
  if (!options.allowPendingMfa && !mfaSatisfied(principal)) throw refuse('mfa_required', mfaRequired());
  if (roles && !roles.includes(principal.role)) throw refuse('role', forbidden());
  return { principal, source: found.source };
}

/** `authenticate` as a route guard: the principal and where its token came from go to `res.locals`. */
export function requireAuth(verifier: AccessTokenVerifier, roles?: readonly Role[], options: RequireAuthOptions = {}): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const { principal, source } = await authenticate(req, verifier, roles, options);
      res.locals['principal'] = principal;
      res.locals['tokenSource'] = source;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** For routes that authenticate by other means but must still refuse cookie requests without CSRF. */
export function requireCsrfForCookies(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const principal = res.locals['principal'] as Principal | undefined;
    if (res.locals['tokenSource'] === 'cookie' && isStateChanging(req.method) && (!principal || !csrfTokenValid(req, principal))) {
      next(csrfRejected());
      return;
    }
    next();
  };
}
