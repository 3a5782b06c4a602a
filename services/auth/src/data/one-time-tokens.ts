import type { EntityManager } from '@ecar/db';

export type OneTimePurpose = 'mfa_challenge' | 'email_verification' | 'password_reset';

export async function insertOneTimeToken(
  db: EntityManager,
  token: { tokenHash: Buffer; purpose: OneTimePurpose; userId: string; client?: 'web' | 'mobile'; expiresAt: Date; passwordHash?: string },
): Promise<void> {
  await db.query(`INSERT INTO one_time_tokens (token_hash, purpose, user_id, client, expires_at, password_hash) VALUES ($1, $2, $3, $4, $5, $6)`, [
    token.tokenHash,
    token.purpose,
    token.userId,
    token.client ?? null,
    token.expiresAt,
    token.passwordHash ?? null,
  ]);
}

export interface OneTimeTokenRow {
  userId: string;
  client: 'web' | 'mobile' | null;
  expiresAt: Date;
  usedAt: Date | null;
  /** Set on verification links of a (re-)registration: the password chosen with it. */
  passwordHash: string | null;
}

/** Locks the token so two concurrent uses cannot both succeed. */
export async function lockOneTimeToken(db: EntityManager, tokenHash: Buffer, purpose: OneTimePurpose): Promise<OneTimeTokenRow | undefined> {
  const rows: OneTimeTokenRow[] = await db.query(
    `SELECT user_id AS "userId", client, expires_at AS "expiresAt", used_at AS "usedAt", password_hash AS "passwordHash"
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

/** Before a new link: keeps at most `keep` open links of the purpose (the newest), voiding the older ones. */
export async function trimOpenTokens(db: EntityManager, userId: string, purpose: OneTimePurpose, keep: number): Promise<void> {
  await db.query(
    `UPDATE one_time_tokens SET used_at = now()
      WHERE token_hash IN (SELECT token_hash FROM one_time_tokens
                            WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
                            ORDER BY created_at DESC, token_hash OFFSET $3)`,
    [userId, purpose, keep],
  );
}

/** The password carried by the newest verification link of a re-registration, if any (a re-sent link keeps it). */
export async function latestRegistrationPassword(db: EntityManager, userId: string): Promise<string | undefined> {
  const rows: Array<{ passwordHash: string }> = await db.query(
    `SELECT password_hash AS "passwordHash" FROM one_time_tokens
      WHERE user_id = $1 AND purpose = 'email_verification' AND password_hash IS NOT NULL ORDER BY created_at DESC LIMIT 1`,
    [userId],
  );
  return rows[0]?.passwordHash;
}

/**
 * Before a verification link carrying `passwordHash` (the password of the registration it
 * belongs to; none for the first one): voids the open links of every other registration of the
 * address, so an older link of a squatter's registration stops working once the owner registers
 * again (issue 12, finding 6). Links of the same registration (re-sent ones) stay valid.
 */
export async function voidOtherRegistrationLinks(db: EntityManager, userId: string, passwordHash: string | undefined): Promise<void> {
  await db.query(
    `UPDATE one_time_tokens SET used_at = now()
      WHERE user_id = $1 AND purpose = 'email_verification' AND used_at IS NULL AND password_hash IS DISTINCT FROM $2`,
    [userId, passwordHash ?? null],
  );
}
