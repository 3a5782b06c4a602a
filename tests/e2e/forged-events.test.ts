import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { DEAD_LETTER_REASON_HEADER } from '@ecar/bus';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { AMQP_URL, waitFor, waitForConsumer } from '@ecar/testkit';
import { BrokerAccounts } from '../support/broker-accounts.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

/*
 * Finding 3 of issue 12: a service holding its own broker account must not be able to make
 * garage apply another service's event. The test broker has one account (guest) for everything,
 * so this test creates two accounts of its own with rabbitmqctl, as the production definitions
 * do (one per service), allowed to publish on this test's exchange only. Garage learns the
 * pattern of producer accounts from BUS_PRODUCER_USERS, exactly as in production.
 *
 * Why this once timed out in the full parallel suite (never alone): garage's start() returns
 * before its consumer has declared and bound garage.users (quorum queues are slow to declare on a
 * loaded broker), and the test published at once, without `mandatory`, so a forged event sent in
 * that window was silently dropped as unroutable and its dead letter never came. Now the test
 * waits for garage's consumer (which subscribes only after its whole topology is declared) and
 * publishes `mandatory`: a message the broker could not route fails the test at once by name.
 */

const accounts = new BrokerAccounts();
let stack: GarageStack;

/** Publishes as `service`'s own account; `claimedUser` is the user-id property it puts on the message. */
const publishAs = (service: 'auth' | 'billing', envelope: EventEnvelope, claimedUser: string | undefined, route = { exchange: stack.bus.exchange, routingKey: envelope.type }) =>
  accounts.publish(service, envelope, route, claimedUser);
const userOf = (service: string) => accounts.userOf(service);

function userUpdated(userId: string, email: string): EventEnvelope {
  return buildEvent({
    type: 'auth.user.updated',
    producer: 'auth',
    correlationId: `forged-${randomUUID()}`,
    actor: { system: 'test' },
    subject: { type: 'user', id: userId },
    data: { email, role: 'customer', userId, displayName: 'Amira Ben Salah' },
  }) as EventEnvelope;
}

async function deadLettered(): Promise<Array<{ reason: unknown; id: unknown }>> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    const out: Array<{ reason: unknown; id: unknown }> = [];
    for (let message = await channel.get(`${stack.bus.queuePrefix}garage.users.dlq`, { noAck: true }); message; message = await channel.get(`${stack.bus.queuePrefix}garage.users.dlq`, { noAck: true })) {
      out.push({ reason: message.properties.headers?.[DEAD_LETTER_REASON_HEADER], id: message.properties.messageId });
    }
    await channel.close();
    return out;
  } finally {
    await connection.close();
  }
}

describe('events are applied only when published by their producer (issue 12, finding 3)', () => {
  before(async () => {
    stack = await startGarageStack('forged', { garageEnv: { BUS_PRODUCER_USERS: accounts.pattern } });
    accounts.create(['auth', 'billing'], stack.bus.exchange);
    await waitForConsumer(`${stack.bus.queuePrefix}garage.users`);
  });
  after(async () => {
    accounts.remove();
    await stack?.stop();
  });

  it("another service's account cannot make garage apply auth.user.updated; auth's own account can", async () => {
    const admin = stack.token('super-admin');
    const userId = randomUUID();
    const created = await stack.call('/api/v1/customers', {
      method: 'POST',
      token: admin,
      json: { kind: 'person', name: 'Amira Ben Salem', phone: '+21698000111', email: 'amira@example.tn', address: '1 rue de Carthage, Tunis', cin: '09876543', consentMethod: 'written-form', userId },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const customerId = String(created.body['id']);
    const emailNow = async () => String((await stack.call(`/api/v1/customers/${customerId}`, { token: admin })).body['email']);

    // Billing claims to be auth in the envelope and publishes as itself: dead-lettered, not applied.
    const forged = userUpdated(userId, 'attacker@evil.example');
    assert.equal(await publishAs('billing', forged, userOf('billing')), 'ok', 'the broker takes it: billing may publish here');
    // Billing leaves user-id out: the consumer cannot tell who sent it, so it is refused too.
    const anonymous = userUpdated(userId, 'attacker2@evil.example');
    assert.equal(await publishAs('billing', anonymous, undefined), 'ok');
    // Billing pushes it straight into garage's queue through the default exchange, as itself.
    const pushed = userUpdated(userId, 'attacker4@evil.example');
    assert.equal(await publishAs('billing', pushed, userOf('billing'), { exchange: '', routingKey: `${stack.bus.queuePrefix}garage.users` }), 'ok');
    // Billing claims auth's account as user-id: RabbitMQ itself refuses the message.
    const impersonated = await publishAs('billing', userUpdated(userId, 'attacker3@evil.example'), userOf('auth'));
    assert.match(impersonated, /PRECONDITION_FAILED|user_id property set to/i);

    // The stack's own auth runs on the shared test account, so its events land here too: keep ours.
    const ours = new Set([forged.id, anonymous.id, pushed.id]);
    const refused: Array<{ reason: unknown; id: unknown }> = [];
    await waitFor(async () => {
      refused.push(...(await deadLettered()).filter((item) => ours.has(String(item.id))));
      return refused.length >= ours.size ? true : undefined;
    }, { what: 'the forged events in garage.users.dlq', timeoutMs: 60_000 });
    assert.deepEqual(refused.map((item) => item.reason), ['unverified_producer', 'unverified_producer', 'unverified_producer']);
    assert.deepEqual(refused.map((item) => item.id).sort(), [...ours].sort());
    assert.equal(await emailNow(), 'amira@example.tn', 'no forged event was applied');

    // The same event from auth's own account is applied.
    assert.equal(await publishAs('auth', userUpdated(userId, 'amira.bensalah@example.tn'), userOf('auth')), 'ok');
    await waitFor(async () => ((await emailNow()) === 'amira.bensalah@example.tn' ? true : undefined), { what: 'the genuine update applied' });
  });
});
