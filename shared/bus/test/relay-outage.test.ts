import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { ConsumeMessage } from 'amqplib';
import {
  TcpProxy,
  waitFor,
  type BusNamespace,
} from '@ecar/testkit';
import type { DataSource } from 'typeorm';
import { BusConnection, enqueueEvents, OutboxRelay } from '../src/index.ts';
import { FAST_BACKOFF, logger, openBusTestWorld, userCreated, type BusTestWorld, type TestBroker } from './helpers.ts';

describe('relay during a broker outage', () => {
  let world: BusTestWorld;
  let namespace: BusNamespace;
  let dataSource: DataSource;
  let proxy: TcpProxy;
  let connection: BusConnection;
  let relay: OutboxRelay;
  let broker: TestBroker;
  let received: ConsumeMessage[];
  const observed = () => namespace.queuePrefix + 'observed';

  before(async () => {
    world = await openBusTestWorld('bus');
    ({ namespace, dataSource, broker } = world);
    received = await broker.observe(namespace.exchange, observed());
    proxy = new TcpProxy('127.0.0.1', 5672);
    const port = await proxy.start();
    connection = new BusConnection({
      url: `amqp://guest:guest@127.0.0.1:${port}`,
      name: 'relay-outage-test',
      logger,
      reconnect: FAST_BACKOFF,
      waitForFirstConnection: true,
    });
    await connection.start();
    relay = new OutboxRelay({ dataSource, connection, logger, exchange: namespace.exchange, pollIntervalMs: 100, backoff: FAST_BACKOFF });
    await relay.start();
  });

  after(async () => {
    await relay.stop();
    await connection.close();
    await proxy.stop();
    await world.close([observed()]);
  });

  it('keeps events committed while the broker is away and publishes all of them, in order, once it is back', async () => {
    await proxy.stop();
    await waitFor(() => (connection.isConnected() ? undefined : true), { what: 'the connection to drop' });

    const events = Array.from({ length: 20 }, () => userCreated());
    await dataSource.transaction((manager) => enqueueEvents(manager, events));

    // Several poll periods with the broker away: the rows wait, untouched.
    await delay(500);
    const waiting: { published: number; attempted: number }[] = await dataSource.query(
      `SELECT count(*) FILTER (WHERE published_at IS NOT NULL)::int AS published, count(*) FILTER (WHERE attempts > 0)::int AS attempted
         FROM outbox_events`,
    );
    assert.deepEqual(waiting[0], { published: 0, attempted: 0 });
    assert.equal(received.length, 0);

    await proxy.start();
    await waitFor(() => (received.length >= 20 ? true : undefined), { what: '20 messages on the queue' });
    await waitFor(async () => {
      const rows: { unpublished: number }[] = await dataSource.query(
        'SELECT count(*)::int AS unpublished FROM outbox_events WHERE published_at IS NULL',
      );
      return rows[0]?.unpublished === 0 ? true : undefined;
    }, { what: 'every row marked published' });
    assert.deepEqual(
      received.map((message) => message.properties.messageId),
      events.map((event) => event.id),
    );
    assert.ok(connection.isConnected());
  });
});
