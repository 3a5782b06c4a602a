import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { AMQP_URL, waitFor } from '@ecar/testkit';
import { startGateway, type Gateway } from '../../gateway/src/gateway.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { call } from '../support/stack.ts';

/*
 * Issue 12, hardening (finding 9 with the finding 3 mechanism): the revocation feeds of the
 * gateway and of every service (in-memory deny-lists, no inbox) applied any `auth.session.revoked`
 * that reached their queue. Now they apply it only when RabbitMQ's validated `user-id` is auth's
 * broker user and it came from the events exchange under its own type, as inbox consumers do.
 * Like tests/e2e/forged-events.test.ts, the test creates broker accounts of its own (one per
 * service, as in production) and tells garage and the gateway the pattern (BUS_PRODUCER_USERS).
 */

const suffix = randomBytes(3).toString('hex');
const userOf = (service: string) => `ecar_${service}-r${suffix}`;
const passwords = { auth: randomBytes(18).toString('base64url'), billing: randomBytes(18).toString('base64url') };

function ctl(args: string[]): string {
  const result = spawnSync('rabbitmqctl', ['-q', ...args], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

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

/** Publishes as `service`'s own broker account (user-id set to it, as the bus does); 'ok' once confirmed and routed. */
async function publishAs(service: 'auth' | 'billing', envelope: EventEnvelope, route: { exchange: string; routingKey: string }): Promise<string> {
  const url = new URL(AMQP_URL);
  url.username = encodeURIComponent(userOf(service));
  url.password = encodeURIComponent(passwords[service]);
  const connection = await amqp.connect(url.toString());
  try {
    const channel = await connection.createConfirmChannel();
    let returned = false;
    channel.on('return', () => {
      returned = true;
    });
    channel.publish(route.exchange, route.routingKey, Buffer.from(JSON.stringify(envelope)), {
      mandatory: true,
      messageId: envelope.id,
      contentType: 'application/json',
      userId: userOf(service),
    });
    await channel.waitForConfirms();
    return returned ? 'unroutable' : 'ok';
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** The exclusive revocation queues of this test's garage and gateway (their names end in a random UUID). */
function revocationQueues(): string[] {
  return ctl(['list_queues', '-p', '/', 'name'])
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
    const producers = { BUS_PRODUCER_USERS: `ecar_{producer}-r${suffix}` };
    stack = await startGarageStack('forgedrev', { garageEnv: producers });
    gateway = await startGateway({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'error',
      ...producers,
      AUTH_URL: stack.auth.url,
      GARAGE_URL: stack.garage.url,
      AUTH_JWKS_URL: `${stack.auth.url}/.well-known/jwks.json`,
      AMQP_URL,
      BUS_EXCHANGE: stack.bus.exchange,
      BUS_QUEUE_PREFIX: stack.bus.queuePrefix,
      REDIS_KEY_PREFIX: stack.bus.queuePrefix,
      TRUST_PROXY_HOPS: '0',
      RATE_LIMIT_PER_IP: '100000',
      RATE_LIMIT_PER_USER: '100000',
    });
    const exchange = stack.bus.exchange.replaceAll('.', '\\.');
    for (const service of ['auth', 'billing'] as const) {
      ctl(['add_user', userOf(service), passwords[service]]);
      ctl(['set_permissions', '-p', '/', userOf(service), '^$', `^(${exchange}|amq\\.default)$`, '^$']);
    }
    await waitFor(() => (gateway.revocations.subscribed && revocationQueues().length === 2 ? true : undefined), { what: 'the gateway and garage subscribed to revocations' });
  });
  after(async () => {
    for (const service of ['auth', 'billing']) spawnSync('rabbitmqctl', ['-q', 'delete_user', userOf(service)], { encoding: 'utf8' });
    await gateway?.stop();
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
