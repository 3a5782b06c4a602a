import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startStack, ADMIN_EMAIL, type Stack } from '../support/stack.ts';

let stack: Stack;

describe('gateway rate limits (NET-4, NET-5)', () => {
  before(async () => {
    stack = await startStack('ratelimit', { RATE_LIMIT_PER_IP: '30', RATE_LIMIT_LOGIN_PER_IP: '3', RATE_LIMIT_WINDOW_MS: '60000' });
  });
  after(async () => {
    await stack?.stop();
  });

  it('throttles repeated login attempts from one address with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: ADMIN_EMAIL, password: `Wrong-${i}-passw0rd!` } });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.equal(last!.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  });

  it('limits every endpoint per IP', async () => {
    let limited = 0;
    for (let i = 0; i < 40; i++) {
      const response = await call(stack.gateway.url, '/api/v1/auth/me');
      if (response.status === 429) limited++;
      else assert.equal(response.status, 401);
    }
    assert.ok(limited >= 10, `expected at least 10 limited answers, got ${limited}`);
  });
});
