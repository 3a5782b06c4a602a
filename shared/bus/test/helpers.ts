import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import type { ChannelModel, ConfirmChannel, ConsumeMessage, GetMessage, Options } from 'amqplib';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { createLogger } from '@ecar/logger';
import { AMQP_URL, createBusNamespace, createTestDatabase, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { outboxMigrations } from '../src/index.ts';

export const logger = createLogger({ service: 'bus-test', silent: true });

/** Fast backoffs so reconnects and retries happen within a test's patience. */
export const FAST_BACKOFF = { initialMs: 50, maxMs: 300 };

export async function openDataSource(url: string): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'postgres', url, migrations: outboxMigrations(), logging: false });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}

/**
 * A bus test's surroundings: a throw-away database with the outbox and inbox tables, a private
 * exchange and queue prefix, and a broker client to publish and observe with.
 */
export interface BusTestWorld {
  database: TestDatabase;
  namespace: BusNamespace;
  dataSource: DataSource;
  broker: TestBroker;
  /** Once the test's own consumers, relays and connections are stopped: closes the rest and deletes `queues`. */
  close(queues: readonly string[]): Promise<void>;
}

export async function openBusTestWorld(label: string): Promise<BusTestWorld> {
  const database = await createTestDatabase(label);
  const namespace = createBusNamespace(label);
  const dataSource = await openDataSource(database.url);
  const broker = await TestBroker.open();
  return {
    database,
    namespace,
    dataSource,
    broker,
    async close(queues) {
      await broker.close();
      await dataSource.destroy();
      await database.drop();
      await namespace.cleanup([...queues]);
    },
  };
}

export function userCreated(subjectId: string = randomUUID()): EventEnvelope {
  return buildEvent({
    type: 'auth.user.created',
    producer: 'auth',
    correlationId: randomUUID(),
    actor: { system: 'bus-test' },
    subject: { type: 'user', id: subjectId },
    data: { email: `${subjectId}@garage.tn`, role: 'customer' },
  });
}

export function loginFailed(): EventEnvelope {
  return buildEvent({
    type: 'auth.login.failed',
    producer: 'auth',
    correlationId: randomUUID(),
    actor: { system: 'bus-test' },
    subject: { type: 'user', id: randomUUID() },
    data: { email: 'nobody@garage.tn', reason: 'unknown_user' },
  });
}

/** Sum of a metric's values (counter or gauge) whose labels include `labels`. */
export async function counterValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected))
    .reduce((sum, value) => sum + value.value, 0);
}

/**
 * The test's own view of the broker, on a direct connection (never through a test's proxy):
 * declares observation queues, records what arrives and publishes raw messages.
 */
export class TestBroker {
  private constructor(
    private readonly model: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async open(): Promise<TestBroker> {
    const model = await amqp.connect(AMQP_URL);
    const channel = await model.createConfirmChannel();
    return new TestBroker(model, channel);
  }

  /** A queue bound to `exchange`; everything that reaches it lands in the returned array. */
  async observe(exchange: string, queue: string, pattern = '#'): Promise<ConsumeMessage[]> {
    await this.channel.assertExchange(exchange, 'topic', { durable: true });
    await this.channel.assertQueue(queue, { durable: false });
    await this.channel.bindQueue(queue, exchange, pattern);
    const received: ConsumeMessage[] = [];
    await this.channel.consume(queue, (message) => {
      if (message) received.push(message);
    }, { noAck: true });
    return received;
  }

  async publish(exchange: string, routingKey: string, content: Buffer | string, options: Options.Publish = {}): Promise<void> {
    this.channel.publish(exchange, routingKey, Buffer.from(content), { persistent: true, ...options });
    await this.channel.waitForConfirms();
  }

  async publishEnvelope(exchange: string, envelope: EventEnvelope): Promise<void> {
    await this.publish(exchange, envelope.type, JSON.stringify(envelope), { messageId: envelope.id, type: envelope.type });
  }

  /** Takes every message waiting in `queue`. */
  async drain(queue: string): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    for (let message = await this.channel.get(queue, { noAck: true }); message; message = await this.channel.get(queue, { noAck: true })) {
      messages.push(message);
    }
    return messages;
  }

  async deleteQueue(queue: string): Promise<void> {
    await this.channel.deleteQueue(queue);
  }

  async close(): Promise<void> {
    await this.model.close();
  }
}
