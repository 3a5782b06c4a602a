import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@ecar/testkit';
import { call, loginAsAdmin, startStack, type Stack } from '../support/stack.ts';

/*
 * Finding 1 of issue 12 asked that every lock be liftable by an admin. The account unlock lifts
 * the per-IP locks of the addresses that failed on that account only; an address locked by
 * failures on e-mails of nobody (a shared office or carrier address, someone spraying guesses)
 * stayed locked for every real user behind it. Now a super-admin lists the per-IP locks in force
 * and lifts one (GET /api/v1/users/sign-in-locks, POST /api/v1/users/sign-in-locks/unlock), audited.
 */

let stack: Stack;
let adminToken: string;
let techId: string;
const TECH = { email: 'hela.mansour@garage.tn', password: 'Vidange-Sousse-31!' };
const SHARED_IP = '198.51.100.77';
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const login = (json: Record<string, unknown>, ip: string) => call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json, headers: from(ip) });

describe('an admin lifts a per-IP sign-in lock tied to no account', () => {
  before(async () => {
    stack = await startStack(
      'ipunlock',
      // Behind one proxy (nginx): X-Forwarded-For names the client.
      { TRUST_PROXY_HOPS: '1' },
      { LOGIN_THROTTLE_FREE_FAILURES: '20', LOGIN_LOCK_AFTER: '20', LOGIN_IP_LOCK_AFTER: '4', LOGIN_LOCK_SECONDS: '900' },
    );
    adminToken = (await loginAsAdmin(stack.gateway.url)).accessToken;
    const created = await call(stack.gateway.url, '/api/v1/users', { method: 'POST', token: adminToken, json: { ...TECH, displayName: 'Hela Mansour', role: 'technician' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    techId = String(created.body['id']);
  });
  after(async () => {
    await stack?.stop();
  });

  it('lists the lock, the account unlock does not lift it, the IP unlock does (audited, then 404)', async () => {
    for (let i = 0; i < 4; i += 1) assert.equal((await login({ email: `guess.${i}@example.tn`, password: 'Not-The-Password-1!' }, SHARED_IP)).status, 401);
    assert.equal((await login(TECH, SHARED_IP)).status, 429, 'the technician behind the shared address is locked out');

    const listed = await call(stack.gateway.url, '/api/v1/users/sign-in-locks', { token: adminToken });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const lock = (listed.body['items'] as Array<Record<string, unknown>>).find((item) => item['ip'] === SHARED_IP);
    assert.ok(lock, JSON.stringify(listed.body));
    assert.equal(lock['failures'], 4);
    assert.ok(Date.parse(String(lock['lockedUntil'])) > Date.now());
    assert.equal(listed.body['total'], 1);

    // The technician's own unlock knows nothing of this address: it failed on other e-mails.
    assert.equal((await call(stack.gateway.url, `/api/v1/users/${techId}/unlock`, { method: 'POST', token: adminToken, json: {} })).body['cleared'], 0);
    assert.equal((await login(TECH, SHARED_IP)).status, 429);

    const lifted = await call(stack.gateway.url, '/api/v1/users/sign-in-locks/unlock', { method: 'POST', token: adminToken, json: { ip: SHARED_IP } });
    assert.equal(lifted.status, 204, JSON.stringify(lifted.body));
    assert.equal((await login(TECH, SHARED_IP)).status, 200, 'signed in from the address again');
    assert.deepEqual((await call(stack.gateway.url, '/api/v1/users/sign-in-locks', { token: adminToken })).body['items'], []);
    const again = await call(stack.gateway.url, '/api/v1/users/sign-in-locks/unlock', { method: 'POST', token: adminToken, json: { ip: SHARED_IP } });
    assert.equal(again.status, 404);

    await waitFor(
      async () => {
        const events = await call(stack.gateway.url, '/api/v1/audit/events?type=auth.login.unlocked&limit=100', { token: adminToken });
        return (events.body['items'] as Array<{ data: Record<string, unknown>; actor: Record<string, unknown> }>).find((item) => item.data['scope'] === 'ip' && item.data['reason'] === 'admin');
      },
      { what: 'the admin IP unlock in the audit log' },
    );
  });

  it('refuses a malformed address with 400 problem+json', async () => {
    for (const ip of ['not-an-ip', '999.1.1.1', '', '198.51.100.77\u0000']) {
      const response = await call(stack.gateway.url, '/api/v1/users/sign-in-locks/unlock', { method: 'POST', token: adminToken, json: { ip } });
      assert.equal(response.status, 400, `${JSON.stringify(ip)}: ${response.status}`);
      assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
    }
  });
});
