import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@ecar/logger';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { backoffDelay, type BackoffOptions } from '@ecar/primitives';
import { ChannelSupervisor } from './channel-supervisor.ts';
import { ConfirmedPublisher, type OutgoingMessage } from './confirmed-publisher.ts';
import type { BusConnection } from './connection.ts';
import { OutboxListener } from './outbox-listener.ts';
import { OutboxStore, type ClaimedEvent } from './outbox-store.ts';
import { busMetrics, type BusMetrics, type OutboxLagSource } from './metrics.ts';
import { assertEventExchange, DEFAULT_EXCHANGE } from './topology.ts';
import { Wakeup } from './wakeup.ts';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  connection: BusConnection;
  logger: Logger;
  /** Topic exchange the events go to; default `ecar.events`. */
  exchange?: string;
  registry?: Registry;
  batchSize?: number;
  /** Poll period; a NOTIFY from `enqueueEvents` wakes the relay sooner. */
  pollIntervalMs?: number;
  /** How long a claimed batch stays reserved; another relay takes it over after a crash. */
  leaseMs?: number;
  /** A batch not confirmed within this is retried later; must stay well under `leaseMs`. */
  confirmTimeoutMs?: number;
  /** Delay before retrying an event the broker did not take, growing with its attempts. */
  backoff?: BackoffOptions;
}

/**
 * Publishes the outbox: claims due rows in seq order, publishes them on a confirm channel and
 * marks them published only once the broker confirmed them. Nothing leaves the table unsent:
 * a failure (broker down, unroutable, nack) schedules a retry with backoff.
 */
export class OutboxRelay {
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly store: OutboxStore;
  private readonly metrics: BusMetrics;
  private readonly supervisor: ChannelSupervisor<ConfirmedPublisher>;
  private readonly listener: OutboxListener;
  private readonly wakeup = new Wakeup();
  private readonly lagSource: OutboxLagSource = () => this.outboxLag();
  private readonly exchange: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly backoff: BackoffOptions;
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.exchange = options.exchange ?? DEFAULT_EXCHANGE;
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.backoff = options.backoff ?? { initialMs: 1_000, maxMs: 60_000 };
    const confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
    if (confirmTimeoutMs >= this.leaseMs) throw new RangeError('confirmTimeoutMs must be shorter than leaseMs');
    this.store = new OutboxStore(options.dataSource);
    this.metrics = busMetrics(options.registry ?? new Registry());
    this.supervisor = new ChannelSupervisor({
      connection: options.connection,
      logger: options.logger,
      purpose: 'outbox relay',
      open: async (scope) => {
        const channel = await scope.createConfirmChannel();
        await assertEventExchange(channel, this.exchange);
        return new ConfirmedPublisher(channel, confirmTimeoutMs, options.connection.brokerUser);
      },
      // Rows may have piled up while the broker was away.
      onOpened: () => this.wakeup.notify(),
    });
    this.listener = new OutboxListener({
      dataSource: options.dataSource,
      logger: options.logger,
      onNotify: () => this.wakeup.notify(),
      reconnect: { initialMs: 1_000, maxMs: 30_000 },
    });
  }

  async start(): Promise<void> {
    if (this.loop) throw new Error('outbox relay already started');
    await this.supervisor.start();
    this.listener.start();
    this.metrics.outboxLagSources.add(this.lagSource);
    this.loop = this.run();
  }

  /** Stops claiming, waits for the batch in flight to be confirmed and recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeup.notify();
    await this.loop;
    this.metrics.outboxLagSources.delete(this.lagSource);
    await this.listener.stop();
    await this.supervisor.stop();
  }

  /** Age in seconds of the oldest unpublished event (0 when none): how far behind publishing is. */
  outboxLag(): Promise<number> {
    return this.store.oldestUnpublishedAgeSeconds();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.relayDue();
      } catch (error) {
        this.options.logger.warn('outbox relay batch failed', { error });
      }
      if (!this.stopping) await this.wakeup.wait(this.pollIntervalMs);
    }
  }

  /**
   * Publishes batches while rows are due. Each claim also marks the batch before it published
   * (`OutboxStore.claim`), so the claim that finds nothing left is the one that records the last
   * batch; a NOTIFY seen before a claim is forgotten, since that claim sees its rows.
   */
  private async relayDue(): Promise<void> {
    let published: string[] = [];
    for (;;) {
      const publisher = this.supervisor.current();
      // Without a channel, or while the broker blocks publishers, rows just wait in the table.
      if (this.stopping || !publisher || this.options.connection.isBlocked()) break;
      this.wakeup.clear();
      const events = await this.store.claim(this.owner, this.batchSize, this.leaseMs, published);
      published = [];
      if (events.length === 0) return;
      const failed = await this.publishBatch(publisher, events, published);
      // A failure waits for the next wake-up (its rows are due again only after their backoff).
      if (failed) break;
    }
    await this.store.markPublished(published);
  }

  /** Publishes one claimed batch: confirmed ids go into `published`, the rest are scheduled for retry. True when any failed. */
  private async publishBatch(publisher: ConfirmedPublisher, events: ClaimedEvent[], published: string[]): Promise<boolean> {
    for (const event of events) this.metrics.published.inc({ type: event.type });
    const outcomes = await publisher.publish(events.map((event) => this.toMessage(event)));
    const failed: { id: string; retryInMs: number; error: string }[] = [];
    events.forEach((event, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) {
        published.push(event.id);
        return;
      }
      const reason = outcome?.reason ?? 'channel_closed';
      this.metrics.publishFailed.inc({ reason });
      failed.push({ id: event.id, retryInMs: backoffDelay(event.attempts, this.backoff), error: `${reason}: ${outcome?.error ?? ''}` });
    });
    await this.store.markFailed(this.owner, failed);
    this.metrics.publishConfirmed.inc(published.length);
    if (failed.length > 0) {
      this.options.logger.warn('outbox events not published; retrying later', {
        failed: failed.length,
        published: published.length,
        firstError: failed[0]?.error,
      });
    }
    return failed.length > 0;
  }

  private toMessage(event: ClaimedEvent): OutgoingMessage {
    const envelope = parsePayload(event.payload);
    return {
      exchange: this.exchange,
      routingKey: event.type,
      content: Buffer.from(event.payload, 'utf8'),
      options: {
        persistent: true,
        messageId: event.id,
        type: event.type,
        contentType: 'application/json',
        timestamp: Math.floor(envelope.occurredAtMs / 1000),
        headers: { 'correlation-id': envelope.correlationId, producer: envelope.producer },
      },
    };
  }
}

/** The header fields of an outbox payload, validated as an envelope when it was enqueued. */
function parsePayload(payload: string): { occurredAtMs: number; correlationId: string; producer: string } {
  const envelope = JSON.parse(payload) as { occurredAt: string; correlationId: string; producer: string };
  return { occurredAtMs: Date.parse(envelope.occurredAt), correlationId: envelope.correlationId, producer: envelope.producer };
}
