import type { EventEnvelope } from '@ecar/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { transactionRows } from './sql.ts';

/**
 * Applies several events at once (in delivery order) inside the transaction that records them
 * as handled; only events this consumer has not handled before are passed.
 */
export type BatchEventHandler = (envelopes: readonly EventEnvelope[], manager: EntityManager) => Promise<void>;

/** `handled[i]` is false when envelope i was already handled (earlier, or earlier in this batch). */
export type BatchResult = { ok: true; handled: boolean[] } | { ok: false; error: unknown };

/**
 * The batch form of `handleOnce`: one transaction records every event of the batch in the inbox
 * and runs the handler on the new ones. If anything fails nothing is recorded, so the caller can
 * fall back to handling the messages one by one (with their own retries and dead-lettering).
 */
export async function handleBatchOnce(
  dataSource: DataSource,
  consumer: string,
  envelopes: readonly EventEnvelope[],
  handler: BatchEventHandler,
): Promise<BatchResult> {
  try {
    return await dataSource.transaction(async (manager) => {
      const inserted = await transactionRows<{ event_id: string }>(
        manager,
        `INSERT INTO inbox_events (consumer, event_id) SELECT $1, id FROM unnest($2::uuid[]) AS e(id)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, envelopes.map((envelope) => envelope.id)],
      );
      const fresh = new Set(inserted.map((row) => row.event_id));
      // The same id twice in one batch (a redelivery racing the original) is handled once.
      const handled = envelopes.map((envelope) => fresh.delete(envelope.id.toLowerCase()));
      const news = envelopes.filter((_, index) => handled[index]);
      if (news.length > 0) await handler(news, manager);
      return { ok: true as const, handled };
    });
  } catch (error) {
    return { ok: false, error };
  }
}
