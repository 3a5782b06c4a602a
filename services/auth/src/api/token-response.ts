import type { Request, Response } from 'express';
import { ACCESS_COOKIE, REFRESH_COOKIE, cookieValue } from '@ecar/auth-client';
import type { IssuedTokens } from '../domain/sessions.ts';

export interface CookiePolicy {
  secure: boolean;
}

/**
 * Web sessions (AUTH-3): tokens travel only in `__Host-` cookies (HttpOnly, Secure,
 * SameSite=Strict, Path=/, no Domain) and the body carries the CSRF token instead. Mobile
 * sessions get the tokens in the body and use `Authorization: Bearer`.
 */
export function sendTokens(res: Response, tokens: IssuedTokens, cookies: CookiePolicy, extra: Record<string, unknown> = {}): void {
  if (tokens.client === 'web') {
    const base = { httpOnly: true, secure: cookies.secure, sameSite: 'strict' as const, path: '/' };
    res.cookie(ACCESS_COOKIE, tokens.accessToken, { ...base, maxAge: tokens.expiresIn * 1000 });
    res.cookie(REFRESH_COOKIE, tokens.refreshToken, { ...base, maxAge: Math.max(0, tokens.refreshExpiresAt.getTime() - Date.now()) });
    res.json({ client: 'web', expiresIn: tokens.expiresIn, refreshExpiresAt: tokens.refreshExpiresAt.toISOString(), csrfToken: tokens.csrfToken, ...extra });
    return;
  }
  res.json({
    client: 'mobile',
    tokenType: 'Bearer',
    accessToken: tokens.accessToken,
    expiresIn: tokens.expiresIn,
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: tokens.refreshExpiresAt.toISOString(),
    ...extra,
  });
}

export function clearTokenCookies(res: Response, cookies: CookiePolicy): void {
  const base = { httpOnly: true, secure: cookies.secure, sameSite: 'strict' as const, path: '/' };
  res.clearCookie(ACCESS_COOKIE, base);
  res.clearCookie(REFRESH_COOKIE, base);
}

export function refreshCookie(req: Request): string | undefined {
  return cookieValue(req.headers.cookie, REFRESH_COOKIE);
}
