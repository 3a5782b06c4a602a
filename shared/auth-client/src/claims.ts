import { ROLES, type Role } from '@ecar/contracts';

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  userId: string;
  role: Role;
  sessionId: string;
  tokenId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** True when the session passed MFA. */
  mfa: boolean;
  /** The `kid` of the key that signed the token (set by the verifier): a revoked key's tokens are refused even from the cache. */
  keyId?: string;
  /** SHA-256 (base64url) of the web session's CSRF token; absent for bearer-only (mobile) sessions. */
  csrfHash?: string;
}

export const ACCESS_TOKEN_ALGORITHM = 'ES256' as const;
export const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
export const ACCESS_COOKIE = '__Host-ecar_access';
export const REFRESH_COOKIE = '__Host-ecar_refresh';
export const CSRF_HEADER = 'x-csrf-token';

export function principalFromClaims(claims: Record<string, unknown>): Principal | undefined {
  const { sub, role, sid, jti, exp, amr, csh } = claims;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') return undefined;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return undefined;
  return {
    userId: sub,
    role: role as Role,
    sessionId: sid,
    tokenId: jti,
    expiresAt: exp,
    mfa: Array.isArray(amr) && amr.includes('otp'),
    ...(typeof csh === 'string' ? { csrfHash: csh } : {}),
  };
}
