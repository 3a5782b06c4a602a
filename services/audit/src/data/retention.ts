import type { EntityManager } from '@ecar/db';

export interface PurgedPrefix {
  purgedRows: number;
  throughSeq: string | null;
  anchorHash: string | null;
}

/**
 * Deletes the chain's rows older than `cutoff` through `audit_purge`, the only path the
 * append-only trigger lets through; it leaves an anchor so that what remains still verifies.
 */
export async function purgeChainBefore(db: EntityManager, cutoff: Date): Promise<PurgedPrefix> {
  const rows: Array<{ purged: string; through_seq: string | null; anchor_hash: string | null }> = await db.query(
    `SELECT purged::text, through_seq::text, anchor_hash FROM audit_purge($1)`,
    [cutoff],
  );
  const row = rows[0];
  return { purgedRows: Number(row?.purged ?? 0), throughSeq: row?.through_seq ?? null, anchorHash: row?.anchor_hash ?? null };
}
