import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AMQP_URL, TcpProxy, waitFor } from '@ecar/testkit';
import { startGateway, type Gateway } from '../../gateway/src/gateway.ts';
import { garageService, type GarageService } from '../../services/garage/src/service.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { call } from '../support/stack.ts';

/*
 * Finding 4 of issue 12: revocation failed open. The gateway served while its deny-list was not
 * fed, and the services checked no revocation at all. Now garage (through the service kit) and
 * the gateway keep their own deny-list, fed by `auth.session.revoked` and auth's snapshot, polled
 * while the broker is away; once neither has fed it for REVOCATION_GRACE_MS, every authenticated
 * request gets 503 — and auth checks its own sessions table.
 *
 * Garage and the gateway reach the broker and auth through TCP proxies the test cuts; auth and
 * the test reach both directly.
 */

const GRACE_MS = 1_000;
let stack: GarageStack;
let broker: TcpProxy;
let authLink: TcpProxy;
let garage: GarageService;
let gateway: Gateway;

async function signIn(): Promise<string> {
  const response = await call(stack.auth.url, '/api/v1/auth/login', { method: 'POST', json: { email: 'admin@ecar.test', password: 'Adm1n!-test-Passw0rd', client: 'mobile' } });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return String(response.body['accessToken']);
}

describe('revocation fails closed (issue 12, finding 4)', () => {
  before(async () => {
    stack = await startGarageStack('revclosed');
    const amqp = new URL(AMQP_URL);
    broker = new TcpProxy(amqp.hostname, Number(amqp.port || 5672));
    const auth = new URL(stack.auth.url);
    authLink = new TcpProxy(auth.hostname, Number(auth.port));
    await Promise.all([broker.start(), authLink.start()]);
    const proxiedAmqp = new URL(AMQP_URL);
    proxiedAmqp.port = String(broker.port);
    const proxiedAuth = `http://127.0.0.1:${authLink.port}`;
    const links = { AMQP_URL: proxiedAmqp.toString(), AUTH_JWKS_URL: `${proxiedAuth}/.well-known/jwks.json`, REVOCATION_GRACE_MS: String(GRACE_MS) };
    // A second garage on the same database and queues, linked through the proxies.
    garage = await garageService.start({ ...stack.garageEnv, ...links });
    gateway = await startGateway({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'error',
      ...links,
      AUTH_URL: proxiedAuth,
      GARAGE_URL: garage.url,
      BUS_EXCHANGE: stack.bus.exchange,
      BUS_QUEUE_PREFIX: stack.bus.queuePrefix,
      REDIS_KEY_PREFIX: stack.bus.queuePrefix,
      TRUST_PROXY_HOPS: '0',
      RATE_LIMIT_PER_IP: '100000',
      RATE_LIMIT_PER_USER: '100000',
    });
  });
  after(async () => {
    await gateway?.stop();
    await garage?.stop();
    await broker?.stop();
    await authLink?.stop();
    await stack?.stop();
  });

  it('a service refuses a revoked session itself, not only the gateway, and auth checks its own table', async () => {
    const token = await signIn();
    // The bootstrap admin has no MFA yet: a live session gets past revocation to the MFA check (403).
    const live = await waitFor(async () => {
      const response = await call(garage.url, '/api/v1/customers', { token });
      return response.status === 503 ? undefined : response;
    }, { what: "garage's deny-list to be current" });
    assert.equal(live.status, 403, JSON.stringify(live.body));
    assert.equal((await call(stack.auth.url, '/api/v1/auth/me', { token })).status, 200);

    const loggedOut = await call(stack.auth.url, '/api/v1/auth/logout', { method: 'POST', token, json: {} });
    assert.ok(loggedOut.status === 200 || loggedOut.status === 204, JSON.stringify(loggedOut.body));
    // auth refuses the session at once (its own table), garage once the event reached it.
    assert.equal((await call(stack.auth.url, '/api/v1/auth/me', { token })).status, 401);
    await waitFor(async () => ((await call(garage.url, '/api/v1/customers', { token })).status === 401 ? true : undefined), { what: 'garage to refuse the revoked session' });
  });

  it('with the broker and auth both unreachable beyond the grace period, authenticated requests get 503; the snapshot poll alone restores them', async () => {
    const admin = stack.token('super-admin');
    await waitFor(async () => ((await call(gateway.url, '/api/v1/customers', { token: admin })).status === 200 ? true : undefined), { what: 'the gateway to serve' });
    assert.equal((await call(garage.url, '/api/v1/customers', { token: admin })).status, 200);

    await broker.stop();
    await authLink.stop();
    for (const [name, base] of [['garage', garage.url], ['gateway', gateway.url]] as const) {
      const refused = await waitFor(async () => {
        const response = await call(base, '/api/v1/customers', { token: admin });
        return response.status === 503 ? response : undefined;
      }, { timeoutMs: GRACE_MS + 10_000, what: `${name} to fail closed` });
      assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.match(String(refused.body['detail']), /revocation/i);
      assert.ok(refused.headers.get('retry-after'));
    }
    // Unauthenticated paths are not affected.
    assert.equal((await call(garage.url, '/api/v1/customers')).status, 401);
    assert.equal((await call(gateway.url, '/health/live')).status, 200);

    // Auth back, broker still away: the snapshot poll feeds the list again.
    await authLink.start();
    for (const base of [garage.url, gateway.url]) {
      await waitFor(async () => ((await call(base, '/api/v1/customers', { token: admin })).status === 200 ? true : undefined), { timeoutMs: 15_000, what: 'the polled snapshot to restore service' });
    }
    await broker.start();
  });
});
