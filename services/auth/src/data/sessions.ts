import { affectedRows, queryRows, type EntityManager } from '@ecar/db';

export interface SessionRow {
  id: string;
  userId: string;
  client: 'web' | 'mobile';
  expiresAt: Date;
  revokedAt: Date | null;
  mfa: boolean;
}

export async function insertSession(
  db: EntityManager,
  session: { id: string; userId: string; client: 'web' | 'mobile'; ip: string; userAgent: string; expiresAt: Date; mfa: boolean },
): Promise<void> {
  await db.query(
    `INSERT INTO sessions (id, user_id, client, ip, user_agent, expires_at, mfa) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [session.id, session.userId, session.client, session.ip, session.userAgent, session.expiresAt, session.mfa],
  );
}

export async function insertRefreshToken(db: EntityManager, sessionId: string, tokenHash: Buffer): Promise<void> {
  await db.query(`INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)`, [tokenHash, sessionId]);
}

export interface RefreshTokenRow {
  sessionId: string;
  usedAt: Date | null;
  session: SessionRow;
}

/** Locks the token row so two concurrent refreshes with one token cannot both succeed. */
export async function lockRefreshToken(db: EntityManager, tokenHash: Buffer): Promise<RefreshTokenRow | undefined> {
  const rows: Array<{ sessionId: string; usedAt: Date | null; userId: string; client: 'web' | 'mobile'; expiresAt: Date; revokedAt: Date | null; mfa: boolean }> =
    await db.query(
      `SELECT t.session_id AS "sessionId", t.used_at AS "usedAt", s.user_id AS "userId", s.client,
              s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt", s.mfa
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
        WHERE t.token_hash = $1
        FOR UPDATE OF t, s`,
      [tokenHash],
    );
  const row = rows[0];
  if (!row) return undefined;
  return {
    sessionId: row.sessionId,
    usedAt: row.usedAt,
    session: { id: row.sessionId, userId: row.userId, client: row.client, expiresAt: row.expiresAt, revokedAt: row.revokedAt, mfa: row.mfa },
  };
}

/** Spends every unused refresh token of a session (its family moves on to a new token). */
export async function spendSessionRefreshTokens(db: EntityManager, sessionId: string): Promise<void> {
  await db.query(`UPDATE refresh_tokens SET used_at = now() WHERE session_id = $1 AND used_at IS NULL`, [sessionId]);
}

export async function markRefreshTokenUsed(db: EntityManager, tokenHash: Buffer): Promise<void> {
  await db.query(`UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1`, [tokenHash]);
}

/** True when this call revoked it (false when it was revoked already). */
export async function revokeSession(db: EntityManager, sessionId: string, reason: string): Promise<boolean> {
  return (await affectedRows(db, `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`, [sessionId, reason])) > 0;
}

export async function markSessionMfa(db: EntityManager, sessionId: string): Promise<void> {
  await db.query(`UPDATE sessions SET mfa = true WHERE id = $1`, [sessionId]);
}

export async function findSession(db: EntityManager, sessionId: string): Promise<SessionRow | undefined> {
  const rows: SessionRow[] = await db.query(
    `SELECT id, user_id AS "userId", client, expires_at AS "expiresAt", revoked_at AS "revokedAt", mfa FROM sessions WHERE id = $1`,
    [sessionId],
  );
  return rows[0];
}

/** Revokes every live session of a user; returns the ids revoked. */
export async function revokeUserSessions(db: EntityManager, userId: string, reason: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() RETURNING id`,
    [userId, reason],
  );
  return rows.map((row) => row.id);
}

export interface SessionSummary {
  id: string;
  client: 'web' | 'mobile';
  ip: string;
  userAgent: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function listLiveSessions(db: EntityManager, userId: string): Promise<SessionSummary[]> {
  return db.query(
    `SELECT id, client, ip, user_agent AS "userAgent", created_at AS "createdAt", expires_at AS "expiresAt"
       FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 200`,
    [userId],
  );
}

/**
 * Sessions revoked recently enough that one of their access tokens may still be alive: what a
 * gateway needs to rebuild its deny-list when it starts.
 */
export async function recentlyRevokedSessionIds(db: EntityManager, accessTtlSeconds: number): Promise<Array<{ id: string; revokedAt: Date }>> {
  return db.query(
    `SELECT id, revoked_at AS "revokedAt" FROM sessions
      WHERE revoked_at IS NOT NULL AND revoked_at > now() - make_interval(secs => $1) ORDER BY revoked_at LIMIT 100000`,
    [accessTtlSeconds],
  );
}
