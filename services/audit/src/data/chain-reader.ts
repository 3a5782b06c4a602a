import type { EntityManager } from '@ecar/db';
import type { ChainRecord } from '../domain/chain.ts';

export type StoredRecord = ChainRecord & { hash: string };

/** Rows in chain order after `afterSeq`, with every hashed column in the form it was hashed. */
export async function readChainPage(db: EntityManager, afterSeq: string, limit: number): Promise<StoredRecord[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT seq::text, event_id::text, type, action, producer, actor_id, actor_role, actor_email, actor_system, remote_addr, user_agent,
            correlation_id, subject_type, subject_id, subject_owner, changes, data, occurred_at, recorded_at, prev_hash, hash
       FROM audit_events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
    [afterSeq, limit],
  );
  return rows.map((row) => ({
    seq: row['seq'] as string,
    eventId: row['event_id'] as string,
    type: row['type'] as string,
    action: row['action'] as string,
    producer: row['producer'] as string,
    actorId: row['actor_id'] as string | null,
    actorRole: row['actor_role'] as string | null,
    actorEmail: row['actor_email'] as string | null,
    actorSystem: row['actor_system'] as string | null,
    remoteAddr: row['remote_addr'] as string | null,
    userAgent: row['user_agent'] as string | null,
    correlationId: row['correlation_id'] as string,
    subjectType: row['subject_type'] as string,
    subjectId: row['subject_id'] as string,
    subjectOwner: row['subject_owner'] as string | null,
    changes: row['changes'] as string | null,
    data: row['data'] as string,
    occurredAt: (row['occurred_at'] as Date).toISOString(),
    recordedAt: (row['recorded_at'] as Date).toISOString(),
    prevHash: row['prev_hash'] as string,
    hash: row['hash'] as string,
  }));
}

export async function chainLength(db: EntityManager): Promise<number> {
  const rows: Array<{ count: number }> = await db.query(`SELECT count(*)::int AS count FROM audit_events`);
  return rows[0]?.count ?? 0;
}
