import { InboxConsumer } from '@ecar/bus';
import { parseEventData } from '@ecar/contracts';
import type { ServiceContext } from '@ecar/runtime';
import type { AlertNotifier } from '../notify/notifier.ts';

/**
 * Sends each `audit.alert.raised` to the notifier. A failed send throws, so the bus retries it
 * (retry queues, then the DLQ, which raises its own operational alert).
 */
export function alertNotificationConsumer(context: ServiceContext, notifier: AlertNotifier): InboxConsumer {
  return new InboxConsumer({
    dataSource: context.dataSource,
    connection: context.bus,
    exchange: context.config.BUS_EXCHANGE,
    queue: context.queueName('audit.alert-notifications'),
    bindings: ['audit.alert.raised'],
    consumerName: 'audit-alert-notifier',
    logger: context.logger,
    registry: context.registry,
    handler: async (envelope) => {
      const data = parseEventData('audit.alert.raised', envelope.data);
      await notifier.send({ alertId: data.alertId, rule: data.rule, severity: data.severity, key: data.key, summary: data.summary, occurredAt: envelope.occurredAt });
    },
  });
}
