import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { buildEvent, type Actor } from '@ecar/contracts';
import { enqueueEvent } from '@ecar/bus';
import type { DataSource, EntityManager } from '@ecar/db';
import { unauthorized } from '@ecar/errors';
import { findUserById, type UserRow } from '../data/users.ts';
import { insertRefreshToken, insertSession, lockRefreshToken, markRefreshTokenUsed, revokeSession } from '../data/sessions.ts';
import type { TokenSigner } from './token-signer.ts';

export const PRODUCER = 'auth';

export interface ClientContext {
  ip: string;
  userAgent: string;
  correlationId: string;
}

export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
  sessionId: string;
}

/** Refresh tokens are 256-bit random strings; only their SHA-256 is stored. */
export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function userActor(user: Pick<UserRow, 'id' | 'role' | 'email'>, client: ClientContext): Actor {
  return { userId: user.id, role: user.role, email: user.email, ip: client.ip, userAgent: client.userAgent };
}

export class SessionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: TokenSigner,
    private readonly refreshTtlSeconds: number,
  ) {}

  /** Opens a session inside the caller's transaction (so the login event commits with it). */
  async open(db: EntityManager, user: UserRow, clientKind: 'web' | 'mobile', client: ClientContext): Promise<IssuedTokens> {
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    const refreshExpiresAt = new Date(Date.now() + this.refreshTtlSeconds * 1000);
    await insertSession(db, { id: sessionId, userId: user.id, client: clientKind, ip: client.ip, userAgent: client.userAgent, expiresAt: refreshExpiresAt });
    await insertRefreshToken(db, sessionId, hashRefreshToken(refreshToken));
    const access = this.signer.sign({ userId: user.id, role: user.role, sessionId, mfa: false });
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken, refreshExpiresAt, sessionId };
  }

  /**
   * Rotates a refresh token: the presented one is spent, a new one of the same session is issued.
   * Presenting a spent token again means it was stolen or replayed: the whole session (token
   * family) is revoked and `auth.token.reuse_detected` is published.
   */
  async refresh(refreshToken: string, client: ClientContext): Promise<IssuedTokens> {
    const tokenHash = hashRefreshToken(refreshToken);
    const outcome = await this.dataSource.transaction(async (db) => {
      const row = await lockRefreshToken(db, tokenHash);
      if (!row) return { kind: 'unknown' as const };
      const user = await findUserById(db, row.session.userId);
      if (!user || user.status !== 'active' || row.session.revokedAt || row.session.expiresAt.getTime() <= Date.now()) {
        return { kind: 'dead' as const };
      }
      const actor = userActor(user, client);
      const subject = { type: 'session', id: row.sessionId, ownerId: user.id };
      if (row.usedAt) {
        await revokeSession(db, row.sessionId, 'refresh_token_reuse');
        await enqueueEvent(db, buildEvent({ type: 'auth.token.reuse_detected', producer: PRODUCER, correlationId: client.correlationId, actor, subject, data: { sessionId: row.sessionId } }));
        await enqueueEvent(db, buildEvent({ type: 'auth.session.revoked', producer: PRODUCER, correlationId: client.correlationId, actor, subject, data: { sessionId: row.sessionId, reason: 'refresh_token_reuse' } }));
        return { kind: 'reused' as const };
      }
      await markRefreshTokenUsed(db, tokenHash);
      const next = newRefreshToken();
      await insertRefreshToken(db, row.sessionId, hashRefreshToken(next));
      await enqueueEvent(db, buildEvent({ type: 'auth.token.refreshed', producer: PRODUCER, correlationId: client.correlationId, actor, subject, data: { sessionId: row.sessionId } }));
      const access = this.signer.sign({ userId: user.id, role: user.role, sessionId: row.sessionId, mfa: false });
      return {
        kind: 'ok' as const,
        tokens: { accessToken: access.token, expiresIn: access.expiresIn, refreshToken: next, refreshExpiresAt: row.session.expiresAt, sessionId: row.sessionId },
      };
    });
    if (outcome.kind !== 'ok') throw unauthorized('Invalid or expired refresh token');
    return outcome.tokens;
  }
}
