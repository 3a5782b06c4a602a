import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@ecar/testkit';
import { newAuthenticator, nextCode, signInWithMfa, type Authenticator } from '../support/mfa.ts';
import { call, loginAsAdmin, startStack, type JsonResponse, type Stack } from '../support/stack.ts';

let stack: Stack;
let adminToken: string;
let bossId: string;
const BOSS = { email: 'hedi.gharbi@garage.tn', password: 'Boite-Vitesses-Gabes-88!' };
const TECH = { email: 'walid.jaziri@garage.tn', password: 'Cardan-Siliana-27!' };
const authenticator: Authenticator = newAuthenticator(1);

function from(ip: string) {
  return { 'x-forwarded-for': ip };
}

async function passwordStep(ip: string): Promise<string> {
  const login = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { ...BOSS, client: 'mobile' }, headers: from(ip) });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  assert.equal(login.body['status'], 'mfa_required');
  return String(login.body['mfaToken']);
}

async function mfaStep(ip: string, proof: Record<string, string>): Promise<JsonResponse> {
  return call(stack.gateway.url, '/api/v1/auth/login/mfa', { method: 'POST', json: { mfaToken: await passwordStep(ip), ...proof }, headers: from(ip) });
}

/** A code that is certainly wrong: the right one with its first digit changed. */
async function wrongCode(): Promise<string> {
  const right = await nextCode(authenticator);
  return `${(Number(right[0]) + 1) % 10}${right.slice(1)}`;
}

async function auditItems(type: string): Promise<Array<Record<string, unknown>>> {
  const response = await call(stack.gateway.url, `/api/v1/audit/events?type=${type}&limit=100`, { token: adminToken });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body['items'] as Array<Record<string, unknown>>;
}

/** Issue 12 finding 1 (rest): MFA failures capped per account; the admin unlock lifts it and per-IP locks. */
describe('per-account MFA failure cap and admin unlock of every lock', () => {
  before(async () => {
    stack = await startStack(
      'mfacap',
      { TRUST_PROXY_HOPS: '1' },
      { MFA_LOCK_AFTER: '3', LOGIN_LOCK_AFTER: '50', LOGIN_IP_LOCK_AFTER: '4', LOGIN_LOCK_SECONDS: '600', LOGIN_THROTTLE_FREE_FAILURES: '50' },
    );
    adminToken = (await loginAsAdmin(stack.gateway.url)).accessToken;
    for (const [account, role, name] of [[BOSS, 'super-admin', 'Hedi Gharbi'], [TECH, 'technician', 'Walid Jaziri']] as const) {
      const created = await call(stack.gateway.url, '/api/v1/users', { method: 'POST', token: adminToken, json: { ...account, displayName: name, role } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      if (role === 'super-admin') bossId = String(created.body['id']);
    }
    await signInWithMfa(stack.gateway.url, BOSS, authenticator, from('198.51.100.1'));
  });
  after(async () => {
    await stack?.stop();
  });

  it('wrong TOTP and recovery codes from different addresses lock the account\'s MFA step; the admin unlock lifts it', async () => {
    assert.equal((await mfaStep('198.51.100.11', { code: await wrongCode() })).status, 401);
    assert.equal((await mfaStep('198.51.100.12', { recoveryCode: 'zzzz-zzzz-zzzz' })).status, 401);
    assert.equal((await mfaStep('198.51.100.13', { code: await wrongCode() })).status, 401);
    const locked = await mfaStep('198.51.100.14', { code: await nextCode(authenticator) });
    assert.equal(locked.status, 429, `even the right code is refused while the MFA step is locked: ${JSON.stringify(locked.body)}`);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    await waitFor(async () => (await auditItems('auth.login.locked')).find((item) => (item['data'] as Record<string, unknown>)['scope'] === 'mfa'), { what: 'auth.login.locked scope mfa' });

    const unlock = await call(stack.gateway.url, `/api/v1/users/${bossId}/unlock`, { method: 'POST', token: adminToken, json: {} });
    assert.equal(unlock.status, 200, JSON.stringify(unlock.body));
    assert.ok(Number(unlock.body['cleared']) >= 1);
    assert.equal((await mfaStep('198.51.100.15', { code: await nextCode(authenticator) })).status, 200, 'the MFA step works again');
    await waitFor(async () => (await auditItems('auth.login.unlocked')).find((item) => (item['data'] as Record<string, unknown>)['scope'] === 'mfa'), { what: 'auth.login.unlocked scope mfa' });
  });

  it('the admin unlock of an account also lifts the per-IP locks of the addresses that failed on it', async () => {
    const ip = '203.0.113.40';
    for (let i = 0; i < 4; i += 1) {
      await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: TECH.email, password: 'Faux-Mot-De-Passe-1!' }, headers: from(ip) });
    }
    const blocked = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { ...TECH }, headers: from(ip) });
    assert.equal(blocked.status, 429, 'the address is locked');
    const unlock = await call(stack.gateway.url, `/api/v1/users/${(await techId())}/unlock`, { method: 'POST', token: adminToken, json: {} });
    assert.equal(unlock.status, 200);
    const again = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { ...TECH }, headers: from(ip) });
    assert.equal(again.status, 200, `the per-IP lock is lifted too: ${JSON.stringify(again.body)}`);
    await waitFor(async () => (await auditItems('auth.login.unlocked')).find((item) => (item['data'] as Record<string, unknown>)['scope'] === 'ip'), { what: 'auth.login.unlocked scope ip' });
  });
});

async function techId(): Promise<string> {
  const list = await call(stack.gateway.url, '/api/v1/users?role=technician', { token: adminToken });
  const found = (list.body['items'] as Array<Record<string, unknown>>).find((item) => item['email'] === TECH.email);
  assert.ok(found, JSON.stringify(list.body));
  return String(found['id']);
}
