import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventEnvelope } from '@ecar/contracts';
import { AMQP_URL, waitFor, type BusNamespace } from '@ecar/testkit';
import { Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { allConsumerQueues, BusConnection, DEAD_LETTER_REASON_HEADER, InboxConsumer } from '../src/index.ts';
import { counterValue, logger, openBusTestWorld, userCreated, type BusTestWorld, type TestBroker } from './helpers.ts';

describe('inbox consumer, batch mode', () => {
  let world: BusTestWorld;
  let namespace: BusNamespace;
  let dataSource: DataSource;
  let connection: BusConnection;
  let consumer: InboxConsumer;
  let broker: TestBroker;
  const batchSizes: number[] = [];
  const registry = new Registry();

  async function insert(envelopes: readonly EventEnvelope[], manager: EntityManager): Promise<void> {
    if (envelopes.some((envelope) => envelope.subject.id.startsWith('always-fails'))) throw new Error('scripted batch failure');
    await manager.query('INSERT INTO handled (event_id, subject) SELECT * FROM unnest($1::uuid[], $2::text[])', [
      envelopes.map((envelope) => envelope.id),
      envelopes.map((envelope) => envelope.subject.id),
    ]);
  }

  async function handled(): Promise<Array<{ event_id: string }>> {
    return dataSource.query('SELECT event_id::text FROM handled ORDER BY id');
  }

  before(async () => {
    world = await openBusTestWorld('busbatch');
    ({ namespace, dataSource, broker } = world);
    await dataSource.query('CREATE TABLE handled (id serial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, subject text NOT NULL)');
    connection = new BusConnection({ url: AMQP_URL, name: 'batch-test', logger, registry, waitForFirstConnection: true });
    await connection.start();
    consumer = new InboxConsumer({
      dataSource,
      connection,
      logger,
      registry,
      exchange: namespace.exchange,
      queue: `${namespace.queuePrefix}audit.batch`,
      bindings: ['auth.user.*'],
      consumerName: 'batch',
      retryDelaysMs: [100],
      maxAttempts: 2,
      prefetch: 100,
      batchSize: 50,
      batchHandler: async (envelopes, manager) => {
        batchSizes.push(envelopes.length);
        await insert(envelopes, manager);
      },
      handler: (envelope, manager) => insert([envelope], manager),
    });
    await consumer.start();
  });

  after(async () => {
    await consumer.stop();
    await connection.close();
    await world.close(allConsumerQueues(consumer.queues));
  });

  it('handles a stream in batches, in delivery order, each event once even when delivered twice', async () => {
    const events = Array.from({ length: 300 }, () => userCreated());
    for (const event of events) await broker.publishEnvelope(namespace.exchange, event);
    await broker.publishEnvelope(namespace.exchange, events[10]!);
    await waitFor(async () => ((await handled()).length >= 300 ? true : undefined), { what: '300 events handled' });
    const rows = await handled();
    assert.deepEqual(rows.map((row) => row.event_id), events.map((event) => event.id), 'delivery order, no duplicate');
    assert.ok(batchSizes.some((size) => size > 1), `batched (${batchSizes.join(',')})`);
    assert.ok(batchSizes.every((size) => size <= 50), 'never more than batchSize');
    await waitFor(async () => ((await counterValue(registry, 'ecar_bus_consumed_total', { outcome: 'duplicate' })) === 1 ? true : undefined), { what: 'the redelivery counted as a duplicate' });
    assert.equal(await counterValue(registry, 'ecar_bus_consumed_total', { outcome: 'processed' }), 300);
  });

  it('a failing batch falls back to one by one: the others are handled, the bad one retried then dead-lettered; bad JSON too', async () => {
    const before = (await handled()).length;
    const good = Array.from({ length: 5 }, () => userCreated());
    const bad = userCreated('always-fails-batch');
    for (const event of [good[0]!, good[1]!, bad, good[2]!, good[3]!, good[4]!]) await broker.publishEnvelope(namespace.exchange, event);
    await broker.publish(namespace.exchange, 'auth.user.created', '{"not json');
    await waitFor(async () => ((await handled()).length === before + 5 ? true : undefined), { what: 'the five good events' });
    await waitFor(async () => ((await consumer.dlqDepth()) === 2 ? true : undefined), { what: 'two messages in the DLQ' });
    const dead = await broker.drain(consumer.queues.deadLetterQueue);
    assert.deepEqual(new Set(dead.map((message) => message.properties.headers?.[DEAD_LETTER_REASON_HEADER])), new Set(['invalid_json', 'max_attempts']));
    const inbox: unknown[] = await dataSource.query('SELECT 1 FROM inbox_events WHERE event_id = $1', [bad.id]);
    assert.equal(inbox.length, 0, 'the failed event is not marked handled');
  });
});
