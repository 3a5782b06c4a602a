import type { DataSource } from 'typeorm';
import { queryRows } from '@ecar/db';

export interface ClaimedEvent {
  seq: string;
  id: string;
  type: string;
  payload: string;
  attempts: number;
}

export interface FailedEvent {
  id: string;
  retryInMs: number;
  error: string;
}

/** The relay's reads and writes of `outbox_events`. */
export class OutboxStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Leases up to `limit` due rows to `owner`, oldest first — and, in the same statement, marks
   * `published` (the previous batch's confirmed events) published, so a relay that keeps up
   * spends one round trip per batch. SKIP LOCKED lets several relays claim disjoint batches at
   * once; the lease keeps a row away from other relays after this statement commits, until it is
   * published, failed or the lease expires (a crashed relay). A row being marked is never claimed
   * again by the same statement (`id <> ALL`), even when its lease has run out.
   */
  async claim(owner: string, limit: number, leaseMs: number, published: readonly string[] = []): Promise<ClaimedEvent[]> {
    const rows = await queryRows<ClaimedEvent>(
      this.dataSource,
      `WITH marked AS (
         UPDATE outbox_events SET published_at = now(), lease_owner = NULL, lease_until = NULL
          WHERE id = ANY($4::uuid[]) AND published_at IS NULL)
       UPDATE outbox_events
          SET lease_owner = $1, lease_until = now() + $2::int * interval '1 millisecond'
        WHERE seq IN (
          SELECT seq FROM outbox_events
           WHERE published_at IS NULL
             AND next_attempt_at <= now()
             AND (lease_until IS NULL OR lease_until < now())
             AND id <> ALL($4::uuid[])
           ORDER BY seq
           LIMIT $3::int
           FOR UPDATE SKIP LOCKED)
        RETURNING seq::text AS seq, id, type, payload, attempts`,
      [owner, leaseMs, limit, published],
    );
    // RETURNING does not keep the subquery's order.
    return rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  }

  /** Marks confirmed events published; whoever holds the lease now, they did reach the broker. */
  async markPublished(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await queryRows(
      this.dataSource,
      `UPDATE outbox_events SET published_at = now(), lease_owner = NULL, lease_until = NULL
        WHERE id = ANY($1::uuid[]) AND published_at IS NULL`,
      [ids],
    );
  }

  /** Schedules a retry of events the broker did not take, unless another relay took them over. */
  async markFailed(owner: string, failures: FailedEvent[]): Promise<void> {
    if (failures.length === 0) return;
    await queryRows(
      this.dataSource,
      `UPDATE outbox_events o
          SET attempts = o.attempts + 1,
              next_attempt_at = now() + f.retry_in_ms * interval '1 millisecond',
              last_error = f.error,
              lease_owner = NULL,
              lease_until = NULL
         FROM unnest($2::uuid[], $3::int[], $4::text[]) AS f(id, retry_in_ms, error)
        WHERE o.id = f.id AND o.lease_owner = $1 AND o.published_at IS NULL`,
      [owner, failures.map((f) => f.id), failures.map((f) => f.retryInMs), failures.map((f) => f.error)],
    );
  }

  /** Age in seconds of the oldest unpublished event, 0 when all are published. */
  async oldestUnpublishedAgeSeconds(): Promise<number> {
    const rows = await queryRows<{ age: number }>(
      this.dataSource,
      `SELECT EXTRACT(EPOCH FROM now() - created_at)::float8 AS age
         FROM outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT 1`,
    );
    return Math.max(0, rows[0]?.age ?? 0);
  }
}
