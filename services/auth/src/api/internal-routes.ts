import { PEERS, route, type Route } from '@ecar/runtime';
import type { SessionService } from '../domain/sessions.ts';
import type { TokenSigner } from '../domain/token-signer.ts';

/**
 * Not routed by the gateway (its allow-list has no `/internal`): over mutual TLS only the
 * deployables that verify access tokens themselves may call it (`PEERS.tokenVerifiers`). A gateway starting up loads the sessions revoked within one access-token
 * lifetime, then follows `auth.session.revoked` events. Session ids are not credentials.
 */
export function internalRoutes(sessions: SessionService, signer: TokenSigner, accessTtlSeconds: number): Route[] {
  return [
    route({
      method: 'get',
      path: '/internal/v1/revoked-sessions',
      roles: 'public',
      peers: PEERS.tokenVerifiers,
      summary: "Sessions revoked within one access-token lifetime and revoked signing keys (the deny-list of the gateway and the services at start)",
      async handle() {
        const revoked = await sessions.recentlyRevoked(accessTtlSeconds);
        return { accessTtlSeconds, items: revoked.map((row) => ({ sessionId: row.sessionId, revokedAt: row.revokedAt.toISOString() })), revokedKeys: await signer.revokedKeys() };
      },
    }),
  ];
}
