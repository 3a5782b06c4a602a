import { affectedRows, type EntityManager } from '@ecar/db';

export async function replaceRecoveryCodes(db: EntityManager, userId: string, codeHashes: Buffer[]): Promise<void> {
  await db.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
  for (const hash of codeHashes) await db.query(`INSERT INTO recovery_codes (code_hash, user_id) VALUES ($1, $2)`, [hash, userId]);
}

/** Spends an unused code of this user; answers how many unused codes remain, or undefined when none matched. */
export async function spendRecoveryCode(db: EntityManager, userId: string, codeHash: Buffer): Promise<number | undefined> {
  const spent = await affectedRows(db, `UPDATE recovery_codes SET used_at = now() WHERE code_hash = $1 AND user_id = $2 AND used_at IS NULL`, [codeHash, userId]);
  if (spent === 0) return undefined;
  const rows: { count: string }[] = await db.query(`SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, [userId]);
  return Number(rows[0]?.count ?? 0);
}

export async function deleteRecoveryCodes(db: EntityManager, userId: string): Promise<void> {
  await db.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
}
