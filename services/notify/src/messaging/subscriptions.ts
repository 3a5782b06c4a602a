import type { Subscription } from '@ecar/runtime';
import type { NotifyContext } from '../domain/context.ts';
import { SOURCE_EVENTS } from '../domain/sources.ts';

export const EVENTS_QUEUE = 'notify.events';
export const DELIVERIES_QUEUE = 'notify.deliveries';
/** Retries of an event whose invoice is not known yet (its draft arrives on the same queue). */
export const EVENTS_RETRY_DELAYS_MS = [1_000, 5_000, 30_000] as const;

/**
 * Two queues: customer-facing events become queued messages (preferences, consent, rate limit),
 * and each `notify.message.queued` is delivered on its own, retried by the bus with backoff.
 */
export function notifySubscriptions(notify: NotifyContext, deliveryRetryDelaysMs: readonly number[]): Subscription[] {
  return [
    { queue: EVENTS_QUEUE, bindings: SOURCE_EVENTS, retryDelaysMs: EVENTS_RETRY_DELAYS_MS, handle: (envelope, db) => notify.messages.plan(envelope, db) },
    { queue: DELIVERIES_QUEUE, bindings: ['notify.message.queued'], retryDelaysMs: deliveryRetryDelaysMs, concurrency: 4, handle: (envelope, db) => notify.messages.deliver(envelope, db) },
  ];
}
