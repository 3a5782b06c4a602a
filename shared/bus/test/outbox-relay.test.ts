import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsumeMessage } from 'amqplib';
import { waitFor, AMQP_URL, type BusNamespace } from '@ecar/testkit';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { BusConnection, enqueueEvent, enqueueEvents, GroupedOutboxWriter, OutboxRelay } from '../src/index.ts';
import { counterValue, logger, loginFailed, openBusTestWorld, userCreated, type BusTestWorld, type TestBroker } from './helpers.ts';

describe('outbox and relay', () => {
  let world: BusTestWorld;
  let namespace: BusNamespace;
  let dataSource: DataSource;
  let connection: BusConnection;
  let relay: OutboxRelay;
  let broker: TestBroker;
  let received: ConsumeMessage[];
  const registry = new Registry();
  const observed = () => namespace.queuePrefix + 'observed';

  before(async () => {
    world = await openBusTestWorld('bus');
    ({ namespace, dataSource, broker } = world);
    // Only user events are routed: login events have no queue, so they come back unroutable.
    received = await broker.observe(namespace.exchange, observed(), 'auth.user.*');
    connection = new BusConnection({ url: AMQP_URL, name: 'relay-test', logger, registry, waitForFirstConnection: true });
    await connection.start();
    relay = new OutboxRelay({
      dataSource,
      connection,
      logger,
      registry,
      exchange: namespace.exchange,
      // Polls too rarely to matter here: the NOTIFY sent at commit is what wakes it.
      pollIntervalMs: 60_000,
      backoff: { initialMs: 5_000, maxMs: 10_000 },
    });
    await relay.start();
  });

  after(async () => {
    await relay.stop();
    await connection.close();
    await world.close([observed()]);
  });

  it('publishes an event once its transaction commits, as a persistent message with its id', async () => {
    const event = userCreated();
    await dataSource.transaction((manager) => enqueueEvent(manager, event));

    const message = await waitFor(() => received.find((m) => m.properties.messageId === event.id), { what: 'the event on the queue' });
    assert.equal(message.fields.routingKey, 'auth.user.created');
    assert.equal(message.properties.deliveryMode, 2);
    assert.equal(message.properties.type, 'auth.user.created');
    assert.equal(message.properties.contentType, 'application/json');
    assert.equal(message.properties.headers?.['correlation-id'], event.correlationId);
    assert.equal(message.properties.headers?.['producer'], 'auth');
    assert.deepEqual(JSON.parse(message.content.toString()), event);
    const [row] = await waitFor(async () => {
      const rows: { published_at: Date | null }[] = await dataSource.query('SELECT published_at FROM outbox_events WHERE id = $1', [event.id]);
      return rows[0]?.published_at ? rows : undefined;
    }, { what: 'the row marked published' });
    assert.ok(row?.published_at instanceof Date);
    assert.equal(await relay.outboxLag(), 0);
  });

  it('publishes nothing and keeps no row when the transaction rolls back', async () => {
    const event = userCreated();
    await assert.rejects(
      dataSource.transaction(async (manager) => {
        await enqueueEvent(manager, event);
        throw new Error('business rule broken');
      }),
      /business rule broken/,
    );
    // A later committed event is published; the rolled back one, enqueued before it, is not.
    const marker = userCreated();
    await dataSource.transaction((manager) => enqueueEvent(manager, marker));
    await waitFor(() => received.find((m) => m.properties.messageId === marker.id), { what: 'the marker event' });
    assert.equal(received.some((m) => m.properties.messageId === event.id), false);
    const rows: unknown[] = await dataSource.query('SELECT 1 FROM outbox_events WHERE id = $1', [event.id]);
    assert.equal(rows.length, 0);
  });

  it('listens again after losing its LISTEN connection', async () => {
    const terminated: { terminated: boolean }[] = await dataSource.query(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE datname = current_database() AND query = 'LISTEN ecar_outbox'`,
    );
    assert.deepEqual(terminated, [{ terminated: true }]);
    await waitFor(async () => {
      const rows: unknown[] = await dataSource.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE datname = current_database() AND query = 'LISTEN ecar_outbox' AND state = 'idle'`,
      );
      return rows.length === 1 ? true : undefined;
    }, { what: 'a new LISTEN connection' });
    const event = userCreated();
    await dataSource.transaction((manager) => enqueueEvent(manager, event));
    await waitFor(() => received.find((m) => m.properties.messageId === event.id), { what: 'the event on the queue' });
  });

  it('refuses an invalid envelope and a manager outside a transaction', async () => {
    await assert.rejects(
      dataSource.transaction((manager) => enqueueEvents(manager, [{ ...userCreated(), type: 'Not A Type' }])),
      /type/,
    );
    await assert.rejects(enqueueEvent(dataSource.manager, userCreated()), /transaction/);
  });

  it('records reads with a statement of their own: concurrent writes share statements, each event keeps its row and is published', async () => {
    const writer = new GroupedOutboxWriter(dataSource);
    const events = Array.from({ length: 20 }, () => userCreated());
    await Promise.all(events.map((event) => writer.write([event])));
    const ids = events.map((event) => event.id);
    // Committed when write resolved; rows of one statement share its transaction's now().
    const rows: Array<{ id: string; created_at: Date }> = await dataSource.query('SELECT id, created_at FROM outbox_events WHERE id = ANY($1::uuid[])', [ids]);
    assert.equal(rows.length, 20);
    assert.ok(new Set(rows.map((row) => row.created_at.getTime())).size < 20, 'reads finishing together share a statement');
    await waitFor(() => ids.every((id) => received.some((m) => m.properties.messageId === id)) || undefined, { what: 'every recorded event on the queue' });
    await waitFor(
      async () => {
        const unpublished: unknown[] = await dataSource.query('SELECT 1 FROM outbox_events WHERE id = ANY($1::uuid[]) AND published_at IS NULL', [ids]);
        return unpublished.length === 0 || undefined;
      },
      { what: 'every recorded event marked published' },
    );
  });

  it('a failed statement rejects every write it carried, so no read answers without its record; an invalid envelope throws at once', async () => {
    const writer = new GroupedOutboxWriter(dataSource);
    const existing = userCreated();
    await writer.write([existing]);
    const first = userCreated();
    const sharing = userCreated();
    const [alone, duplicate, carried] = await Promise.allSettled([writer.write([first]), writer.write([existing]), writer.write([sharing])]);
    assert.equal(alone.status, 'fulfilled');
    assert.equal(duplicate.status, 'rejected');
    assert.equal(carried.status, 'rejected', 'the write sharing the failed statement fails with it');
    const rows: unknown[] = await dataSource.query('SELECT 1 FROM outbox_events WHERE id = $1', [sharing.id]);
    assert.equal(rows.length, 0);
    assert.throws(() => writer.write([{ ...userCreated(), type: 'Not A Type' }]), /type/);
  });

  it('keeps an unroutable event unpublished and counts the attempt', async () => {
    const event = loginFailed();
    await dataSource.transaction((manager) => enqueueEvent(manager, event));

    const row = await waitFor(async () => {
      const rows: { attempts: number; published_at: Date | null; last_error: string | null; lease_owner: string | null }[] =
        await dataSource.query('SELECT attempts, published_at, last_error, lease_owner FROM outbox_events WHERE id = $1', [event.id]);
      return rows[0] && rows[0].attempts >= 1 ? rows[0] : undefined;
    }, { what: 'a failed attempt recorded' });
    assert.equal(row.attempts, 1);
    assert.equal(row.published_at, null);
    assert.equal(row.lease_owner, null);
    assert.match(row.last_error ?? '', /unroutable/);
    assert.ok((await relay.outboxLag()) > 0);
    assert.equal(await counterValue(registry, 'ecar_bus_publish_failed_total', { reason: 'unroutable' }), 1);
    assert.ok((await counterValue(registry, 'ecar_bus_outbox_lag_seconds')) > 0);
    assert.equal(await counterValue(registry, 'ecar_bus_connected', { connection: 'relay-test' }), 1);
  });
});
