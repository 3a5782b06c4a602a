import type { EntityManager } from '@ecar/db';

export async function recordPasswordHash(db: EntityManager, userId: string, passwordHash: string): Promise<void> {
  await db.query(`INSERT INTO password_history (user_id, password_hash) VALUES ($1, $2)`, [userId, passwordHash]);
}

/** The hashes of the user's last `count` passwords, newest first (the current one included). */
export async function recentPasswordHashes(db: EntityManager, userId: string, count: number): Promise<string[]> {
  const rows: { passwordHash: string }[] = await db.query(
    `SELECT password_hash AS "passwordHash" FROM password_history WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2`,
    [userId, count],
  );
  return rows.map((row) => row.passwordHash);
}

/** Keeps only what the history rule needs: older hashes are no use and only more to crack. */
export async function prunePasswordHistory(db: EntityManager, userId: string, keep: number): Promise<void> {
  await db.query(
    `DELETE FROM password_history WHERE user_id = $1 AND created_at < (
       SELECT min(created_at) FROM (SELECT created_at FROM password_history WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2) recent)`,
    [userId, keep],
  );
}
