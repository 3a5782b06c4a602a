import type { ChannelModel } from 'amqplib';
import type { EventEnvelope } from '@ecar/contracts';
import type { Logger } from '@ecar/logger';
import type { BusConnection } from './connection.ts';
import { decodeEnvelope } from './envelope-decoder.ts';
import { verifyProducer } from './producer-identity.ts';
import { assertEventExchange } from './topology.ts';

export interface EphemeralSubscriptionOptions {
  /** A stable name for the metrics (`ecar_bus_refused_total{subscription}`), e.g. `revocations`. */
  name: string;
  connection: BusConnection;
  exchange: string;
  /** A name of this process's own: the queue is exclusive and deleted with the connection. */
  queue: string;
  bindings: readonly string[];
  logger: Logger;
  /** Applies one event to memory (a cache, a deny-list); a handler that throws drops the event (logged). */
  handle(envelope: EventEnvelope): void;
  /**
   * Runs on every (re)connect once the queue is bound and consumed, e.g. to load a snapshot of
   * what was published while the process was away. `isCurrent()` turns false when this connection
   * is replaced (the next one calls again).
   */
  onSubscribed?(isCurrent: () => boolean): void;
  prefetch?: number;
}

/**
 * Events delivered to this process only while it runs, for a deployable without a database (the
 * gateway's deny-list): no inbox, no retries, no dead-letter queue. The queue is declared again
 * on every (re)connect; between connections events are not kept, which `onSubscribed` makes up for.
 *
 * Events are applied only from their producer, as inbox consumers do (finding 3 of issue 12,
 * `verifyProducer`): from the events exchange under their own type, with the validated `user-id`
 * of the producer's broker user. There are no retry copies here, so nothing from another exchange
 * (the default one included) is accepted. A refused event is logged, counted
 * (`ecar_bus_refused_total{reason="unverified_producer"}`) and dropped.
 */
export class EphemeralSubscription {
  constructor(private readonly options: EphemeralSubscriptionOptions) {}

  async start(): Promise<void> {
    const { connection, exchange, queue, bindings, logger } = this.options;
    await connection.onConnected(async (model: ChannelModel) => {
      const channel = await model.createChannel();
      await assertEventExchange(channel, exchange);
      await channel.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
      for (const pattern of bindings) await channel.bindQueue(queue, exchange, pattern);
      await channel.prefetch(this.options.prefetch ?? 100);
      await channel.consume(queue, (message) => {
        if (!message) return;
        const decoded = decodeEnvelope(message.content);
        try {
          if (!decoded.ok) throw new Error(`${decoded.reason}: ${decoded.error}`);
          const verdict = verifyProducer(message, decoded.envelope, { eventsExchange: exchange, userOf: connection.producerUser });
          if (verdict.ok) {
            this.options.handle(decoded.envelope);
          } else {
            connection.metrics.refused.inc({ subscription: this.options.name, reason: 'unverified_producer' });
            logger.error('event from an unverified producer refused', { queue, type: decoded.envelope.type, producer: decoded.envelope.producer, error: verdict.error });
          }
        } catch (error) {
          // No retry helps an event that does not parse or apply; it is dropped and logged (APP-1).
          connection.metrics.refused.inc({ subscription: this.options.name, reason: 'unreadable' });
          logger.warn('unreadable event dropped', { queue, error });
        }
        channel.ack(message);
      });
      this.options.onSubscribed?.(() => connection.currentModel() === model);
    });
  }
}
