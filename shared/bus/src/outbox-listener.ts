import type { Logger } from '@ecar/logger';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { backoffDelay, type BackoffOptions } from '@ecar/primitives';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox.ts';
import { sleep } from './sleep.ts';

export interface OutboxListenerOptions {
  dataSource: DataSource;
  logger: Logger;
  /** Called on every NOTIFY, and after each (re)connect in case one was missed meanwhile. */
  onNotify: () => void;
  reconnect: BackoffOptions;
}

type ReleaseClient = (destroy?: boolean | Error) => void;

/**
 * Holds one connection of the DataSource's pool in LISTEN, so the relay publishes right after a
 * commit instead of at its next poll. Losing it only costs latency: the relay still polls.
 */
export class OutboxListener {
  private readonly stopController = new AbortController();
  private readonly stopped = new Promise<void>((resolve) =>
    this.stopController.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  private loop: Promise<void> | undefined;

  constructor(private readonly options: OutboxListenerOptions) {
    if (options.dataSource.options.type !== 'postgres') {
      throw new Error(`the outbox needs a postgres DataSource, not ${options.dataSource.options.type}`);
    }
  }

  start(): void {
    this.loop ??= this.listenForever();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
  }

  private async listenForever(): Promise<void> {
    const signal = this.stopController.signal;
    let failures = 0;
    while (!signal.aborted) {
      const error = await this.listenUntilLost(() => {
        failures = 0;
      });
      if (signal.aborted) break;
      this.options.logger.warn('outbox LISTEN connection lost; the relay polls meanwhile', { error });
      await sleep(backoffDelay(failures++, this.options.reconnect), signal);
    }
  }

  /** LISTENs on one pooled connection until it fails (returns the error) or the listener stops. */
  private async listenUntilLost(onListening: () => void): Promise<unknown> {
    let lease: { client: pg.PoolClient; release: ReleaseClient } | undefined;
    try {
      lease = await this.obtainClient();
      const client = lease.client;
      const lost = new Promise<Error>((resolve) => {
        // A listener for the client's whole life: an unhandled 'error' would crash the process.
        client.on('error', resolve);
        client.once('end', () => resolve(new Error('connection ended')));
      });
      client.on('notification', (notification: pg.Notification) => {
        if (notification.channel === OUTBOX_NOTIFY_CHANNEL) this.options.onNotify();
      });
      await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
      onListening();
      this.options.onNotify();
      return await Promise.race([lost, this.stopped]);
    } catch (error) {
      return error;
    } finally {
      // Destroyed, not returned to the pool: it is broken, or still LISTENing.
      lease?.release(true);
    }
  }

  private async obtainClient(): Promise<{ client: pg.PoolClient; release: ReleaseClient }> {
    const driver = this.options.dataSource.driver as PostgresDriver;
    const [client, release] = (await driver.obtainMasterConnection()) as [pg.PoolClient, ReleaseClient];
    return { client, release };
  }
}
