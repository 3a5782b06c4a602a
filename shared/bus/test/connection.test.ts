import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChannelModel } from 'amqplib';
import { AMQP_URL, TcpProxy, waitFor } from '@ecar/testkit';
import { Registry } from 'prom-client';
import { busMetrics, BusConnection, BusNotConnectedError } from '../src/index.ts';
import { counterValue, FAST_BACKOFF, logger } from './helpers.ts';

describe('bus connection', () => {
  let proxy: TcpProxy;
  let url: string;

  before(async () => {
    proxy = new TcpProxy('127.0.0.1', 5672);
    url = `amqp://guest:guest@127.0.0.1:${await proxy.start()}`;
    // The port stays reserved in `proxy.port`; the broker is unreachable until the next start().
    await proxy.stop();
  });

  after(async () => {
    await proxy.stop();
  });

  it('starts while the broker is down, connects when it comes up and re-runs setup after every reconnect', async () => {
    const registry = new Registry();
    const connection = new BusConnection({ url, name: 'connection-test', logger, registry, reconnect: FAST_BACKOFF });
    const setups: ChannelModel[] = [];
    try {
      await connection.start();
      assert.equal(connection.isConnected(), false);
      await connection.onConnected(async (model) => {
        setups.push(model);
      });
      assert.equal(await connection.waitUntilConnected(200), false);
      await assert.rejects(connection.withChannel(async () => undefined), BusNotConnectedError);

      await proxy.start();
      assert.equal(await connection.waitUntilConnected(5_000), true);
      assert.equal(setups.length, 1);
      assert.equal(await counterValue(registry, 'ecar_bus_connected', { connection: 'connection-test' }), 1);
      const { messageCount } = await connection.withChannel((channel) => channel.assertQueue('', { exclusive: true }));
      assert.equal(messageCount, 0);

      await proxy.stop();
      await waitFor(() => (connection.isConnected() ? undefined : true), { what: 'the connection to drop' });
      assert.equal(await counterValue(registry, 'ecar_bus_connected', { connection: 'connection-test' }), 0);
      await proxy.start();
      assert.equal(await connection.waitUntilConnected(5_000), true);
      assert.equal(setups.length, 2);
      assert.notEqual(setups[0], setups[1]);
    } finally {
      await connection.close();
    }
    assert.equal(connection.isConnected(), false);
    assert.equal(await connection.waitUntilConnected(1_000), false);
  });

  it('runs a callback registered while connected right away', async () => {
    const connection = new BusConnection({ url: AMQP_URL, name: 'connection-late-callback', logger, waitForFirstConnection: true });
    try {
      await connection.start();
      assert.equal(connection.isConnected(), true);
      let ran = false;
      await connection.onConnected(async () => {
        ran = true;
      });
      assert.equal(ran, true);
    } finally {
      await connection.close();
    }
  });

  it('recycles the connection when a setup callback fails', async () => {
    const connection = new BusConnection({ url: AMQP_URL, name: 'connection-failing-setup', logger, reconnect: FAST_BACKOFF });
    let calls = 0;
    try {
      await connection.onConnected(async () => {
        calls++;
        if (calls === 1) throw new Error('setup failed once');
      });
      await connection.start();
      assert.equal(await connection.waitUntilConnected(5_000), true);
      assert.equal(calls, 2);
    } finally {
      await connection.close();
    }
  });

  it('shares one set of metrics per registry', () => {
    const registry = new Registry();
    assert.equal(busMetrics(registry), busMetrics(registry));
    assert.notEqual(busMetrics(registry), busMetrics(new Registry()));
  });
});
