import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventEnvelope } from '@ecar/contracts';
import { TcpProxy, waitFor, type BusNamespace } from '@ecar/testkit';
import { Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { allConsumerQueues, BusConnection, InboxConsumer } from '../src/index.ts';
import { counterValue, FAST_BACKOFF, logger, openBusTestWorld, userCreated, type BusTestWorld, type TestBroker } from './helpers.ts';

describe('inbox consumer across a broker outage', () => {
  let world: BusTestWorld;
  let namespace: BusNamespace;
  let dataSource: DataSource;
  let proxy: TcpProxy;
  let connection: BusConnection;
  let consumer: InboxConsumer;
  let broker: TestBroker;
  const registry = new Registry();
  /** Holds the `slow` event's handler until the test lets it go. */
  let releaseSlow: () => void = () => undefined;
  let slowStarted = false;

  async function handler(envelope: EventEnvelope, manager: EntityManager): Promise<void> {
    if (envelope.subject.id === 'slow' && !slowStarted) {
      slowStarted = true;
      await new Promise<void>((resolve) => {
        releaseSlow = resolve;
      });
    }
    await manager.query('INSERT INTO handled (event_id) VALUES ($1)', [envelope.id]);
  }

  async function handledCount(): Promise<number> {
    const rows: { count: number }[] = await dataSource.query('SELECT count(*)::int AS count FROM handled');
    return rows[0]?.count ?? 0;
  }

  before(async () => {
    world = await openBusTestWorld('bus');
    ({ namespace, dataSource, broker } = world);
    await dataSource.query('CREATE TABLE handled (id serial PRIMARY KEY, event_id uuid NOT NULL)');
    proxy = new TcpProxy('127.0.0.1', 5672);
    const port = await proxy.start();
    connection = new BusConnection({
      url: `amqp://guest:guest@127.0.0.1:${port}`,
      name: 'consumer-reconnect-test',
      logger,
      registry,
      reconnect: FAST_BACKOFF,
      waitForFirstConnection: true,
    });
    await connection.start();
    consumer = new InboxConsumer({
      dataSource,
      connection,
      logger,
      registry,
      exchange: namespace.exchange,
      queue: namespace.queuePrefix + 'billing.users',
      bindings: ['#'],
      consumerName: 'billing',
      retryDelaysMs: [100],
      singleActiveConsumer: true,
      handler,
    });
    await consumer.start();
  });

  after(async () => {
    releaseSlow();
    await consumer.stop();
    await connection.close();
    await proxy.stop();
    await world.close(allConsumerQueues(consumer.queues));
  });

  it('processes what was published during the outage, and the event in flight at the cut only once', async () => {
    const slow = userCreated('slow');
    await broker.publishEnvelope(namespace.exchange, slow);
    await waitFor(() => (slowStarted ? true : undefined), { what: 'the slow handler to start' });

    await proxy.stop();
    await waitFor(() => (connection.isConnected() ? undefined : true), { what: 'the connection to drop' });
    // The handler commits after the cut: its ack can't reach the broker, which redelivers it.
    releaseSlow();
    await waitFor(async () => ((await handledCount()) === 1 ? true : undefined), { what: 'the slow event committed' });

    const during = Array.from({ length: 5 }, () => userCreated());
    for (const event of during) await broker.publishEnvelope(namespace.exchange, event);

    await proxy.start();
    await waitFor(async () => ((await handledCount()) === 6 ? true : undefined), { what: 'the events of the outage handled' });
    await waitFor(async () => ((await counterValue(registry, 'ecar_bus_consumed_total', { outcome: 'duplicate' })) === 1 ? true : undefined), {
      what: 'the slow event redelivered and skipped',
    });
    const rows: { event_id: string }[] = await dataSource.query('SELECT event_id FROM handled ORDER BY id');
    assert.deepEqual(
      rows.map((row) => row.event_id),
      [slow.id, ...during.map((event) => event.id)],
    );
    assert.equal(await counterValue(registry, 'ecar_bus_consumed_total', { outcome: 'processed' }), 5);
  });
});
