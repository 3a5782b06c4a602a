import { InboxConsumer } from '@ecar/bus';
import type { EventEnvelope, NewEvent } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import type { ServiceContext } from './context.ts';

/** Events a handler publishes in reaction: they go to the outbox of the inbox transaction. */
type Reaction = Promise<readonly NewEvent[] | void>;

/**
 * A queue the service consumes, declared as data; the runtime builds the inbox consumer (each
 * event handled once, retries, dead-letter queue, metrics) and starts and stops it.
 */
export interface Subscription {
  /** `<service>.<purpose>` without the deployment's prefix; also the inbox key unless `consumerName`. */
  queue: string;
  /** Event types or patterns (`auth.user.*`). */
  bindings: readonly string[];
  /** Applies one event inside the transaction that records it as handled. */
  handle(envelope: EventEnvelope, db: EntityManager): Reaction;
  /** Handles what arrived together in one transaction (falls back to `handle` one by one when a batch fails). */
  batch?: { size: number; handle(envelopes: readonly EventEnvelope[], db: EntityManager): Reaction };
  /** Key of this consumer's rows in `inbox_events`, when it must differ from `queue` (kept from before the kit). */
  consumerName?: string;
  /** Delay before each retry; default 1 s, 5 s, 30 s. */
  retryDelaysMs?: readonly number[];
  maxAttempts?: number;
  /** Handlers at once; 1 (default) keeps delivery order. */
  concurrency?: number;
  prefetch?: number;
  /** One consumer of the queue at a time across replicas (strict order). */
  singleActiveConsumer?: boolean;
}

export function consumerOf(subscription: Subscription, context: ServiceContext): InboxConsumer {
  const { batch } = subscription;
  const react = (db: EntityManager, reaction: Reaction) => context.unitOfWork.within(db, async () => ({ result: undefined, events: (await reaction) ?? [] }));
  return new InboxConsumer({
    dataSource: context.dataSource,
    connection: context.bus,
    exchange: context.config.BUS_EXCHANGE,
    queue: context.queueName(subscription.queue),
    bindings: subscription.bindings,
    consumerName: subscription.consumerName ?? subscription.queue,
    logger: context.logger,
    registry: context.registry,
    handler: (envelope, db) => react(db, subscription.handle(envelope, db)),
    ...(batch ? { batchHandler: (envelopes, db) => react(db, batch.handle(envelopes, db)), batchSize: batch.size, prefetch: Math.max(batch.size, subscription.prefetch ?? 0) } : {}),
    ...(subscription.prefetch !== undefined && !batch ? { prefetch: subscription.prefetch } : {}),
    ...(subscription.retryDelaysMs ? { retryDelaysMs: subscription.retryDelaysMs } : {}),
    ...(subscription.maxAttempts !== undefined ? { maxAttempts: subscription.maxAttempts } : {}),
    ...(subscription.concurrency !== undefined ? { concurrency: subscription.concurrency } : {}),
    ...(subscription.singleActiveConsumer !== undefined ? { singleActiveConsumer: subscription.singleActiveConsumer } : {}),
  });
}
