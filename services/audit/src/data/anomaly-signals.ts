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
 * The customer-read rule's state (issue 16): per reader, each customer once, with the latest time
 * it was read. A batch folds its reads in (one upsert), then, per reader, counts the customers
 * last read within the window that ends at that reader's latest read of the batch, but stops at
 * `threshold`: the cost is bounded by the threshold, not by how much the reader has read.
 */
export async function countCustomerReads(
  db: EntityManager,
  reads: ReadonlyArray<{ reader: string; customer: string; at: Date }>,
  windowMs: number,
  threshold: number,
): Promise<Map<string, number>> {
  if (reads.length === 0) return new Map();
  await db.query(
    `INSERT INTO customer_read_last (reader, customer, last_at)
     SELECT reader, customer, max(at) FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS r(reader, customer, at) GROUP BY reader, customer
     ON CONFLICT (reader, customer) DO UPDATE SET last_at = GREATEST(customer_read_last.last_at, EXCLUDED.last_at)`,
    [reads.map((r) => r.reader), reads.map((r) => r.customer), reads.map((r) => r.at)],
  );
  const latest = new Map<string, Date>();
  for (const { reader, at } of reads) if (!(latest.get(reader)! >= at)) latest.set(reader, at);
  const rows: Array<{ reader: string; count: number }> = await db.query(
    `SELECT k.reader, (SELECT count(*)::int FROM (SELECT 1 FROM customer_read_last c
                        WHERE c.reader = k.reader AND c.last_at > k.at - make_interval(secs => $3::double precision / 1000) LIMIT $4) AS w) AS count
       FROM unnest($1::text[], $2::timestamptz[]) AS k(reader, at)`,
    [[...latest.keys()], [...latest.values()], windowMs, threshold],
  );
  return new Map(rows.map((row) => [row.reader, row.count]));
}

/** Observations older than any window are of no more use. */
export async function forgetSignalsBefore(db: EntityManager, before: Date): Promise<void> {
  await db.query(`DELETE FROM anomaly_signals WHERE occurred_at < $1`, [before]);
  await db.query(`DELETE FROM customer_read_last WHERE last_at < $1`, [before]);
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
