import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { CSRF_HEADER, type Principal } from './claims.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The `csh` claim of a web session's access token: SHA-256 of its CSRF token, base64url. */
export function csrfTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Double-submit token bound to the session (APP-4): the token's hash is signed into the access
 * token, so a request authenticated by cookie must also carry the token itself in X-CSRF-Token,
 * which a cross-site page cannot read. Any verifier checks it without a shared secret.
 */
export function csrfTokenValid(req: Request, principal: Principal): boolean {
  const presented = req.get(CSRF_HEADER);
  if (!presented || presented.length > 256 || !principal.csrfHash) return false;
  const expected = Buffer.from(principal.csrfHash);
  const actual = Buffer.from(csrfTokenHash(presented));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
