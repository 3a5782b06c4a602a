import { InboxConsumer } from '@ecar/bus';
import type { ServiceContext } from '@ecar/runtime';
import { draftFromWorkOrder } from '../domain/drafts.ts';

export const WORKORDER_QUEUE = 'billing.workorders';

/** `garage.workorder.completed` → one draft invoice per work order (inbox + unique work_order_id). */
export function workOrderConsumer(context: ServiceContext, retryDelaysMs: readonly number[]): InboxConsumer {
  return new InboxConsumer({
    dataSource: context.dataSource,
    connection: context.bus,
    exchange: context.config.BUS_EXCHANGE,
    queue: context.queueName(WORKORDER_QUEUE),
    bindings: ['garage.workorder.completed'],
    consumerName: 'billing.workorders',
    logger: context.logger,
    registry: context.registry,
    retryDelaysMs,
    handler: async (envelope, db) => {
      const outcome = await draftFromWorkOrder(db, envelope);
      if (outcome === 'already_drafted') context.logger.info('work order already has a draft; event ignored', { eventId: envelope.id });
    },
  });
}
