import { randomUUID } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import type { OutgoingMessage } from './confirmed-publisher.ts';
import type { RejectionReason } from './envelope-decoder.ts';

/** How many times consumers have failed this message so far; absent on a first delivery. */
export const ATTEMPTS_HEADER = 'x-ecar-attempts';
export const LAST_ERROR_HEADER = 'x-ecar-last-error';
/** Why a message is in a dead-letter queue. */
export const DEAD_LETTER_REASON_HEADER = 'x-ecar-dead-letter-reason';

/** `unverified_producer`: the event's type, routing key or broker user do not match its producer. */
export type DeadLetterReason = RejectionReason | 'max_attempts' | 'unverified_producer';

/** Error texts go in a header, and headers share a 64 KiB frame table. */
const MAX_ERROR_LENGTH = 1_000;

/** Headers the broker manages when it dead-letters or redelivers; a copy starts without them. */
const BROKER_HEADER = /^x-(death|first-death-|last-death-|delivery-count)/;

export function failedAttempts(message: ConsumeMessage): number {
  const value: unknown = message.properties.headers?.[ATTEMPTS_HEADER];
  const attempts = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(attempts) && attempts > 0 ? attempts : 0;
}

/**
 * A copy of `message` for `queue` (through the consumer's own retry exchange, never the default
 * exchange: no service may write into another's queues) with `extraHeaders` added.
 * `expiration` and `userId` are left out: the copy must not expire on the way, and it is
 * published as the consumer's own broker user.
 */
export function forwardedCopy(
  message: ConsumeMessage,
  exchange: string,
  queue: string,
  extraHeaders: Record<string, string | number>,
): OutgoingMessage {
  const { properties } = message;
  const headers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties.headers ?? {})) {
    if (!BROKER_HEADER.test(key)) headers[key] = value;
  }
  for (const [key, value] of Object.entries(extraHeaders)) {
    headers[key] = typeof value === 'string' ? value.slice(0, MAX_ERROR_LENGTH) : value;
  }
  const messageId: unknown = properties.messageId;
  return {
    exchange,
    routingKey: queue,
    content: message.content,
    options: {
      persistent: true,
      // A malformed message may have no id; the publisher needs one to spot a return.
      messageId: typeof messageId === 'string' && messageId !== '' ? messageId : randomUUID(),
      headers,
      ...definedProperties({
        type: properties.type,
        contentType: properties.contentType,
        contentEncoding: properties.contentEncoding,
        correlationId: properties.correlationId,
        timestamp: properties.timestamp,
        appId: properties.appId,
        priority: properties.priority,
      }),
    },
  };
}

function definedProperties<T extends Record<string, unknown>>(properties: T): Partial<T> {
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined)) as Partial<T>;
}
