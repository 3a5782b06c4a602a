import type { EntityManager } from '@ecar/db';

export interface PurgedPrefix {
  purgedRows: number;
  throughSeq: string | null;
  anchorHash: string | null;
}

/**
 * Drops the chain's expired months (every row occurred before `cutoff`) through `audit_purge`,
 * the only path there is; it leaves an anchor so that what remains still verifies. Runs inside the
 * caller's transaction.
 */
export async function purgeChainBefore(db: EntityManager, cutoff: Date): Promise<PurgedPrefix> {
  // Dropping the legacy partition of a large log deletes its millions of audit_event_ids: more
  // than the pool's 30 s statement timeout may allow (about 1.1 s per 500,000 ids on `medium`).
  await db.query(`SET LOCAL statement_timeout = '10min'`);
  const rows: Array<{ purged: string; through_seq: string | null; anchor_hash: string | null }> = await db.query(
    `SELECT purged::text, through_seq::text, anchor_hash FROM audit_purge($1)`,
    [cutoff],
  );
  const row = rows[0];
  return { purgedRows: Number(row?.purged ?? 0), throughSeq: row?.through_seq ?? null, anchorHash: row?.anchor_hash ?? null };
}
