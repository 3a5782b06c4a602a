import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsumeMessage } from 'amqplib';
import { AMQP_URL, waitFor, type BusNamespace } from '@ecar/testkit';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { BusConnection, enqueueEvents, OutboxRelay } from '../src/index.ts';
import { counterValue, FAST_BACKOFF, logger, openBusTestWorld, userCreated, type BusTestWorld, type TestBroker } from './helpers.ts';

/** One relay replica: its own connection and registry, so the test can tell their work apart. */
interface Replica {
  registry: Registry;
  connection: BusConnection;
  relay: OutboxRelay;
}

describe('two relays on one outbox', () => {
  let world: BusTestWorld;
  let namespace: BusNamespace;
  let dataSource: DataSource;
  let broker: TestBroker;
  let received: ConsumeMessage[];
  const replicas: Replica[] = [];
  const observed = () => namespace.queuePrefix + 'observed';

  before(async () => {
    world = await openBusTestWorld('bus');
    ({ namespace, dataSource, broker } = world);
    received = await broker.observe(namespace.exchange, observed());
    for (const name of ['relay-a', 'relay-b']) {
      const registry = new Registry();
      const connection = new BusConnection({ url: AMQP_URL, name, logger, registry, waitForFirstConnection: true });
      await connection.start();
      const relay = new OutboxRelay({
        dataSource,
        connection,
        logger,
        registry,
        exchange: namespace.exchange,
        batchSize: 25,
        pollIntervalMs: 50,
        backoff: FAST_BACKOFF,
      });
      await relay.start();
      replicas.push({ registry, connection, relay });
    }
  });

  after(async () => {
    for (const { relay, connection } of replicas) {
      await relay.stop();
      await connection.close();
    }
    await world.close([observed()]);
  });

  it('publishes each of 500 events exactly once', async () => {
    const events = Array.from({ length: 500 }, () => userCreated());
    for (let start = 0; start < events.length; start += 50) {
      await dataSource.transaction((manager) => enqueueEvents(manager, events.slice(start, start + 50)));
    }

    await waitFor(async () => {
      const rows: { unpublished: number }[] = await dataSource.query(
        'SELECT count(*)::int AS unpublished FROM outbox_events WHERE published_at IS NULL',
      );
      return rows[0]?.unpublished === 0 ? true : undefined;
    }, { what: 'every row marked published' });
    // Every confirmed message is already on the queue; wait for the observer to read them all.
    await waitFor(() => (received.length >= 500 ? true : undefined), { what: '500 messages on the queue' });

    const ids = received.map((message) => message.properties.messageId as string);
    assert.equal(ids.length, 500);
    assert.equal(new Set(ids).size, 500);
    assert.deepEqual(new Set(ids), new Set(events.map((event) => event.id)));
    // The replicas' own counts add up to 500: no event went out twice.
    const published = await Promise.all(replicas.map(({ registry }) => counterValue(registry, 'ecar_bus_published_total')));
    const confirmed = await Promise.all(replicas.map(({ registry }) => counterValue(registry, 'ecar_bus_publish_confirmed_total')));
    assert.equal(published.reduce((a, b) => a + b, 0), 500);
    assert.equal(confirmed.reduce((a, b) => a + b, 0), 500);
  });
});
