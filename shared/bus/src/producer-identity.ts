import type { ConsumeMessage } from 'amqplib';
import type { EventEnvelope } from '@ecar/contracts';

/**
 * Who may publish which event (finding 3 of issue 12). RabbitMQ refuses a message whose
 * `user-id` property is not the user of the connection it came in on, so `user-id` names the
 * broker account that really published it. A consumer applies an event only when:
 * - its type belongs to the producer it claims (`auth.user.updated` is auth's), and
 * - it came from the events exchange under its own type as routing key, published by that
 *   producer's broker user; or it is one of this consumer's own retry copies (published by this
 *   consumer's broker user into its retry exchange, which no other service may write to).
 * Anything else is dead-lettered, never handled.
 */

/** The user of an amqp(s) URL; amqplib connects as guest when the URL names none. */
export function brokerUserOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || 'guest';
  } catch {
    return 'guest';
  }
}

/**
 * The broker user of a producing service from the deployment's pattern: `{producer}` stands for
 * the service's name (`ecar_{producer}` in production, one user per service); an empty pattern
 * means every service shares `sharedUser` (development and tests on one broker account).
 */
export function producerUserPattern(pattern: string, sharedUser: string): (producer: string) => string {
  return (producer) => (pattern === '' ? sharedUser : pattern.replaceAll('{producer}', producer));
}

export interface ProducerCheck {
  eventsExchange: string;
  /** The broker user each producer publishes as. */
  userOf(producer: string): string;
  /** This consumer's own broker user: the publisher of its retry copies; unset = it has none (any copy is refused). */
  ownUser?: string;
}

export type ProducerVerdict = { ok: true } | { ok: false; error: string };

export function verifyProducer(message: ConsumeMessage, envelope: EventEnvelope, check: ProducerCheck): ProducerVerdict {
  const userId: unknown = message.properties.userId;
  if (!envelope.type.startsWith(`${envelope.producer}.`)) {
    return { ok: false, error: `producer ${envelope.producer} may not publish ${envelope.type}` };
  }
  if (typeof userId !== 'string' || userId === '') return { ok: false, error: 'the message carries no user-id' };
  if (message.fields.exchange === check.eventsExchange) {
    if (message.fields.routingKey !== envelope.type) {
      return { ok: false, error: `routing key ${message.fields.routingKey} is not the event type ${envelope.type}` };
    }
    const expected = check.userOf(envelope.producer);
    return userId === expected ? { ok: true } : { ok: false, error: `published by broker user ${userId}, not ${expected} (producer ${envelope.producer})` };
  }
  return check.ownUser !== undefined && userId === check.ownUser ? { ok: true } : { ok: false, error: `a copy from exchange "${message.fields.exchange}" by ${userId}, not this consumer's own retry` };
}
