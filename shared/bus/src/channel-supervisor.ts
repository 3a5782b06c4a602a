import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import type { Logger } from '@ecar/logger';
import { backoffDelay, type BackoffOptions } from '@ecar/primitives';
import type { BusConnection } from './connection.ts';

/** Opens channels that the supervisor watches and closes together. */
export interface ChannelScope {
  createChannel(): Promise<Channel>;
  createConfirmChannel(): Promise<ConfirmChannel>;
}

export interface ChannelSupervisorOptions<S> {
  connection: BusConnection;
  logger: Logger;
  /** What the channels are for, in logs. */
  purpose: string;
  /** Opens the channels and sets up topology and consumers; called again after every loss. */
  open: (scope: ChannelScope) => Promise<S>;
  /** Called once a session is open and current. */
  onOpened?: (session: S) => void;
  reopen?: BackoffOptions;
}

interface OpenSession<S> {
  value: S;
  channels: Channel[];
  model: ChannelModel;
}

const DEFAULT_REOPEN: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

async function closeChannels(channels: Channel[]): Promise<void> {
  // close() on a channel the broker already closed rejects: nothing is left to do then.
  await Promise.all(channels.map((channel) => Promise.resolve().then(() => channel.close()).catch(() => undefined)));
}

/**
 * Keeps a set of channels (a "session") open on the current connection: opens it on every
 * (re)connect, and when one of its channels closes on its own (a channel error, a consumer
 * cancelled by the broker) closes the rest and opens a new session after a backoff.
 */
export class ChannelSupervisor<S> {
  private session: OpenSession<S> | undefined;
  private opening: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private failures = 0;
  private reopenTimer: NodeJS.Timeout | undefined;
  private readonly closedChannels = new WeakSet<Channel>();

  constructor(private readonly options: ChannelSupervisorOptions<S>) {}

  /** Opens the session now when connected, else on the first connection. */
  async start(): Promise<void> {
    this.unsubscribe = await this.options.connection.onConnected((model) => this.openOn(model));
  }

  current(): S | undefined {
    return this.session?.value;
  }

  /** True while `channel` is open; a message received on a closed channel can't be acked. */
  isOpen(channel: Channel): boolean {
    return !this.closedChannels.has(channel);
  }

  /** Stops reopening, lets `drain` finish with the open session, then closes its channels. */
  async stop(drain?: (session: S) => Promise<void>): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reopenTimer);
    this.unsubscribe?.();
    await this.opening;
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    if (drain) {
      await drain(session.value).catch((error: unknown) =>
        this.options.logger.warn('bus channels did not drain cleanly', { purpose: this.options.purpose, error }),
      );
    }
    await closeChannels(session.channels);
  }

  private openOn(model: ChannelModel): Promise<void> {
    // Serialised: a reconnect and a reopen after a channel loss may ask at the same time.
    this.opening = this.opening.then(() => this.open(model));
    return this.opening;
  }

  private async open(model: ChannelModel): Promise<void> {
    const { connection, logger, purpose } = this.options;
    if (this.stopped || connection.currentModel() !== model || this.session?.model === model) return;
    const channels: Channel[] = [];
    const track = <C extends Channel>(channel: C): C => {
      channels.push(channel);
      channel.on('error', (error: Error) => logger.warn('bus channel error', { purpose, error }));
      channel.once('close', () => this.onChannelClosed(channel));
      return channel;
    };
    try {
      const value = await this.options.open({
        createChannel: async () => track(await model.createChannel()),
        createConfirmChannel: async () => track(await model.createConfirmChannel()),
      });
      if (channels.some((channel) => this.closedChannels.has(channel))) {
        throw new Error('a channel closed while it was being set up');
      }
      if (this.stopped) {
        await closeChannels(channels);
        return;
      }
      this.session = { value, channels, model };
      this.failures = 0;
      this.options.onOpened?.(value);
    } catch (error) {
      await closeChannels(channels);
      logger.warn('bus channel setup failed; retrying', { purpose, error });
      this.scheduleReopen(model);
    }
  }

  private onChannelClosed(channel: Channel): void {
    this.closedChannels.add(channel);
    const session = this.session;
    if (!session?.channels.includes(channel)) return;
    this.session = undefined;
    void closeChannels(session.channels);
    if (this.stopped) return;
    // Also happens when the whole connection drops; the reopen then finds the connection gone
    // and leaves the work to the next `onConnected`.
    this.options.logger.info('bus channel closed; reopening', { purpose: this.options.purpose });
    this.scheduleReopen(session.model);
  }

  private scheduleReopen(model: ChannelModel): void {
    if (this.stopped) return;
    clearTimeout(this.reopenTimer);
    const delay = backoffDelay(this.failures++, this.options.reopen ?? DEFAULT_REOPEN);
    this.reopenTimer = setTimeout(() => void this.openOn(model), delay);
  }
}
