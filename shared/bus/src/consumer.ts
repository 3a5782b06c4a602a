import type { Channel, ConsumeMessage } from 'amqplib';
import type { EventEnvelope } from '@ecar/contracts';
import type { Logger } from '@ecar/logger';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { handleBatchOnce, type BatchEventHandler } from './batch-inbox.ts';
import { ChannelSupervisor } from './channel-supervisor.ts';
import { ConfirmedPublisher } from './confirmed-publisher.ts';
import type { BusConnection } from './connection.ts';
import { decodeEnvelope } from './envelope-decoder.ts';
import {
  ATTEMPTS_HEADER,
  DEAD_LETTER_REASON_HEADER,
  failedAttempts,
  forwardedCopy,
  LAST_ERROR_HEADER,
  type DeadLetterReason,
} from './forwarding.ts';
import { handleOnce, type EventHandler } from './inbox.ts';
import { verifyProducer } from './producer-identity.ts';
import { TaskLimiter } from './limiter.ts';
import { busMetrics, type BusMetrics, type ConsumeOutcome, type DlqDepthSource } from './metrics.ts';
import { sleep } from './sleep.ts';
import { assertConsumerTopology, consumerQueueNames, DEFAULT_EXCHANGE, type ConsumerQueueNames } from './topology.ts';

export interface InboxConsumerOptions {
  dataSource: DataSource;
  connection: BusConnection;
  logger: Logger;
  /** Topic exchange to bind to; default `ecar.events`. */
  exchange?: string;
  /** `<consumer>.<purpose>`, e.g. `audit.events`. */
  queue: string;
  /** Routing key patterns: event types, `auth.user.*`, `#`. */
  bindings: readonly string[];
  /** Key of this consumer's rows in `inbox_events`. */
  consumerName: string;
  handler: EventHandler;
  /** Deliveries the broker sends ahead of acks. */
  prefetch?: number;
  /** Handlers running at once. 1 (default) handles events in delivery order. */
  concurrency?: number;
  /** Delay before each retry of a failed handler; one retry queue per delay. */
  retryDelaysMs?: readonly number[];
  /** Handler runs before a message goes to the DLQ; default one more than the retry delays. */
  maxAttempts?: number;
  /** Only one consumer of the queue receives messages at a time (strict ordering across replicas). */
  singleActiveConsumer?: boolean;
  /** A retry or DLQ copy not confirmed within this stays on the queue and is tried again. */
  confirmTimeoutMs?: number;
  registry?: Registry;
  /**
   * Batch mode (off by default): deliveries that arrive while a batch is being handled are taken
   * together, up to `batchSize`, and handled in one transaction, then acked. A batch that fails
   * falls back to `handler`, message by message, with the usual retries and dead-lettering.
   * Requires `concurrency` 1 (batches keep delivery order); give a `prefetch` ≥ `batchSize`.
   */
  batchHandler?: BatchEventHandler;
  /** Most messages in one batch; default 200. */
  batchSize?: number;
}

interface ConsumerSession {
  channel: Channel;
  publisher: ConfirmedPublisher;
  consumerTag: string;
  /** Batch mode: deliveries not yet taken by a batch. */
  pending: ConsumeMessage[];
  batchScheduled: boolean;
}

/** Wait before requeueing a message we could not settle, so a persistent cause does not spin. */
const REQUEUE_DELAY_MS = 1_000;

/**
 * Consumes a quorum queue and hands each valid event to `handler` exactly once per consumer
 * (inbox table). A message is acked only after it was handled or its copy (retry queue, DLQ) was
 * confirmed by the broker; anything else leaves it on the queue for a redelivery.
 */
export class InboxConsumer {
  readonly queues: ConsumerQueueNames;
  private readonly exchange: string;
  private readonly supervisor: ChannelSupervisor<ConsumerSession>;
  private readonly limiter: TaskLimiter;
  private readonly metrics: BusMetrics;
  private readonly maxAttempts: number;
  private readonly stopController = new AbortController();
  private readonly dlqDepthSource: DlqDepthSource = async () => ({
    queue: this.queues.deadLetterQueue,
    depth: await this.dlqDepth(),
  });

  constructor(private readonly options: InboxConsumerOptions) {
    const retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000, 30_000];
    this.maxAttempts = options.maxAttempts ?? retryDelaysMs.length + 1;
    if (this.maxAttempts < 1) throw new RangeError('maxAttempts must be at least 1');
    if (this.maxAttempts > 1 && retryDelaysMs.length === 0) throw new RangeError('retries need at least one retry delay');
    if (options.batchHandler && (options.concurrency ?? 1) !== 1) throw new RangeError('batch mode handles one batch at a time (concurrency 1)');
    this.queues = consumerQueueNames(options.queue, retryDelaysMs);
    this.exchange = options.exchange ?? DEFAULT_EXCHANGE;
    // A message whose processing threw is left unacked: the broker redelivers it with its channel.
    this.limiter = new TaskLimiter(options.concurrency ?? 1, (error) =>
      options.logger.error('bus message left unsettled', { queue: options.queue, error }),
    );
    this.metrics = busMetrics(options.registry ?? new Registry());
    const confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
    this.supervisor = new ChannelSupervisor({
      connection: options.connection,
      logger: options.logger,
      purpose: `consumer ${options.queue}`,
      open: async (scope) => {
        const channel = await scope.createChannel();
        const publisher = new ConfirmedPublisher(await scope.createConfirmChannel(), confirmTimeoutMs, options.connection.brokerUser);
        await assertConsumerTopology(channel, {
          exchange: this.exchange,
          names: this.queues,
          bindings: options.bindings,
          singleActiveConsumer: options.singleActiveConsumer ?? false,
        });
        await channel.prefetch(options.prefetch ?? 50);
        const session: ConsumerSession = { channel, publisher, consumerTag: '', pending: [], batchScheduled: false };
        const { consumerTag } = await channel.consume(options.queue, (message) => this.onDelivery(session, message));
        session.consumerTag = consumerTag;
        return session;
      },
    });
  }

  /** Declares the topology and starts consuming now if connected, else once connected. */
  async start(): Promise<void> {
    await this.supervisor.start();
    this.metrics.dlqDepthSources.add(this.dlqDepthSource);
  }

  /** Stops receiving, lets the handlers in flight finish and settle their messages. */
  async stop(): Promise<void> {
    this.stopController.abort();
    this.metrics.dlqDepthSources.delete(this.dlqDepthSource);
    await this.supervisor.stop(async (session) => {
      await session.channel.cancel(session.consumerTag);
      await this.limiter.idle();
    });
    await this.limiter.idle();
  }

  /** Messages waiting in `<queue>.dlq`; throws while the broker is unreachable. */
  async dlqDepth(): Promise<number> {
    const { messageCount } = await this.options.connection.withChannel((channel) =>
      channel.checkQueue(this.queues.deadLetterQueue),
    );
    return messageCount;
  }

  private onDelivery(session: ConsumerSession, message: ConsumeMessage | null): void {
    if (message && this.options.batchHandler) {
      session.pending.push(message);
      this.scheduleBatch(session);
      return;
    }
    if (message) {
      this.limiter.run(() => this.process(session, message));
      return;
    }
    // The broker cancelled the consumer (queue deleted): closing the channel makes the
    // supervisor reopen it, which declares the queue again.
    this.options.logger.warn('bus consumer cancelled by the broker; reopening', { queue: this.options.queue });
    void session.channel.close().catch(() => undefined);
  }

  private async process(session: ConsumerSession, message: ConsumeMessage): Promise<void> {
    // Left unacked: the broker redelivers it once this channel closes.
    if (this.stopController.signal.aborted || !this.supervisor.isOpen(session.channel)) return;
    const decoded = decodeEnvelope(message.content);
    if (!decoded.ok) {
      this.options.logger.warn('bus message rejected to the DLQ', { queue: this.options.queue, reason: decoded.reason, error: decoded.error });
      await this.deadLetter(session, message, decoded.reason, decoded.error, failedAttempts(message));
      return;
    }
    if (!(await this.fromItsProducer(session, message, decoded.envelope))) return;
    const result = await handleOnce(this.options.dataSource, this.options.consumerName, decoded.envelope, this.options.handler);
    switch (result.outcome) {
      case 'processed':
      case 'duplicate':
        this.settle(session, message, result.outcome);
        return;
      case 'handler_failed':
        await this.retryOrDeadLetter(session, message, result.error);
        return;
      case 'unavailable':
        this.options.logger.warn('bus consumer could not reach the database; requeueing', { queue: this.options.queue, error: result.error });
        await this.requeueLater(session, message);
        return;
    }
  }

  private scheduleBatch(session: ConsumerSession): void {
    if (session.batchScheduled) return;
    session.batchScheduled = true;
    this.limiter.run(() => this.processBatch(session));
  }

  /** Takes what arrived so far (up to `batchSize`); more arrive while it runs, for the next batch. */
  private async processBatch(session: ConsumerSession): Promise<void> {
    session.batchScheduled = false;
    const messages = session.pending.splice(0, this.options.batchSize ?? 200);
    if (session.pending.length > 0) this.scheduleBatch(session);
    if (messages.length === 0 || this.stopController.signal.aborted || !this.supervisor.isOpen(session.channel)) return;
    const valid: { message: ConsumeMessage; envelope: EventEnvelope }[] = [];
    for (const message of messages) {
      const decoded = decodeEnvelope(message.content);
      if (decoded.ok) {
        if (await this.fromItsProducer(session, message, decoded.envelope)) valid.push({ message, envelope: decoded.envelope });
      } else {
        this.options.logger.warn('bus message rejected to the DLQ', { queue: this.options.queue, reason: decoded.reason, error: decoded.error });
        await this.deadLetter(session, message, decoded.reason, decoded.error, failedAttempts(message));
      }
    }
    if (valid.length === 0) return;
    const batchHandler = this.options.batchHandler;
    if (!batchHandler) throw new Error('unreachable: batches exist only with a batch handler');
    const result = await handleBatchOnce(this.options.dataSource, this.options.consumerName, valid.map((item) => item.envelope), batchHandler);
    if (result.ok) {
      valid.forEach(({ message }, index) => this.settle(session, message, result.handled[index] ? 'processed' : 'duplicate'));
      return;
    }
    this.options.logger.warn('bus batch failed; handling its messages one by one', { queue: this.options.queue, size: valid.length, error: result.error });
    for (const { message } of valid) await this.process(session, message);
  }

  /** False (and the message dead-lettered) when the event was not published by its producer. */
  private async fromItsProducer(session: ConsumerSession, message: ConsumeMessage, envelope: EventEnvelope): Promise<boolean> {
    const { connection } = this.options;
    const verdict = verifyProducer(message, envelope, { eventsExchange: this.exchange, userOf: connection.producerUser, ownUser: connection.brokerUser });
    if (verdict.ok) return true;
    this.options.logger.error('bus message from an unverified producer dead-lettered', { queue: this.options.queue, type: envelope.type, producer: envelope.producer, error: verdict.error });
    await this.deadLetter(session, message, 'unverified_producer', verdict.error, failedAttempts(message));
    return false;
  }

  private async retryOrDeadLetter(session: ConsumerSession, message: ConsumeMessage, error: unknown): Promise<void> {
    const attempts = failedAttempts(message) + 1;
    const errorText = describe(error);
    const { logger, queue } = this.options;
    if (attempts >= this.maxAttempts) {
      logger.error('bus handler failed for the last time; dead-lettering', { queue, attempts, messageId: message.properties.messageId, error });
      await this.deadLetter(session, message, 'max_attempts', errorText, attempts);
      return;
    }
    const retries = this.queues.retryQueues;
    const retry = retries[Math.min(attempts, retries.length) - 1];
    if (!retry) throw new Error('unreachable: the constructor requires a retry delay when retries are allowed');
    logger.warn('bus handler failed; retrying later', { queue, attempts, retryInMs: retry.delayMs, messageId: message.properties.messageId, error });
    await this.forward(session, message, retry.name, { [ATTEMPTS_HEADER]: attempts, [LAST_ERROR_HEADER]: errorText }, 'retried');
  }

  private async deadLetter(
    session: ConsumerSession,
    message: ConsumeMessage,
    reason: DeadLetterReason,
    error: string,
    attempts: number,
  ): Promise<void> {
    await this.forward(
      session,
      message,
      this.queues.deadLetterQueue,
      { [DEAD_LETTER_REASON_HEADER]: reason, [LAST_ERROR_HEADER]: error, [ATTEMPTS_HEADER]: attempts },
      'dead_lettered',
    );
  }

  /** Moves `message` to `queue`: acks the original only once the broker confirmed the copy. */
  private async forward(
    session: ConsumerSession,
    message: ConsumeMessage,
    queue: string,
    headers: Record<string, string | number>,
    outcome: ConsumeOutcome,
  ): Promise<void> {
    // The original comes back anyway once its channel is gone; a copy would be a second one.
    if (!this.supervisor.isOpen(session.channel)) return;
    const [result] = await session.publisher.publish([forwardedCopy(message, this.queues.retryExchange, queue, headers)]);
    if (result?.ok) {
      this.settle(session, message, outcome);
      return;
    }
    this.options.logger.error('bus could not move a message; requeueing', { from: this.options.queue, to: queue, error: result?.error });
    if (result?.reason === 'unroutable') {
      // One of our own queues is gone (deleted by hand): closing the channel returns the message
      // to the queue and makes the supervisor declare the topology again.
      await session.channel.close().catch(() => undefined);
      return;
    }
    await this.requeueLater(session, message);
  }

  private settle(session: ConsumerSession, message: ConsumeMessage, outcome: ConsumeOutcome): void {
    if (!this.supervisor.isOpen(session.channel)) return;
    session.channel.ack(message);
    this.metrics.consumed.inc({ queue: this.options.queue, outcome });
  }

  private async requeueLater(session: ConsumerSession, message: ConsumeMessage): Promise<void> {
    await sleep(REQUEUE_DELAY_MS, this.stopController.signal);
    if (!this.supervisor.isOpen(session.channel)) return;
    session.channel.nack(message, false, true);
    this.metrics.consumed.inc({ queue: this.options.queue, outcome: 'requeued' });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
