import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { waitFor } from '@ecar/testkit';
import type { Gateway } from '../../gateway/src/gateway.ts';
import { BrokerAccounts, rabbitmqctl } from '../support/broker-accounts.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { call } from '../support/stack.ts';

/*
 * Issue 12, hardening (finding 9 with the finding 3 mechanism): the revocation feeds of the
 * gateway and of every service (in-memory deny-lists, no inbox) applied any `auth.session.revoked`
 * that reached their queue. Now they apply it only when RabbitMQ's validated `user-id` is auth's
 * broker user and it came from the events exchange under its own type, as inbox consumers do.
 * Like tests/e2e/forged-events.test.ts, the test creates broker accounts of its own (one per
 * service, as in production: tests/support/broker-accounts.ts) and tells garage and the gateway
 * the pattern (BUS_PRODUCER_USERS).
 */

const accounts = new BrokerAccounts();
let stack: GarageStack;
let gateway: Gateway;

function revoked(sessionId: string): EventEnvelope {
  return buildEvent({
    type: 'auth.session.revoked',
    producer: 'auth',
    correlationId: `forged-${randomUUID()}`,
    actor: { system: 'test' },
    subject: { type: 'session', id: sessionId },
    data: { sessionId, reason: 'logout' },
  }) as EventEnvelope;
}

const publishAs = (service: 'auth' | 'billing', envelope: EventEnvelope, route: { exchange: string; routingKey: string }) => accounts.publish(service, envelope, route);

/** The exclusive revocation queues of this test's garage and gateway (their names end in a random UUID). */
function revocationQueues(): string[] {
  return rabbitmqctl(['list_queues', '-p', '/', 'name'])
    .split('\n')
    .map((line) => line.trim())
    .filter((name) => name.startsWith(stack.bus.queuePrefix) && name.includes('.revocations.'));
}

async function refusedCount(): Promise<number> {
  const metric = await gateway.registry.getSingleMetric('ecar_bus_refused_total')?.get();
  const value = metric?.values.find((entry) => entry.labels['subscription'] === 'revocations' && entry.labels['reason'] === 'unverified_producer');
  return value?.value ?? 0;
}

describe('revocation feeds apply only auth\'s own revocations', () => {
  before(async () => {
    const producers = { BUS_PRODUCER_USERS: accounts.pattern };
    stack = await startGarageStack('forgedrev', { garageEnv: producers, gateway: true, gatewayEnv: producers });
    gateway = stack.gateway!;
    accounts.create(['auth', 'billing'], stack.bus.exchange);
    await waitFor(() => (gateway.revocations.subscribed && revocationQueues().length === 2 ? true : undefined), { what: 'the gateway and garage subscribed to revocations' });
  });
  after(async () => {
    accounts.remove();
    await stack?.stop();
  });

  it('a revocation published by another broker user is refused and counted by the gateway and by garage; auth\'s own is applied', async () => {
    const sign = (sessionId: string) => stack.auth.domain.signer.sign({ userId: randomUUID(), role: 'super-admin', sessionId, mfa: true }).token;
    const victim = randomUUID();
    const victimToken = sign(victim);
    for (const base of [gateway.url, stack.garage.url]) assert.equal((await call(base, '/api/v1/customers', { token: victimToken })).status, 200);
    const refusedBefore = await refusedCount();

    // Billing publishes auth's event on the events exchange as itself, and pushes it straight into
    // each revocation queue through the default exchange: the broker takes both.
    assert.equal(await publishAs('billing', revoked(victim), { exchange: stack.bus.exchange, routingKey: 'auth.session.revoked' }), 'ok');
    for (const queue of revocationQueues()) assert.equal(await publishAs('billing', revoked(victim), { exchange: '', routingKey: queue }), 'ok');

    // A genuine revocation of another session, published after them on the same queues, marks
    // the moment the forged ones have been seen.
    const marker = randomUUID();
    const markerToken = sign(marker);
    assert.equal(await publishAs('auth', revoked(marker), { exchange: stack.bus.exchange, routingKey: 'auth.session.revoked' }), 'ok');
    for (const base of [gateway.url, stack.garage.url]) {
      await waitFor(async () => ((await call(base, '/api/v1/customers', { token: markerToken })).status === 401 ? true : undefined), { what: `${base} to apply auth's revocation` });
      assert.equal((await call(base, '/api/v1/customers', { token: victimToken })).status, 200, `${base}: a forged revocation was applied`);
    }
    assert.equal(gateway.denyList.has(victim), false);
    assert.equal(await refusedCount(), refusedBefore + 2, 'the gateway counted both forged revocations it received');

    // The same revocation from auth's account takes effect.
    assert.equal(await publishAs('auth', revoked(victim), { exchange: stack.bus.exchange, routingKey: 'auth.session.revoked' }), 'ok');
    for (const base of [gateway.url, stack.garage.url]) {
      await waitFor(async () => ((await call(base, '/api/v1/customers', { token: victimToken })).status === 401 ? true : undefined), { what: `${base} to refuse the revoked session` });
    }
  });
});
