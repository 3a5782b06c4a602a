import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startGateway, type Gateway } from '../../gateway/src/gateway.ts';
import { call, startStack, type Stack } from '../support/stack.ts';

const BUDGET = 10;
let stack: Stack;
let second: Gateway;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

async function metric(gateway: Gateway, name: string): Promise<string> {
  return (await gateway.registry.metrics()).split('\n').filter((line) => line.startsWith(name)).join('\n');
}

describe('gateway replicas share one rate-limit budget through Redis (NET-4)', () => {
  before(async () => {
    stack = await startStack('rlshared', { RATE_LIMIT_PER_IP: String(BUDGET), RATE_LIMIT_WINDOW_MS: '60000' });
    second = await startGateway({ ...stack.env.gateway, PORT: '0' });
  });
  after(async () => {
    await second?.stop();
    await stack?.stop();
  });

  it('splits N allowed requests across two gateways and refuses the N+1-th on either', async () => {
    const gateways = [stack.gateway.url, second.url];
    for (let i = 0; i < BUDGET; i++) {
      const response = await call(gateways[i % 2]!, '/api/v1/auth/me');
      assert.equal(response.status, 401, `request ${i + 1} of ${BUDGET} is inside the shared budget`);
    }
    for (const url of gateways) {
      const refused = await call(url, '/api/v1/auth/me');
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.equal(refused.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal(refused.headers.get('ratelimit-remaining'), '0');
    }
    assert.match(await metric(second, 'ecar_gateway_rate_limit_store_up'), /ecar_gateway_rate_limit_store_up\{[^}]*\} 1/);
  });

  it('keeps limiting from process memory, counted and reported, when Redis does not answer', async () => {
    const port = await closedPort();
    const isolated = await startGateway({ ...stack.env.gateway, PORT: '0', REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_KEY_PREFIX: 'unreachable:' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < BUDGET + 2; i++) statuses.push((await call(isolated.url, '/api/v1/auth/me')).status);
      assert.deepEqual(statuses, [...Array<number>(BUDGET).fill(401), 429, 429]);
      assert.match(await metric(isolated, 'ecar_gateway_rate_limit_store_up'), /ecar_gateway_rate_limit_store_up\{[^}]*\} 0/);
      const insurance = await metric(isolated, 'ecar_gateway_rate_limit_insurance_total{');
      assert.match(insurance, new RegExp(`limiter="ip"[^}]*} ${BUDGET + 2}$`));
    } finally {
      await isolated.stop();
    }
  });
});
