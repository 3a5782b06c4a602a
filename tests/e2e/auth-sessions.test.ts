import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { waitFor } from '@ecar/testkit';
import { startGateway } from '../../gateway/src/gateway.ts';
import { newAuthenticator, signInWithMfa, type Authenticator } from '../support/mfa.ts';
import { call, loginAsAdmin, startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
let adminToken: string;
const OPS = { email: 'leila.haddad@garage.tn', password: 'Vidange-Carthage-31!' };
let opsId: string;
let opsAuthenticator: Authenticator;

const audit = (token: string) => call(stack.gateway.url, '/api/v1/audit/events?limit=1', { token });
const sessionOf = (token: string) => String((jwt.decode(token) as jwt.JwtPayload)['sid']);

/** A revoked access token must be refused at the gateway (audit itself keeps no deny-list). */
async function refusedAtGatewayWithin5s(token: string): Promise<void> {
  const started = Date.now();
  await waitFor(async () => ((await audit(token)).status === 401 ? true : undefined), { timeoutMs: 5_000, what: 'the gateway to refuse the revoked token' });
  assert.ok(Date.now() - started < 5_000);
}

async function auditItems(type: string): Promise<Array<Record<string, unknown>>> {
  const response = await call(stack.gateway.url, `/api/v1/audit/events?type=${type}&limit=100`, { token: adminToken });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body['items'] as Array<Record<string, unknown>>;
}

describe('sessions: refresh rotation, revocation and the gateway deny-list (AUTH-2)', () => {
  before(async () => {
    stack = await startStack('sessions');
    adminToken = (await loginAsAdmin(stack.gateway.url)).accessToken;
    const created = await call(stack.gateway.url, '/api/v1/users', {
      method: 'POST',
      token: adminToken,
      json: { email: OPS.email, displayName: 'Leila Haddad', role: 'super-admin', password: OPS.password },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    opsId = String(created.body['id']);
    opsAuthenticator = newAuthenticator(Number(stack.env.auth['MFA_TOTP_PERIOD_SECONDS']));
  });
  after(async () => {
    await stack?.stop();
  });

  it('a spent refresh token presented again revokes the whole family, and auth.token.reuse_detected reaches audit', async () => {
    const { accessToken, refreshToken } = await loginAsAdmin(stack.gateway.url);
    const rotated = await call(stack.gateway.url, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken } });
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body['refreshToken'], refreshToken);
    const reuse = await call(stack.gateway.url, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken } });
    assert.equal(reuse.status, 401);
    const next = await call(stack.gateway.url, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: rotated.body['refreshToken'] } });
    assert.equal(next.status, 401, 'the newest token of the family died with it');
    await refusedAtGatewayWithin5s(String(rotated.body['accessToken']));
    await refusedAtGatewayWithin5s(accessToken);
    const sessionId = sessionOf(accessToken);
    const detected = await waitFor(async () => {
      const items = await auditItems('auth.token.reuse_detected');
      return items.find((item) => (item['data'] as Record<string, unknown>)['sessionId'] === sessionId);
    }, { what: 'auth.token.reuse_detected in audit' });
    assert.equal((detected['subject'] as Record<string, unknown>)['id'], sessionId);
  });

  it('logout: the access token is refused at the gateway within 5 s, and at once by auth itself', async () => {
    const { accessToken } = await signInWithMfa(stack.gateway.url, OPS, opsAuthenticator);
    assert.equal((await audit(accessToken)).status, 200);
    assert.equal((await call(stack.gateway.url, '/api/v1/auth/logout', { method: 'POST', token: accessToken })).status, 204);
    assert.equal((await call(stack.auth.url, '/api/v1/auth/me', { token: accessToken })).status, 401, 'auth checks its own session table');
    await refusedAtGatewayWithin5s(accessToken);
  });

  it('password change (current password required, history enforced) revokes every session of the user', async () => {
    const first = await signInWithMfa(stack.gateway.url, OPS, opsAuthenticator);
    const second = await signInWithMfa(stack.gateway.url, OPS, opsAuthenticator);
    const wrongCurrent = await call(stack.gateway.url, '/api/v1/auth/password', {
      method: 'POST',
      token: first.accessToken,
      json: { currentPassword: 'Not-The-Password-1!', newPassword: 'Bougie-Allumage-58!' },
    });
    assert.equal(wrongCurrent.status, 400);
    const reused = await call(stack.gateway.url, '/api/v1/auth/password', {
      method: 'POST',
      token: first.accessToken,
      json: { currentPassword: OPS.password, newPassword: OPS.password },
    });
    assert.equal(reused.status, 400);
    assert.deepEqual((reused.body['errors'] as Array<{ code: string }>).map((e) => e.code), ['password_reused']);
    const changed = await call(stack.gateway.url, '/api/v1/auth/password', {
      method: 'POST',
      token: first.accessToken,
      json: { currentPassword: OPS.password, newPassword: 'Bougie-Allumage-58!' },
    });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    await refusedAtGatewayWithin5s(first.accessToken);
    await refusedAtGatewayWithin5s(second.accessToken);
    assert.equal((await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: OPS })).status, 401);
    OPS.password = 'Bougie-Allumage-58!';
    await waitFor(async () => {
      const items = await auditItems('auth.password.changed');
      return items.some((item) => (item['subject'] as Record<string, unknown>)['id'] === opsId) ? true : undefined;
    }, { what: 'auth.password.changed in audit' });
  });

  it('a gateway that starts later loads the revoked sessions from auth and refuses them at once', async () => {
    const { accessToken } = await signInWithMfa(stack.gateway.url, OPS, opsAuthenticator);
    const revoke = await call(stack.gateway.url, `/api/v1/users/${opsId}/sessions/revoke`, { method: 'POST', token: adminToken, json: {} });
    assert.equal(revoke.status, 200);
    assert.ok(Number(revoke.body['revoked']) >= 1);
    await refusedAtGatewayWithin5s(accessToken);
    const fresh = await startGateway({ ...stack.env.gateway, PORT: '0' });
    try {
      await waitFor(async () => ((await call(fresh.url, '/health/revocations')).status === 200 ? true : undefined), { timeoutMs: 5_000, what: 'the new gateway to be ready (snapshot loaded)' });
      const response = await call(fresh.url, '/api/v1/audit/events?limit=1', { token: accessToken });
      assert.equal(response.status, 401);
      assert.equal(fresh.denyList.has(sessionOf(accessToken)), true);
    } finally {
      await fresh.stop();
    }
  });

  it('admin lists live sessions; disabling a user ends them and publishes auth.user.disabled with the profile', async () => {
    const { accessToken } = await signInWithMfa(stack.gateway.url, OPS, opsAuthenticator);
    const sessions = await call(stack.gateway.url, `/api/v1/users/${opsId}/sessions`, { token: adminToken });
    assert.equal(sessions.status, 200);
    assert.ok((sessions.body['items'] as Array<{ id: string }>).some((session) => session.id === sessionOf(accessToken)));
    const disabled = await call(stack.gateway.url, `/api/v1/users/${opsId}/disable`, { method: 'POST', token: adminToken, json: {} });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body['status'], 'disabled');
    await refusedAtGatewayWithin5s(accessToken);
    const again = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: OPS });
    assert.equal(again.status, 401);
    assert.equal(again.body['detail'], 'Invalid e-mail or password');
    const event = await waitFor(async () => (await auditItems('auth.user.disabled'))[0], { what: 'auth.user.disabled in audit' });
    const data = event['data'] as Record<string, unknown>;
    assert.equal(data['userId'], opsId);
    assert.equal(data['role'], 'super-admin');
    assert.equal(data['displayName'], 'Leila Haddad');
    const self = await call(stack.gateway.url, `/api/v1/users/${String((jwt.decode(adminToken) as jwt.JwtPayload).sub)}/disable`, { method: 'POST', token: adminToken, json: {} });
    assert.equal(self.status, 403, 'an admin cannot disable their own account');
  });
});
