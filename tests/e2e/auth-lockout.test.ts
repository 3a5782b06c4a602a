import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@ecar/testkit';
import { call, loginAsAdmin, startStack, type JsonResponse, type Stack } from '../support/stack.ts';

let stack: Stack;
let adminToken: string;
let techId: string;
const TECH = { email: 'youssef.trabelsi@garage.tn', password: 'Moteur-Diesel-77!' };

function login(email: string, password: string, ip: string): Promise<JsonResponse> {
  return call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email, password }, headers: { 'x-forwarded-for': ip } });
}

/** The parts of an answer that could tell one account from another. */
function visible(response: JsonResponse): unknown {
  return { status: response.status, title: response.body['title'], detail: response.body['detail'], type: response.body['type'] };
}

async function auditTypes(type: string): Promise<Array<Record<string, unknown>>> {
  const response = await call(stack.gateway.url, `/api/v1/audit/events?type=${type}&limit=100`, { token: adminToken });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body['items'] as Array<Record<string, unknown>>;
}

describe('failed-login throttling and lockout (NET-5)', () => {
  before(async () => {
    stack = await startStack(
      'lockout',
      // The gateway sits behind one proxy (nginx): X-Forwarded-For names the client.
      { TRUST_PROXY_HOPS: '1' },
      { LOGIN_THROTTLE_FREE_FAILURES: '1', LOGIN_LOCK_AFTER: '3', LOGIN_IP_LOCK_AFTER: '8', LOGIN_LOCK_SECONDS: '3', LOGIN_MAX_DELAY_MS: '300' },
    );
    adminToken = (await loginAsAdmin(stack.gateway.url)).accessToken;
    const created = await call(stack.gateway.url, '/api/v1/users', {
      method: 'POST',
      token: adminToken,
      json: { email: TECH.email, displayName: 'Youssef Trabelsi', role: 'technician', password: TECH.password },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    techId = String(created.body['id']);
  });
  after(async () => {
    await stack?.stop();
  });

  it('locks the e-mail+IP pair after N failures, with a growing delay, and answers an unknown e-mail the same way', async () => {
    const known: JsonResponse[] = [];
    const unknown: JsonResponse[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await login(TECH.email, `Wrong-${i}-Passw0rd!`, '203.0.113.10'));
      unknown.push(await login('nobody.here@garage.tn', `Wrong-${i}-Passw0rd!`, '203.0.113.10'));
    }
    assert.deepEqual(known.map((r) => r.status), [401, 401, 401]);
    assert.deepEqual(known.map(visible), unknown.map(visible));
    assert.ok(known[2]!.elapsedMs >= 250, `third failure answered after ${known[2]!.elapsedMs} ms: no progressive delay`);

    const lockedKnown = await login(TECH.email, TECH.password, '203.0.113.10');
    const lockedUnknown = await login('nobody.here@garage.tn', TECH.password, '203.0.113.10');
    assert.equal(lockedKnown.status, 429, 'even the right password is refused while the pair is locked');
    assert.ok(Number(lockedKnown.headers.get('retry-after')) >= 1);
    assert.deepEqual(visible(lockedKnown), visible(lockedUnknown));
  });

  it('does not keep the real user out: the same password works from another address at once, and from the locked one after expiry', async () => {
    const elsewhere = await login(TECH.email, TECH.password, '198.51.100.20');
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
    assert.ok(elsewhere.body['accessToken']);
    const later = await waitFor(
      async () => {
        const response = await login(TECH.email, TECH.password, '203.0.113.10');
        return response.status === 200 ? response : undefined;
      },
      { timeoutMs: 15_000, what: 'the lock to expire' },
    );
    assert.ok(later.body['accessToken']);
  });

  it('locks an address that fails across many e-mails, without touching other addresses', async () => {
    for (let i = 0; i < 8; i++) await login(`spray-${i}@garage.tn`, 'Wrong-Passw0rd!', '192.0.2.30');
    assert.equal((await login(TECH.email, TECH.password, '192.0.2.30')).status, 429);
    assert.equal((await login(TECH.email, TECH.password, '192.0.2.31')).status, 200);
  });

  it('a super-admin lifts the locks of an account at once', async () => {
    for (let i = 0; i < 3; i++) await login(TECH.email, `Wrong-${i}-Passw0rd!`, '203.0.113.50');
    assert.equal((await login(TECH.email, TECH.password, '203.0.113.50')).status, 429);
    const unlock = await call(stack.gateway.url, `/api/v1/users/${techId}/unlock`, { method: 'POST', token: adminToken, json: {} });
    assert.equal(unlock.status, 200);
    assert.ok(Number(unlock.body['cleared']) >= 1);
    assert.equal((await login(TECH.email, TECH.password, '203.0.113.50')).status, 200);
    await waitFor(async () => {
      const items = await auditTypes('auth.login.unlocked');
      return items.find((item) => (item['data'] as Record<string, unknown>)['reason'] === 'admin');
    }, { what: 'auth.login.unlocked by the admin' });
  });

  it('publishes every attempt, lock and unlock to audit with the client address', async () => {
    const locked = await waitFor(async () => {
      const items = await auditTypes('auth.login.locked');
      return items.length >= 4 ? items : undefined;
    }, { what: 'auth.login.locked events (pair × 3, ip × 1)' });
    const scopes = locked.map((item) => (item['data'] as Record<string, unknown>)['scope']).sort();
    assert.deepEqual(scopes, ['account_ip', 'account_ip', 'account_ip', 'ip']);
    const unlocked = await waitFor(async () => {
      const items = await auditTypes('auth.login.unlocked');
      return items.length >= 1 ? items : undefined;
    }, { what: 'auth.login.unlocked after expiry' });
    assert.ok(unlocked.some((item) => (item['data'] as Record<string, unknown>)['reason'] === 'expired'));
    const failed = await waitFor(async () => {
      const items = await auditTypes('auth.login.failed');
      return items.some((item) => (item['data'] as Record<string, unknown>)['reason'] === 'locked') ? items : undefined;
    }, { what: 'failed attempts refused by the lock' });
    const fromTestNet = failed.find((item) => (item['actor'] as Record<string, unknown>)['ip'] === '203.0.113.10');
    assert.ok(fromTestNet, 'the attempt carries the client address from X-Forwarded-For');
  });
});
