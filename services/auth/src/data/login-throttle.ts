import { affectedRows, type EntityManager } from '@ecar/db';

export interface ThrottleState {
  failures: number;
  lockedUntil: Date | null;
}

export async function readThrottle(db: EntityManager, key: string): Promise<ThrottleState | undefined> {
  const rows: ThrottleState[] = await db.query(`SELECT failures, locked_until AS "lockedUntil" FROM login_throttle WHERE key = $1`, [key]);
  return rows[0];
}

/**
 * Counts one failure atomically. Failures older than `windowSeconds` are forgotten; reaching
 * `lockAfter` sets a lock for `lockSeconds`. An expired lock starts a fresh count.
 */
export async function recordFailure(
  db: EntityManager,
  key: string,
  options: { windowSeconds: number; lockAfter: number; lockSeconds: number },
): Promise<ThrottleState & { lockedNow: boolean }> {
  const rows: Array<ThrottleState & { lockedNow: boolean }> = await db.query(
    `WITH previous AS (SELECT locked_until FROM login_throttle WHERE key = $1)
     INSERT INTO login_throttle AS t (key, failures, last_failure_at, locked_until)
     VALUES ($1, 1, now(), CASE WHEN 1 >= $3 THEN now() + make_interval(secs => $4) END)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t.last_failure_at < now() - make_interval(secs => $2) OR (t.locked_until IS NOT NULL AND t.locked_until <= now())
                       THEN 1 ELSE t.failures + 1 END,
       last_failure_at = now(),
       locked_until = CASE
         WHEN t.locked_until > now() THEN t.locked_until
         WHEN (CASE WHEN t.last_failure_at < now() - make_interval(secs => $2) OR (t.locked_until IS NOT NULL AND t.locked_until <= now())
                    THEN 1 ELSE t.failures + 1 END) >= $3 THEN now() + make_interval(secs => $4)
         ELSE NULL END
     RETURNING t.failures, t.locked_until AS "lockedUntil",
       (t.locked_until IS NOT NULL AND t.locked_until > now() AND (SELECT locked_until FROM previous) IS DISTINCT FROM t.locked_until) AS "lockedNow"`,
    [key, options.windowSeconds, options.lockAfter, options.lockSeconds],
  );
  return rows[0]!;
}

export async function clearThrottle(db: EntityManager, key: string): Promise<void> {
  await db.query(`DELETE FROM login_throttle WHERE key = $1`, [key]);
}

/** The keys starting with `prefix` (the pairs of one e-mail, to find the addresses they came from). */
export async function throttleKeysWithPrefix(db: EntityManager, prefix: string): Promise<string[]> {
  const rows: Array<{ key: string }> = await db.query(`SELECT key FROM login_throttle WHERE starts_with(key, $1)`, [prefix]);
  return rows.map((row) => row.key);
}

/** Deletes every entry whose key starts with `prefix` (an admin unlocking one account everywhere). */
export async function clearThrottlePrefix(db: EntityManager, prefix: string): Promise<number> {
  return affectedRows(db, `DELETE FROM login_throttle WHERE starts_with(key, $1)`, [prefix]);
}

export interface LockRow {
  key: string;
  failures: number;
  lockedUntil: Date;
}

/** The locks still in force whose key starts with `prefix` (e.g. every per-IP lock), latest first, one page. */
export async function activeLocks(db: EntityManager, prefix: string, page: { limit: number; offset: number }): Promise<{ items: LockRow[]; total: number }> {
  const items: LockRow[] = await db.query(
    `SELECT key, failures, locked_until AS "lockedUntil" FROM login_throttle
      WHERE starts_with(key, $1) AND locked_until > now() ORDER BY locked_until DESC, key LIMIT $2 OFFSET $3`,
    [prefix, page.limit, page.offset],
  );
  const counted: Array<{ total: number }> = await db.query(`SELECT count(*)::int AS total FROM login_throttle WHERE starts_with(key, $1) AND locked_until > now()`, [prefix]);
  return { items, total: counted[0]?.total ?? 0 };
}
