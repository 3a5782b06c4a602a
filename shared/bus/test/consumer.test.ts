import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventEnvelope } from '@ecar/contracts';
import { AMQP_URL, waitFor, type BusNamespace } from '@ecar/testkit';
import { Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import {
  allConsumerQueues,
  ATTEMPTS_HEADER,
  BusConnection,
  DEAD_LETTER_REASON_HEADER,
  InboxConsumer,
  LAST_ERROR_HEADER,
} from '../src/index.ts';
import { counterValue, logger, openBusTestWorld, userCreated, type BusTestWorld, type TestBroker } from './helpers.ts';

describe('inbox consumer', () => {
  let world: BusTestWorld;
  let namespace: BusNamespace;
  let dataSource: DataSource;
  let connection: BusConnection;
  let consumer: InboxConsumer;
  let broker: TestBroker;
  const registry = new Registry();
  /** Handler calls per subject id, to script failures by subject. */
  const calls = new Map<string, number>();
  const queue = () => namespace.queuePrefix + 'audit.events';

  async function handler(envelope: EventEnvelope, manager: EntityManager): Promise<void> {
    const subject = envelope.subject.id;
    const call = (calls.get(subject) ?? 0) + 1;
    calls.set(subject, call);
    await manager.query('INSERT INTO handled (event_id, subject) VALUES ($1, $2)', [envelope.id, subject]);
    if (subject.startsWith('always-fails') || (subject.startsWith('fails-twice') && call <= 2)) {
      throw new Error(`scripted failure ${call} of ${subject}`);
    }
  }

  async function handledCount(eventId: string): Promise<number> {
    const rows: { count: number }[] = await dataSource.query('SELECT count(*)::int AS count FROM handled WHERE event_id = $1', [eventId]);
    return rows[0]?.count ?? 0;
  }

  before(async () => {
    world = await openBusTestWorld('bus');
    ({ namespace, dataSource, broker } = world);
    await dataSource.query('CREATE TABLE handled (id serial PRIMARY KEY, event_id uuid NOT NULL, subject text NOT NULL)');
    connection = new BusConnection({ url: AMQP_URL, name: 'consumer-test', logger, registry, waitForFirstConnection: true });
    await connection.start();
    consumer = new InboxConsumer({
      dataSource,
      connection,
      logger,
      registry,
      exchange: namespace.exchange,
      queue: queue(),
      bindings: ['auth.user.*'],
      consumerName: 'audit',
      retryDelaysMs: [100, 200],
      handler,
    });
    await consumer.start();
  });

  after(async () => {
    await consumer.stop();
    await connection.close();
    await world.close(allConsumerQueues(consumer.queues));
  });

  it('applies an event delivered twice only once', async () => {
    const event = userCreated();
    await broker.publishEnvelope(namespace.exchange, event);
    await broker.publishEnvelope(namespace.exchange, event);

    await waitFor(async () => ((await counterValue(registry, 'ecar_bus_consumed_total', { outcome: 'duplicate' })) >= 1 ? true : undefined), {
      what: 'the second delivery seen as a duplicate',
    });
    assert.equal(await handledCount(event.id), 1);
    assert.equal(calls.get(event.subject.id), 1);
    const inbox: { consumer: string }[] = await dataSource.query('SELECT consumer FROM inbox_events WHERE event_id = $1', [event.id]);
    assert.deepEqual(inbox, [{ consumer: 'audit' }]);
  });

  it('dead-letters malformed JSON and an invalid envelope, and keeps consuming', async () => {
    await broker.publish(namespace.exchange, 'auth.user.created', '{"not json');
    await broker.publish(namespace.exchange, 'auth.user.created', JSON.stringify({ ...userCreated(), id: 'not-a-uuid' }));
    const good = userCreated();
    await broker.publishEnvelope(namespace.exchange, good);

    await waitFor(async () => ((await handledCount(good.id)) === 1 ? true : undefined), { what: 'the good event handled' });
    await waitFor(async () => ((await consumer.dlqDepth()) === 2 ? true : undefined), { what: 'two messages in the DLQ' });
    const dead = await broker.drain(consumer.queues.deadLetterQueue);
    assert.deepEqual(
      dead.map((message) => message.properties.headers?.[DEAD_LETTER_REASON_HEADER]),
      ['invalid_json', 'invalid_envelope'],
    );
    assert.equal(dead[0]?.content.toString(), '{"not json');
    assert.match(String(dead[1]?.properties.headers?.[LAST_ERROR_HEADER]), /id/);
    assert.equal(dead[1]?.properties.deliveryMode, 2);
  });

  it('retries a handler that fails twice, then applies the event once', async () => {
    const event = userCreated('fails-twice');
    await broker.publishEnvelope(namespace.exchange, event);

    await waitFor(() => (calls.get('fails-twice') === 3 ? true : undefined), { what: 'the third attempt' });
    await waitFor(async () => ((await handledCount(event.id)) === 1 ? true : undefined), { what: 'the event applied' });
    // The failed attempts rolled back their writes along with the inbox row.
    assert.equal(await handledCount(event.id), 1);
    assert.equal(await counterValue(registry, 'ecar_bus_consumed_total', { outcome: 'retried' }), 2);
    assert.equal(await consumer.dlqDepth(), 0);
  });

  it('dead-letters an event whose handler always fails, after maxAttempts', async () => {
    const event = userCreated('always-fails');
    await broker.publishEnvelope(namespace.exchange, event);

    await waitFor(async () => ((await consumer.dlqDepth()) === 1 ? true : undefined), { what: 'the event in the DLQ' });
    const [dead] = await broker.drain(consumer.queues.deadLetterQueue);
    assert.equal(calls.get('always-fails'), 3);
    assert.equal(dead?.properties.messageId, event.id);
    assert.equal(dead?.properties.headers?.[ATTEMPTS_HEADER], 3);
    assert.equal(dead?.properties.headers?.[DEAD_LETTER_REASON_HEADER], 'max_attempts');
    assert.match(String(dead?.properties.headers?.[LAST_ERROR_HEADER]), /scripted failure 3 of always-fails/);
    assert.deepEqual(JSON.parse(dead?.content.toString() ?? ''), event);
    assert.equal(await handledCount(event.id), 0);
    const inbox: unknown[] = await dataSource.query('SELECT 1 FROM inbox_events WHERE event_id = $1', [event.id]);
    assert.equal(inbox.length, 0);
  });

  it('declares its queue again and resumes when the broker cancels it (queue deleted)', async () => {
    await broker.deleteQueue(queue());
    // The consumer subscribes last, after binding: once it is back, the queue gets events again.
    await waitFor(
      () =>
        connection.withChannel((channel) => channel.checkQueue(queue())).then(
          ({ consumerCount }) => (consumerCount === 1 ? true : undefined),
          () => undefined,
        ),
      { what: 'the queue declared and consumed again' },
    );
    const event = userCreated();
    await broker.publishEnvelope(namespace.exchange, event);
    await waitFor(async () => ((await handledCount(event.id)) === 1 ? true : undefined), { what: 'the event handled' });
  });

  it('reports the DLQ depth as a gauge', async () => {
    await broker.publish(namespace.exchange, 'auth.user.created', 'garbage');
    await waitFor(async () => ((await consumer.dlqDepth()) === 1 ? true : undefined), { what: 'the garbage in the DLQ' });
    assert.equal(await counterValue(registry, 'ecar_bus_dlq_depth', { queue: consumer.queues.deadLetterQueue }), 1);
    await broker.drain(consumer.queues.deadLetterQueue);
  });

  it('declares a deleted DLQ again instead of losing what goes there', async () => {
    await broker.deleteQueue(consumer.queues.deadLetterQueue);
    await broker.publish(namespace.exchange, 'auth.user.created', 'garbage again');
    // The copy comes back unroutable; the consumer reopens, declares its topology, and retries.
    await waitFor(async () => ((await consumer.dlqDepth()) === 1 ? true : undefined), { what: 'the garbage in the new DLQ' });
    const [dead] = await broker.drain(consumer.queues.deadLetterQueue);
    assert.equal(dead?.content.toString(), 'garbage again');
  });
});
