import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { waitFor } from './wait.ts';

export const AMQP_URL = process.env['ECAR_TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
/**
 * The broker user of AMQP_URL: tests that publish as a service would set it as `userId`
 * (consumers apply only events whose validated user-id is their producer's).
 */
export const AMQP_USER = decodeURIComponent(new URL(AMQP_URL).username) || 'guest';

/**
 * A unique exchange name and queue prefix, so every test file has its own topology on the
 * shared broker. `cleanup` deletes the exchange, the given queues and their consumers' retry exchanges.
 */
export interface BusNamespace {
  exchange: string;
  queuePrefix: string;
  cleanup(queues: string[]): Promise<void>;
}

export function createBusNamespace(label: string): BusNamespace {
  const id = `${label.replace(/[^a-z0-9]/gi, '').slice(0, 16)}-${randomBytes(4).toString('hex')}`;
  return {
    exchange: `ecar.test.${id}`,
    queuePrefix: `t-${id}.`,
    async cleanup(queues) {
      const connection = await amqp.connect(AMQP_URL);
      try {
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        for (const queue of queues) await channel.deleteQueue(queue);
        // A consumer's retry exchange is named after its main queue (shared/bus topology).
        for (const queue of queues.filter((name) => !/\.(retry\.\d+|dlq)$/.test(name))) await channel.deleteExchange(`${queue}.retry`);
        await channel.deleteExchange(`ecar.test.${id}`);
        await channel.close();
      } finally {
        await connection.close();
      }
    },
  };
}

/** Messages ready in a queue of the shared broker (dead-letter checks in tests). */
export async function queueDepth(queue: string): Promise<number> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    await channel.close();
    return messageCount;
  } finally {
    await connection.close();
  }
}

/**
 * Resolves once `queue` exists and has a consumer. A service's `start()` returns before its
 * consumers have declared and bound their queues (the broker may be slow or away), so a test
 * that publishes straight to the broker waits for this first: the consumer subscribes only after
 * its whole topology (queue, bindings, retry exchange, DLQ) is declared, so nothing published
 * after it is dropped as unroutable.
 */
export async function waitForConsumer(queue: string, { timeoutMs = 30_000 } = {}): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    await waitFor(async () => {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        const { consumerCount } = await channel.checkQueue(queue);
        return consumerCount > 0 ? true : undefined;
      } finally {
        await channel.close().catch(() => undefined);
      }
    }, { timeoutMs, what: `a consumer on ${queue}` });
  } finally {
    await connection.close();
  }
}
