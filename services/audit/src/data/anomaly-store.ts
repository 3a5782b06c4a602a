import type { EntityManager } from '@ecar/db';

/** Records one observation and counts the distinct values seen for (rule, key) in the window. */
export async function observe(db: EntityManager, rule: string, key: string, value: string, at: Date, windowMs: number): Promise<number> {
  await db.query(`INSERT INTO anomaly_signals (rule, key, value, occurred_at) VALUES ($1, $2, $3, $4)`, [rule, key, value, at]);
  const rows: Array<{ count: number }> = await db.query(
    `SELECT count(DISTINCT value)::int AS count FROM anomaly_signals WHERE rule = $1 AND key = $2 AND occurred_at > $3 AND occurred_at <= $4`,
    [rule, key, new Date(at.getTime() - windowMs), at],
  );
  return rows[0]?.count ?? 0;
}

/** Observations older than any window are of no more use. */
export async function forgetSignalsBefore(db: EntityManager, before: Date): Promise<void> {
  await db.query(`DELETE FROM anomaly_signals WHERE occurred_at < $1`, [before]);
}

/** Remembers `ip` for `adminId`; answers whether it is new and whether the admin had any IP before. */
export async function rememberAdminIp(db: EntityManager, adminId: string, ip: string, at: Date): Promise<{ isNew: boolean; hadOthers: boolean }> {
  const inserted: unknown[] = await db.query(
    `INSERT INTO admin_known_ips (admin_id, ip, first_seen) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING ip`,
    [adminId, ip, at],
  );
  if (inserted.length === 0) return { isNew: false, hadOthers: true };
  const others: Array<{ count: number }> = await db.query(`SELECT count(*)::int AS count FROM admin_known_ips WHERE admin_id = $1 AND ip <> $2`, [adminId, ip]);
  return { isNew: true, hadOthers: (others[0]?.count ?? 0) > 0 };
}
