import { InboxConsumer } from '@ecar/bus';
import type { ServiceContext } from '@ecar/runtime';
import { insertAuditEvent } from '../data/audit-events.ts';
import { actionOf } from '../domain/classify.ts';

/**
 * Every event of the exchange (`#`) into the audit log. Single active consumer: with several
 * audit replicas only one consumes, so rows are recorded in delivery order.
 */
export function auditConsumer(context: ServiceContext): InboxConsumer {
  return new InboxConsumer({
    dataSource: context.dataSource,
    connection: context.bus,
    exchange: context.config.BUS_EXCHANGE,
    queue: context.queueName('audit.all'),
    bindings: ['#'],
    consumerName: 'audit',
    logger: context.logger,
    registry: context.registry,
    singleActiveConsumer: true,
    handler: async (envelope, db) => {
      await insertAuditEvent(db, envelope, actionOf(envelope.type), JSON.stringify(envelope));
    },
  });
}
