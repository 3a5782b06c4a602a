import type { EntityManager } from '@ecar/db';

export interface CustomerTouch {
  customerId: string;
  seq: string;
  eventId: string;
  type: string;
  action: string;
  actorId: string | null;
  remoteAddr: string | null;
  occurredAt: string;
  /** Stored (masked) canonical JSON. */
  data: string;
  changes: string | null;
}

/**
 * Every audit row in the window, by the account or from the address, that read or changed data of
 * a customer (the customer being the subject or listed in the event), one row per customer touched.
 */
export async function customerTouches(db: EntityManager, query: { account?: string; ip?: string; from: Date; to: Date }): Promise<CustomerTouch[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT r.ref_id, e.seq::text AS seq, e.event_id::text AS event_id, e.type, e.action, e.actor_id, e.remote_addr, e.occurred_at, e.data, e.changes
       FROM audit_events e JOIN audit_refs r ON r.seq = e.seq AND r.ref_type = 'customer'
      WHERE (e.actor_id = $1 OR e.remote_addr = $2)
        AND e.occurred_at >= $3 AND e.occurred_at < $4
        AND e.action IN ('access', 'create', 'update', 'delete')
      ORDER BY r.ref_id, e.seq`,
    [query.account ?? null, query.ip ?? null, query.from, query.to],
  );
  return rows.map((row) => ({
    customerId: row['ref_id'] as string,
    seq: row['seq'] as string,
    eventId: row['event_id'] as string,
    type: row['type'] as string,
    action: row['action'] as string,
    actorId: row['actor_id'] as string | null,
    remoteAddr: row['remote_addr'] as string | null,
    occurredAt: (row['occurred_at'] as Date).toISOString(),
    data: row['data'] as string,
    changes: row['changes'] as string | null,
  }));
}
