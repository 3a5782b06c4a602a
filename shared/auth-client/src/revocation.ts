import { serviceUnavailable } from '@ecar/errors';
import { getJson, type InternalTls } from '@ecar/tls';
import type { Principal } from './claims.ts';

/** auth's internal list of recently revoked sessions, next to its JWKS (`/internal/v1/revoked-sessions`). */
export function revokedSessionsUrl(jwksUrl: string): string {
  return new URL('/internal/v1/revoked-sessions', jwksUrl).toString();
}

/** An entry of auth's snapshot: a session revoked within one access-token lifetime, or a revoked signing key. */
export type RevocationEntry = { sessionId: string; revokedAt: Date } | { keyId: string };

/** Loads auth's snapshot of sessions revoked within one access-token lifetime and of revoked signing keys (over mutual TLS in production). */
export function revokedSessionsSnapshot(url: string, tls?: InternalTls): () => Promise<RevocationEntry[]> {
  return async () => {
    const body = (await getJson(url, { tls, timeoutMs: 3_000 })) as { items?: Array<{ sessionId?: unknown; revokedAt?: unknown }>; revokedKeys?: unknown };
    if (!Array.isArray(body.items)) throw new Error('revoked-session snapshot without items');
    const sessions = body.items.flatMap((item) =>
      typeof item.sessionId === 'string' && typeof item.revokedAt === 'string' ? [{ sessionId: item.sessionId, revokedAt: new Date(item.revokedAt) }] : [],
    );
    const keys = Array.isArray(body.revokedKeys) ? body.revokedKeys.filter((kid): kid is string => typeof kid === 'string').map((keyId) => ({ keyId })) : [];
    return [...sessions, ...keys];
  };
}

/** What a fail-closed revocation check needs: whether the deny-list is current, and the list. */
export interface RevocationSource {
  current(): boolean;
  isRevoked(sessionId: string): boolean;
  /** Whether the signing key `kid` was revoked (compromised), so none of its tokens may pass. */
  isKeyRevoked?(kid: string): boolean;
}

export const revocationUnknown = () =>
  serviceUnavailable('Session revocations cannot be checked right now (the revocation feed is not current); try again shortly', 5);

/**
 * The verifier's `isRevoked`, failing closed (finding 4 of issue 12): while the deny-list is not
 * current (never loaded, or unfed beyond its grace period) every authenticated request is
 * refused with 503 instead of being served with a token whose revocation may have been missed.
 */
export function failClosedRevocation(source: RevocationSource): (principal: Principal) => boolean {
  return (principal) => {
    if (!source.current()) throw revocationUnknown();
    return source.isRevoked(principal.sessionId) || (principal.keyId !== undefined && (source.isKeyRevoked?.(principal.keyId) ?? false));
  };
}
