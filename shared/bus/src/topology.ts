import type { Channel } from 'amqplib';

/** The events exchange (docs/architecture.md, Events): topic, durable, routing key = event type. */
export const DEFAULT_EXCHANGE = 'ecar.events';

export async function assertEventExchange(channel: Channel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

export interface ConsumerQueueNames {
  queue: string;
  /** Direct exchange the consumer moves messages through into its retry queues and DLQ. */
  retryExchange: string;
  /** One per retry delay, in the order of the delays. */
  retryQueues: { delayMs: number; name: string }[];
  deadLetterQueue: string;
}

export function consumerQueueNames(queue: string, retryDelaysMs: readonly number[]): ConsumerQueueNames {
  return {
    queue,
    retryExchange: `${queue}.retry`,
    retryQueues: retryDelaysMs.map((delayMs) => ({ delayMs, name: `${queue}.retry.${delayMs}` })),
    deadLetterQueue: `${queue}.dlq`,
  };
}

/** Every queue of a consumer, e.g. to delete them in a test's cleanup. */
export function allConsumerQueues(names: ConsumerQueueNames): string[] {
  return [names.queue, ...names.retryQueues.map((retry) => retry.name), names.deadLetterQueue];
}

export interface ConsumerTopologyOptions {
  exchange: string;
  names: ConsumerQueueNames;
  bindings: readonly string[];
  singleActiveConsumer: boolean;
}

/**
 * Declares a consumer's queues; idempotent, run on every (re)connect. A retried message waits
 * in `<queue>.retry.<ms>` until its TTL expires, then the broker dead-letters it back to the
 * main queue through the consumer's own `<queue>.retry` exchange (bound with the queue's name).
 * Nothing uses the default exchange: RabbitMQ checks write access to a queue's dead-letter
 * exchange when the queue is declared, so a dead-letter exchange of `''` would need write
 * access to `amq.default`, which lets its holder push into any queue (finding 3 of issue 12).
 * Queues declared before this (dead-lettering through `''`) refuse the new arguments
 * (PRECONDITION_FAILED): docs/operations/deploy.md, "Upgrading the broker topology".
 */
export async function assertConsumerTopology(channel: Channel, options: ConsumerTopologyOptions): Promise<void> {
  const { exchange, names, bindings, singleActiveConsumer } = options;
  await assertEventExchange(channel, exchange);
  // The consumer publishes retry and dead-letter copies here (routing key = queue name), and the
  // broker's own dead-lettering (TTL, delivery limit) goes through it too.
  await channel.assertExchange(names.retryExchange, 'direct', { durable: true });
  await channel.assertQueue(names.deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(names.queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      ...(singleActiveConsumer ? { 'x-single-active-consumer': true } : {}),
      // Only the broker dead-letters here (a delivery limit reached after repeated redeliveries);
      // the consumer itself forwards failures explicitly. Without it, such messages would be dropped.
      'x-dead-letter-exchange': names.retryExchange,
      'x-dead-letter-routing-key': names.deadLetterQueue,
    },
  });
  for (const pattern of bindings) await channel.bindQueue(names.queue, exchange, pattern);
  await channel.bindQueue(names.queue, names.retryExchange, names.queue);
  await channel.bindQueue(names.deadLetterQueue, names.retryExchange, names.deadLetterQueue);
  for (const retry of names.retryQueues) {
    await channel.assertQueue(retry.name, {
      durable: true,
      arguments: {
        'x-message-ttl': retry.delayMs,
        'x-dead-letter-exchange': names.retryExchange,
        'x-dead-letter-routing-key': names.queue,
      },
    });
    await channel.bindQueue(retry.name, names.retryExchange, retry.name);
  }
}
