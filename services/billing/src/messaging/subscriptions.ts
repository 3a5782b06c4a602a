import type { Logger } from '@ecar/logger';
import type { Subscription } from '@ecar/runtime';
import type { BillingConfig } from '../config.ts';
import { draftFromWorkOrder } from '../domain/drafts.ts';

export const WORKORDER_QUEUE = 'billing.workorders';

/** Every queue billing consumes. */
export function billingSubscriptions(config: BillingConfig, logger: Logger): Subscription[] {
  return [
    {
      // `garage.workorder.completed` → one draft invoice per work order (inbox + unique work_order_id).
      queue: WORKORDER_QUEUE,
      bindings: ['garage.workorder.completed'],
      retryDelaysMs: config.WORKORDER_RETRY_DELAYS_MS.map(Number),
      async handle(envelope, db) {
        const { outcome, events } = await draftFromWorkOrder(db, envelope);
        if (outcome === 'already_drafted') logger.info('work order already has a draft; event ignored', { eventId: envelope.id });
        return events;
      },
    },
  ];
}
