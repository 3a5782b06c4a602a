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

/**
 * Records many observations of one rule at once, then counts, per key, the distinct values seen in
 * the window that ends at that key's latest observation of the batch.
 */
export async function observeMany(
  db: EntityManager,
  rule: string,
  observations: ReadonlyArray<{ key: string; value: string; at: Date }>,
  windowMs: number,
): Promise<Map<string, number>> {
  if (observations.length === 0) return new Map();
  await db.query(
    `INSERT INTO anomaly_signals (rule, key, value, occurred_at) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::timestamptz[])`,
    [rule, observations.map((o) => o.key), observations.map((o) => o.value), observations.map((o) => o.at)],
  );
  const latest = new Map<string, Date>();
  for (const { key, at } of observations) if (!(latest.get(key)! >= at)) latest.set(key, at);
  const rows: Array<{ key: string; count: number }> = await db.query(
    `SELECT k.key, (SELECT count(DISTINCT s.value)::int FROM anomaly_signals s
                     WHERE s.rule = $1 AND s.key = k.key AND s.occurred_at > k.at - make_interval(secs => $4::double precision / 1000) AND s.occurred_at <= k.at) AS count
       FROM unnest($2::text[], $3::timestamptz[]) AS k(key, at)`,
    [rule, [...latest.keys()], [...latest.values()], windowMs],
  );
  return new Map(rows.map((row) => [row.key, row.count]));
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
