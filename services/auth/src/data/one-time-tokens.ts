import type { EntityManager } from '@ecar/db';

export type OneTimePurpose = 'mfa_challenge' | 'email_verification' | 'password_reset';

export async function insertOneTimeToken(
  db: EntityManager,
  token: { tokenHash: Buffer; purpose: OneTimePurpose; userId: string; client?: 'web' | 'mobile'; expiresAt: Date },
): Promise<void> {
  await db.query(`INSERT INTO one_time_tokens (token_hash, purpose, user_id, client, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
    token.tokenHash,
    token.purpose,
    token.userId,
    token.client ?? null,
    token.expiresAt,
  ]);
}

export interface OneTimeTokenRow {
  userId: string;
  client: 'web' | 'mobile' | null;
  expiresAt: Date;
  usedAt: Date | null;
}

/** Locks the token so two concurrent uses cannot both succeed. */
export async function lockOneTimeToken(db: EntityManager, tokenHash: Buffer, purpose: OneTimePurpose): Promise<OneTimeTokenRow | undefined> {
  const rows: OneTimeTokenRow[] = await db.query(
    `SELECT user_id AS "userId", client, expires_at AS "expiresAt", used_at AS "usedAt"
       FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2 FOR UPDATE`,
    [tokenHash, purpose],
  );
  return rows[0];
}

export async function spendOneTimeToken(db: EntityManager, tokenHash: Buffer): Promise<void> {
  await db.query(`UPDATE one_time_tokens SET used_at = now() WHERE token_hash = $1`, [tokenHash]);
}

/** A new reset or verification link makes the older ones of the same purpose useless. */
export async function spendOpenTokens(db: EntityManager, userId: string, purpose: OneTimePurpose): Promise<void> {
  await db.query(`UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [userId, purpose]);
}
