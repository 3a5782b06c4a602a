import amqp from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';
import type { Logger } from '@ecar/logger';
import { Registry } from 'prom-client';
import { backoffDelay, type BackoffOptions } from '@ecar/primitives';
import { busMetrics, type BusMetrics } from './metrics.ts';
import { brokerUserOf, producerUserPattern } from './producer-identity.ts';
import { sleep } from './sleep.ts';

export interface BusConnectionOptions {
  /** amqp(s)://user:pass@host:port/vhost; add `?heartbeat=10` to detect dead peers faster. */
  url: string;
  /** Shown in the RabbitMQ management UI as the connection name. */
  name: string;
  logger: Logger;
  reconnect?: BackoffOptions;
  /**
   * false (default): `start()` returns at once and the service runs while the broker is down.
   * true: `start()` returns once the first connection is set up (or the connection is closed).
   */
  waitForFirstConnection?: boolean;
  /** Gives up a TCP/AMQP handshake that hangs (a black-holed host) after this long. */
  connectTimeoutMs?: number;
  registry?: Registry;
  /**
   * PEM of the CA that signed the broker's certificate (the internal CA, ENC-6) for amqps://
   * URLs; without it only the system's public CAs are trusted and the internal one fails.
   */
  ca?: string | undefined;
  /** Broker user of each producing service (`{producer}` = its name); '' = all share this connection's user. */
  producerUsers?: string;
}

/** Re-creates channels and topology on a fresh connection; it runs after every (re)connect. */
export type ConnectedCallback = (model: ChannelModel) => Promise<void>;

export class BusNotConnectedError extends Error {
  constructor(name: string) {
    super(`bus connection ${name} is not connected`);
    this.name = 'BusNotConnectedError';
  }
}

const DEFAULT_RECONNECT: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * One AMQP connection that reconnects forever with backoff. Users never keep channels across
 * reconnects: they register `onConnected` callbacks that open their channels on each new
 * connection.
 */
export class BusConnection {
  private readonly callbacks = new Set<ConnectedCallback>();
  private readonly connectedWaiters = new Set<() => void>();
  /** The bus metrics of this connection's registry (shared with its consumers and subscriptions). */
  readonly metrics: BusMetrics;
  private readonly stopController = new AbortController();
  private model: ChannelModel | undefined;
  private ready = false;
  private blocked = false;
  private loop: Promise<void> | undefined;

  /** The broker user this connection publishes as: the `user-id` of everything it sends. */
  readonly brokerUser: string;
  /** The broker user a producing service publishes as. */
  readonly producerUser: (producer: string) => string;

  constructor(private readonly options: BusConnectionOptions) {
    this.brokerUser = brokerUserOf(options.url);
    this.producerUser = producerUserPattern(options.producerUsers ?? '', this.brokerUser);
    this.metrics = busMetrics(options.registry ?? new Registry());
    this.metrics.connected.set({ connection: options.name }, 0);
  }

  async start(): Promise<void> {
    if (this.loop) throw new Error(`bus connection ${this.options.name} already started`);
    this.loop = this.maintain();
    if (this.options.waitForFirstConnection) await this.waitUntilConnected(Number.POSITIVE_INFINITY);
  }

  /** True once connected and every `onConnected` callback has run on the connection. */
  isConnected(): boolean {
    return this.ready;
  }

  /** True while RabbitMQ has blocked publishing (memory or disk alarm). */
  isBlocked(): boolean {
    return this.blocked;
  }

  /** The live connection, also while its `onConnected` callbacks are running. */
  currentModel(): ChannelModel | undefined {
    return this.model;
  }

  /** Resolves true when connected, false after `timeoutMs` or when the connection is closed. */
  async waitUntilConnected(timeoutMs: number): Promise<boolean> {
    if (this.ready) return true;
    if (this.stopController.signal.aborted) return false;
    return new Promise<boolean>((resolve) => {
      const done = (connected: boolean) => {
        clearTimeout(timer);
        this.connectedWaiters.delete(onConnected);
        this.stopController.signal.removeEventListener('abort', onClosed);
        resolve(connected);
      };
      const onConnected = () => done(true);
      const onClosed = () => done(false);
      const timer = Number.isFinite(timeoutMs) ? setTimeout(onClosed, timeoutMs) : undefined;
      this.connectedWaiters.add(onConnected);
      this.stopController.signal.addEventListener('abort', onClosed, { once: true });
    });
  }

  /**
   * Registers `callback` for every future connection and, when a connection is up, runs it on
   * that one before resolving. A callback that throws gets the connection recycled, so every
   * callback runs again on a fresh one. Returns the unsubscribe function.
   */
  async onConnected(callback: ConnectedCallback): Promise<() => void> {
    this.callbacks.add(callback);
    const unsubscribe = () => {
      this.callbacks.delete(callback);
    };
    // While callbacks are still running on a new connection, the loop's iteration over the set
    // picks this one up too; running it here as well would run it twice.
    const model = this.model;
    if (this.ready && model) await this.runCallbacks(model, [callback]);
    return unsubscribe;
  }

  /** Runs `fn` on a short-lived channel of the current connection (queue checks, admin). */
  async withChannel<T>(fn: (channel: Channel) => Promise<T>): Promise<T> {
    const model = this.model;
    if (!this.ready || !model) throw new BusNotConnectedError(this.options.name);
    const channel = await model.createChannel();
    // A failed check (404) closes the channel with an 'error' event; the rejected RPC reports it.
    channel.on('error', () => undefined);
    try {
      return await fn(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Stops reconnecting and closes the connection; channels close with it. */
  async close(): Promise<void> {
    this.stopController.abort();
    const model = this.model;
    if (model) await model.close().catch(() => undefined);
    await this.loop;
  }

  private async maintain(): Promise<void> {
    const { logger, name } = this.options;
    let failures = 0;
    while (!this.stopController.signal.aborted) {
      const model = await this.connect().catch((error: unknown) => {
        logger.warn('bus connection failed', { connection: name, broker: this.brokerHost(), attempt: failures + 1, error });
        return undefined;
      });
      if (!model) {
        await sleep(backoffDelay(failures++, this.reconnectBackoff()), this.stopController.signal);
        continue;
      }
      const closed = this.watch(model);
      this.model = model;
      if (this.stopController.signal.aborted) await model.close().catch(() => undefined);
      // The live set, not a copy: a callback registered while these run is run here too.
      else if (await this.runCallbacks(model, this.callbacks)) {
        this.markReady(model);
        failures = 0;
      }
      const wasReady = this.ready;
      await closed;
      if (this.stopController.signal.aborted) break;
      if (wasReady) logger.warn('bus connection lost; reconnecting', { connection: name });
      // Back off before reconnecting: a broker that drops connections right after accepting
      // them (a failing setup callback, a node restarting) must not be hammered.
      await sleep(backoffDelay(failures++, this.reconnectBackoff()), this.stopController.signal);
    }
    logger.info('bus connection closed', { connection: name });
  }

  private connect(): Promise<ChannelModel> {
    const { ca } = this.options;
    return amqp.connect(this.options.url, {
      clientProperties: { connection_name: this.options.name },
      timeout: this.options.connectTimeoutMs ?? 10_000,
      // Node's TLS socket options; amqplib passes them to tls.connect for amqps:// only.
      ...(ca ? { ca: [ca] } : {}),
    });
  }

  /** Attaches the connection's listeners; resolves when it closes, whatever the reason. */
  private watch(model: ChannelModel): Promise<void> {
    const { logger, name } = this.options;
    model.on('error', (error: Error) => logger.warn('bus connection error', { connection: name, error }));
    model.on('blocked', (reason: string) => {
      this.blocked = true;
      logger.warn('bus connection blocked by the broker', { connection: name, reason });
    });
    model.on('unblocked', () => {
      this.blocked = false;
      logger.info('bus connection unblocked', { connection: name });
    });
    return new Promise<void>((resolve) =>
      model.once('close', () => {
        // Synchronously, so nobody opens a channel on a closed connection meanwhile.
        this.model = undefined;
        this.ready = false;
        this.blocked = false;
        this.metrics.connected.set({ connection: name }, 0);
        resolve();
      }),
    );
  }

  /** Runs the callbacks in order; on a failure, closes the connection and returns false. */
  private async runCallbacks(model: ChannelModel, callbacks: Iterable<ConnectedCallback>): Promise<boolean> {
    try {
      for (const callback of callbacks) await callback(model);
      return true;
    } catch (error) {
      this.options.logger.error('bus connection setup failed; reconnecting', { connection: this.options.name, error });
      await model.close().catch(() => undefined);
      return false;
    }
  }

  private markReady(model: ChannelModel): void {
    // The connection may have dropped while the callbacks ran: it is not ready then.
    if (this.model !== model) return;
    this.ready = true;
    this.metrics.connected.set({ connection: this.options.name }, 1);
    this.options.logger.info('bus connected', { connection: this.options.name, broker: this.brokerHost() });
    for (const waiter of [...this.connectedWaiters]) waiter();
  }

  private reconnectBackoff(): BackoffOptions {
    return this.options.reconnect ?? DEFAULT_RECONNECT;
  }

  /** The broker address without credentials, for logs. */
  private brokerHost(): string {
    try {
      return new URL(this.options.url).host;
    } catch {
      return 'invalid url';
    }
  }
}
