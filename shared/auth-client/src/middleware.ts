import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '@ecar/contracts';
import { forbidden, unauthorized } from '@ecar/errors';
import { ACCESS_COOKIE, type Principal } from './claims.ts';
import { TokenRejected, type AccessTokenVerifier } from './verifier.ts';

function cookieValue(header: string | undefined, name: string): string | undefined {
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

/** Verifies the token and, when `roles` is given, that the caller has one of them (AUTH-6). */
export function requireAuth(verifier: AccessTokenVerifier, roles?: readonly Role[]): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const found = extractAccessToken(req);
      if (!found) throw unauthorized();
      let principal: Principal;
      try {
        principal = await verifier.verify(found.token);
      } catch (error) {
        if (error instanceof TokenRejected) throw unauthorized('Invalid or expired access token');
        throw error;
      }
      if (roles && !roles.includes(principal.role)) throw forbidden();
      res.locals['principal'] = principal;
      res.locals['tokenSource'] = found.source;
      next();
    } catch (error) {
      next(error);
    }
  };
}
