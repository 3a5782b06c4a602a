import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumeMessage } from 'amqplib';
import type { EventEnvelope } from '@ecar/contracts';
import { brokerUserOf, producerUserPattern, verifyProducer } from '../src/producer-identity.ts';

const check = { eventsExchange: 'ecar.events', userOf: producerUserPattern('ecar_{producer}', 'ecar_garage'), ownUser: 'ecar_garage' };

function delivery(exchange: string, routingKey: string, userId: string | undefined): ConsumeMessage {
  return { fields: { exchange, routingKey, deliveryTag: 1, redelivered: false, consumerTag: 't' }, properties: { headers: {}, ...(userId ? { userId } : {}) }, content: Buffer.alloc(0) } as unknown as ConsumeMessage;
}

const envelope = (type: string, producer: string) => ({ type, producer }) as EventEnvelope;

describe('producer identity of a delivered event', () => {
  it("accepts an event from the events exchange, under its type, published by its producer's account", () => {
    assert.deepEqual(verifyProducer(delivery('ecar.events', 'auth.user.updated', 'ecar_auth'), envelope('auth.user.updated', 'auth'), check), { ok: true });
  });

  it("refuses another service's account, a missing user-id, a routing key that is not the type, and a type that is not the producer's", () => {
    const refusals = [
      verifyProducer(delivery('ecar.events', 'auth.user.updated', 'ecar_billing'), envelope('auth.user.updated', 'auth'), check),
      verifyProducer(delivery('ecar.events', 'auth.user.updated', undefined), envelope('auth.user.updated', 'auth'), check),
      verifyProducer(delivery('ecar.events', 'billing.invoice.issued', 'ecar_billing'), envelope('auth.user.updated', 'billing'), check),
      verifyProducer(delivery('ecar.events', 'billing.invoice.issued', 'ecar_billing'), envelope('auth.user.updated', 'auth'), check),
    ];
    for (const verdict of refusals) assert.equal(verdict.ok, false, JSON.stringify(verdict));
  });

  it("accepts a copy from outside the events exchange only when this consumer's own account published it (its retries)", () => {
    assert.equal(verifyProducer(delivery('', 't.garage.users', 'ecar_garage'), envelope('auth.user.updated', 'auth'), check).ok, true);
    assert.equal(verifyProducer(delivery('', 't.garage.users', 'ecar_billing'), envelope('auth.user.updated', 'auth'), check).ok, false);
    assert.equal(verifyProducer(delivery('garage.users.retry', 'garage.users', 'ecar_auth'), envelope('auth.user.updated', 'auth'), check).ok, false);
  });

  it('reads the broker user from the URL; an empty pattern means one shared account', () => {
    assert.equal(brokerUserOf('amqps://ecar_billing:secret@rabbitmq:5671/ecar'), 'ecar_billing');
    assert.equal(brokerUserOf('amqp://127.0.0.1'), 'guest');
    assert.equal(producerUserPattern('', 'guest')('auth'), 'guest');
  });
});
