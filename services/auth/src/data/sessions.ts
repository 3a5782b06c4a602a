import type { EntityManager } from '@ecar/db';

export interface SessionRow {
  id: string;
  userId: string;
  client: 'web' | 'mobile';
  expiresAt: Date;
  revokedAt: Date | null;
}

export async function insertSession(
  db: EntityManager,
  session: { id: string; userId: string; client: 'web' | 'mobile'; ip: string; userAgent: string; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO sessions (id, user_id, client, ip, user_agent, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [session.id, session.userId, session.client, session.ip, session.userAgent, session.expiresAt],
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
  const rows: Array<{ sessionId: string; usedAt: Date | null; userId: string; client: 'web' | 'mobile'; expiresAt: Date; revokedAt: Date | null }> =
    await db.query(
      `SELECT t.session_id AS "sessionId", t.used_at AS "usedAt", s.user_id AS "userId", s.client,
              s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt"
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
    session: { id: row.sessionId, userId: row.userId, client: row.client, expiresAt: row.expiresAt, revokedAt: row.revokedAt },
  };
}

export async function markRefreshTokenUsed(db: EntityManager, tokenHash: Buffer): Promise<void> {
  await db.query(`UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1`, [tokenHash]);
}

export async function revokeSession(db: EntityManager, sessionId: string, reason: string): Promise<void> {
  await db.query(`UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`, [sessionId, reason]);
}
