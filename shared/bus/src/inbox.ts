import type { EventEnvelope } from '@ecar/contracts';
import { runWithContext } from '@ecar/logger';
import type { DataSource, EntityManager } from 'typeorm';
import { transactionRows } from './sql.ts';

/** Applies an event to the service's state; it runs inside the transaction that records it as handled. */
export type EventHandler = (envelope: EventEnvelope, manager: EntityManager) => Promise<void>;

export type InboxResult =
  | { outcome: 'processed' | 'duplicate' }
  /** The handler (or the commit of its work) failed: a retry may succeed, or never. */
  | { outcome: 'handler_failed'; error: unknown }
  /** The database failed before the handler ran: not the event's fault, so no attempt is used. */
  | { outcome: 'unavailable'; error: unknown };

/**
 * Runs `handler` at most once per consumer and event id: the inbox row and the handler's writes
 * commit together, so a redelivered or republished event finds its row and is skipped.
 */
export async function handleOnce(
  dataSource: DataSource,
  consumer: string,
  envelope: EventEnvelope,
  handler: EventHandler,
): Promise<InboxResult> {
  let handlerStarted = false;
  try {
    const outcome = await dataSource.transaction(async (manager) => {
      const inserted = await transactionRows(
        manager,
        `INSERT INTO inbox_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, envelope.id],
      );
      if (inserted.length === 0) return 'duplicate' as const;
      handlerStarted = true;
      await runWithContext({ correlationId: envelope.correlationId }, () => handler(envelope, manager));
      return 'processed' as const;
    });
    return { outcome };
  } catch (error) {
    return { outcome: handlerStarted ? 'handler_failed' : 'unavailable', error };
  }
}
