import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { csrfTokenHash } from '@ecar/auth-client';
import { newEvent, type Actor } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { unauthorized } from '@ecar/errors';
import type { UnitOfWork } from '@ecar/runtime';
import { findUserById, type UserRow } from '../data/users.ts';
import {
  findSession,
  insertRefreshToken,
  insertSession,
  lockRefreshToken,
  markRefreshTokenUsed,
  markSessionMfa,
  revokeSession,
  revokeUserSessions,
  spendSessionRefreshTokens,
  recentlyRevokedSessionIds,
  type SessionRow,
} from '../data/sessions.ts';
import type { TokenSigner } from './token-signer.ts';
import { authorOf, inTransaction, publish } from './auth-events.ts';

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
  client: 'web' | 'mobile';
  /** Web sessions only: the token to send in X-CSRF-Token. */
  csrfToken?: string;
}

/** Opaque 256-bit random secrets (refresh tokens, one-time links); only their SHA-256 is stored. */
export function hashSecret(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** An actor that is a signed-in user (admin actions carry one). */
export type UserActor = Extract<Actor, { userId: string }>;

export function userActor(user: Pick<UserRow, 'id' | 'role' | 'email'>, client: ClientContext): UserActor {
  return { userId: user.id, role: user.role, email: user.email, ip: client.ip, userAgent: client.userAgent };
}

export interface SessionOptions {
  refreshTtlSeconds: number;
  csrfKey: Buffer;
}

/** Sessions, their refresh-token families and their revocation (AUTH-2). */
export class SessionService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly signer: TokenSigner,
    private readonly options: SessionOptions,
  ) {}

  /** The CSRF token of a web session: derived from its id, so it survives refreshes and page reloads. */
  csrfTokenFor(sessionId: string): string {
    return createHmac('sha256', this.options.csrfKey).update(`csrf\u0000${sessionId}`).digest('base64url');
  }

  private access(user: Pick<UserRow, 'id' | 'role'>, session: Pick<SessionRow, 'id' | 'client' | 'mfa'>) {
    const csrfToken = session.client === 'web' ? this.csrfTokenFor(session.id) : undefined;
    const signed = this.signer.sign({
      userId: user.id,
      role: user.role,
      sessionId: session.id,
      mfa: session.mfa,
      ...(csrfToken ? { csrfHash: csrfTokenHash(csrfToken) } : {}),
    });
    return { accessToken: signed.token, expiresIn: signed.expiresIn, ...(csrfToken ? { csrfToken } : {}) };
  }

  /** Opens a session inside the caller's transaction (so the login event commits with it). */
  async open(db: EntityManager, user: UserRow, clientKind: 'web' | 'mobile', client: ClientContext, mfa: boolean): Promise<IssuedTokens> {
    const sessionId = randomUUID();
    const refreshToken = newSecret();
    const refreshExpiresAt = new Date(Date.now() + this.options.refreshTtlSeconds * 1000);
    await insertSession(db, { id: sessionId, userId: user.id, client: clientKind, ip: client.ip, userAgent: client.userAgent, expiresAt: refreshExpiresAt, mfa });
    await insertRefreshToken(db, sessionId, hashSecret(refreshToken));
    return { ...this.access(user, { id: sessionId, client: clientKind, mfa }), refreshToken, refreshExpiresAt, sessionId, client: clientKind };
  }

  /**
   * After TOTP enrolment the session has proven the second factor: it is marked so and gets a
   * new refresh token (the old one is spent) and an access token with `amr: otp`.
   */
  async upgradeToMfa(db: EntityManager, user: UserRow, sessionId: string): Promise<IssuedTokens> {
    const session = await findSession(db, sessionId);
    if (!session || session.userId !== user.id || session.revokedAt) throw unauthorized('Session is no longer valid');
    await markSessionMfa(db, sessionId);
    await spendSessionRefreshTokens(db, sessionId);
    const refreshToken = newSecret();
    await insertRefreshToken(db, sessionId, hashSecret(refreshToken));
    return { ...this.access(user, { ...session, mfa: true }), refreshToken, refreshExpiresAt: session.expiresAt, sessionId, client: session.client };
  }

  /** True when the session exists, belongs to the user and is neither revoked nor expired. */
  async isLive(sessionId: string, userId: string): Promise<boolean> {
    const session = await findSession(this.unitOfWork.dataSource.manager, sessionId);
    return !!session && session.userId === userId && !session.revokedAt && session.expiresAt.getTime() > Date.now();
  }

  /**
   * True when the session was revoked: auth checks its own table on every authenticated request
   * (it is the source of revocations; a database it cannot reach fails the request, never opens it).
   */
  async isRevoked(sessionId: string): Promise<boolean> {
    const session = await findSession(this.unitOfWork.dataSource.manager, sessionId);
    return !!session?.revokedAt;
  }

  /**
   * Sessions revoked recently enough that one of their access tokens may still be alive: what a
   * gateway needs to rebuild its deny-list when it starts.
   */
  async recentlyRevoked(accessTtlSeconds: number): Promise<Array<{ sessionId: string; revokedAt: Date }>> {
    const rows = await recentlyRevokedSessionIds(this.unitOfWork.dataSource.manager, accessTtlSeconds);
    return rows.map((row) => ({ sessionId: row.id, revokedAt: row.revokedAt }));
  }

  /**
   * Rotates a refresh token: the presented one is spent, a new one of the same session is issued.
   * Presenting a spent token again means it was stolen or replayed: the whole session (token
   * family) is revoked and `auth.token.reuse_detected` is published.
   */
  async refresh(refreshToken: string, client: ClientContext): Promise<IssuedTokens> {
    const tokenHash = hashSecret(refreshToken);
    const outcome = await inTransaction(this.unitOfWork, async (db) => {
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
        await publish(this.unitOfWork, db, newEvent(authorOf(actor, client.correlationId), 'auth.token.reuse_detected', subject, { sessionId: row.sessionId }));
        await publish(this.unitOfWork, db, newEvent(authorOf(actor, client.correlationId), 'auth.session.revoked', subject, { sessionId: row.sessionId, reason: 'refresh_token_reuse' }));
        return { kind: 'reused' as const };
      }
      await markRefreshTokenUsed(db, tokenHash);
      const next = newSecret();
      await insertRefreshToken(db, row.sessionId, hashSecret(next));
      await publish(this.unitOfWork, db, newEvent(authorOf(actor, client.correlationId), 'auth.token.refreshed', subject, { sessionId: row.sessionId }));
      return {
        kind: 'ok' as const,
        tokens: { ...this.access(user, row.session), refreshToken: next, refreshExpiresAt: row.session.expiresAt, sessionId: row.sessionId, client: row.session.client },
      };
    });
    if (outcome.kind !== 'ok') throw unauthorized('Invalid or expired refresh token');
    return outcome.tokens;
  }

  /** Revokes one session and publishes `auth.session.revoked` (the gateway's deny-list feeds on it). */
  async revoke(db: EntityManager, session: { id: string; ownerId: string }, reason: string, actor: Actor, correlationId: string): Promise<void> {
    if (!(await revokeSession(db, session.id, reason))) return;
    await publish(this.unitOfWork, db, newEvent(authorOf(actor, correlationId), 'auth.session.revoked', { type: 'session', id: session.id, ownerId: session.ownerId }, { sessionId: session.id, reason }));
  }

  /** Revokes every live session of a user (password change, disable, admin action). */
  async revokeAll(db: EntityManager, userId: string, reason: string, actor: Actor, correlationId: string): Promise<number> {
    const revoked = await revokeUserSessions(db, userId, reason);
    for (const sessionId of revoked) {
      await publish(this.unitOfWork, db, newEvent(authorOf(actor, correlationId), 'auth.session.revoked', { type: 'session', id: sessionId, ownerId: userId }, { sessionId, reason }));
    }
    return revoked.length;
  }
}
