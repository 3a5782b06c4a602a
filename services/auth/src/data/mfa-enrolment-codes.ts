import type { EntityManager } from '@ecar/db';

/** The open enrolment code of a user (one at most): its hash, expiry and the wrong attempts made. */
export interface EnrolmentCodeRow {
  codeHash: Buffer;
  expiresAt: Date;
  attempts: number;
}

/** A new code replaces the open one, if any (the older code stops working). */
export async function replaceEnrolmentCode(db: EntityManager, userId: string, codeHash: Buffer, expiresAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO mfa_enrolment_codes (user_id, code_hash, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at, attempts = 0`,
    [userId, codeHash, expiresAt],
  );
}

/** Locks the user's open code for the transaction (two concurrent attempts are counted one after the other). */
export async function lockEnrolmentCode(db: EntityManager, userId: string): Promise<EnrolmentCodeRow | undefined> {
  const rows: EnrolmentCodeRow[] = await db.query(
    `SELECT code_hash AS "codeHash", expires_at AS "expiresAt", attempts FROM mfa_enrolment_codes WHERE user_id = $1 FOR UPDATE`,
    [userId],
  );
  return rows[0];
}

export async function countEnrolmentAttempt(db: EntityManager, userId: string): Promise<void> {
  await db.query(`UPDATE mfa_enrolment_codes SET attempts = attempts + 1 WHERE user_id = $1`, [userId]);
}

/** Spent (enrolment done), expired or out of attempts: gone. */
export async function deleteEnrolmentCode(db: EntityManager, userId: string): Promise<void> {
  await db.query(`DELETE FROM mfa_enrolment_codes WHERE user_id = $1`, [userId]);
}
