import assert from 'node:assert/strict';
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import jwt from 'jsonwebtoken';
import { buildEvent } from '@ecar/contracts';
import { AMQP_URL, AMQP_USER, queueDepth, waitFor } from '@ecar/testkit';
import { auditService } from '../../services/audit/src/service.ts';
import { call, loginAsAdmin, startStack, ADMIN_EMAIL, type Stack } from '../support/stack.ts';
import { currentSigningKey } from '../support/tokens.ts';

let stack: Stack;

async function auditEvents(token: string, query: string): Promise<Array<Record<string, unknown>>> {
  const response = await call(stack.gateway.url, `/api/v1/audit/events?${query}`, { token });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body['items'] as Array<Record<string, unknown>>;
}

async function signingKey(): Promise<{ kid: string; privateKey: KeyObject; publicPem: string }> {
  const { kid, privateKey } = await currentSigningKey(stack.databases.auth.url);
  return { kid, privateKey, publicPem: createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString() };
}

async function publishRaw(routingKey: string, body: Buffer, messageId: string): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    channel.publish(stack.bus.exchange, routingKey, body, { persistent: true, messageId, contentType: 'application/json', userId: AMQP_USER });
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await connection.close();
  }
}

describe('walking skeleton: gateway → auth → bus → audit', () => {
  before(async () => {
    stack = await startStack('skeleton');
  });
  after(async () => {
    await stack?.stop();
  });

  it('logs in through the gateway, reads auth/me, and the login event reaches audit with actor, IP and correlation id', async () => {
    const correlationId = `corr-${randomUUID()}`;
    const login = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: ADMIN_EMAIL, password: 'Adm1n!-test-Passw0rd' } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.headers.get('cache-control'), 'no-store');
    // A super-admin signs in with password + TOTP (AUTH-7); the helper goes through both steps.
    const { accessToken: token } = await loginAsAdmin(stack.gateway.url, { 'x-correlation-id': correlationId, 'user-agent': 'ecar-e2e' });
    const header = jwt.decode(token, { complete: true })?.header;
    assert.equal(header?.alg, 'ES256');
    assert.ok(header?.kid);
    const claims = jwt.decode(token) as jwt.JwtPayload;
    assert.equal(claims.exp! - claims.iat!, 3600);
    for (const claim of ['iss', 'aud', 'sub', 'jti', 'nbf', 'exp']) assert.ok(claims[claim] !== undefined, claim);

    const me = await call(stack.gateway.url, '/api/v1/auth/me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.body['email'], ADMIN_EMAIL);
    assert.equal(me.body['role'], 'super-admin');

    const event = await waitFor(async () => {
      const items = await auditEvents(token, 'type=auth.login.succeeded');
      return items.find((item) => item['correlationId'] === correlationId);
    }, { what: 'auth.login.succeeded in audit' });
    const actor = event['actor'] as Record<string, unknown>;
    assert.equal(actor['id'], claims.sub);
    assert.equal(actor['role'], 'super-admin');
    assert.equal(actor['ip'], '127.0.0.1');
    assert.equal(actor['userAgent'], 'ecar-e2e');
    assert.equal(event['action'], 'auth');
  });

  it('a failed login is refused without saying whether the account exists, and is audited', async () => {
    const unknown = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: 'nobody@ecar.test', password: 'Wrong-passw0rd!' } });
    const wrong = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: ADMIN_EMAIL, password: 'Wrong-passw0rd!' } });
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    assert.equal(unknown.body['detail'], wrong.body['detail']);
    const { accessToken } = await loginAsAdmin(stack.gateway.url);
    await waitFor(async () => {
      const items = await auditEvents(accessToken, 'type=auth.login.failed');
      return items.length >= 2 ? items : undefined;
    }, { what: 'two auth.login.failed events' });
  });

  it('refresh rotates the refresh token and refuses the spent one', async () => {
    const { refreshToken } = await loginAsAdmin(stack.gateway.url);
    const first = await call(stack.gateway.url, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken } });
    assert.equal(first.status, 200);
    assert.notEqual(first.body['refreshToken'], refreshToken);
    const replay = await call(stack.gateway.url, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken } });
    assert.equal(replay.status, 401);
    const family = await call(stack.gateway.url, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: first.body['refreshToken'] } });
    assert.equal(family.status, 401, 'reuse of a spent token revokes the whole family');
  });

  it('a login while the broker is unreachable succeeds, and its event reaches audit once the broker is back', async () => {
    await stack.authBrokerLink.stop();
    const correlationId = `outage-${randomUUID()}`;
    const { accessToken: token } = await loginAsAdmin(stack.gateway.url, { 'x-correlation-id': correlationId });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await auditEvents(token, 'type=auth.login.succeeded')).some((item) => item['correlationId'] === correlationId), false);
    await stack.authBrokerLink.start();
    await waitFor(async () => {
      const items = await auditEvents(token, 'type=auth.login.succeeded');
      return items.find((item) => item['correlationId'] === correlationId);
    }, { timeoutMs: 30_000, what: 'the outage login event in audit' });
  });

  it('the same event delivered twice gives one audit row; a malformed message is dead-lettered and does not block the queue', async () => {
    const { accessToken } = await loginAsAdmin(stack.gateway.url);
    const event = buildEvent({
      type: 'auth.user.created',
      producer: 'auth',
      correlationId: `dup-${randomUUID()}`,
      actor: { system: 'test' },
      subject: { type: 'user', id: randomUUID() },
      data: { email: 'dup@ecar.test', role: 'customer' },
    });
    const payload = Buffer.from(JSON.stringify(event));
    await publishRaw(event.type, payload, event.id);
    await publishRaw(event.type, payload, event.id);
    await publishRaw('auth.user.created', Buffer.from('{"not": "an envelope"'), randomUUID());
    const after = buildEvent({
      type: 'auth.user.created',
      producer: 'auth',
      correlationId: `after-${randomUUID()}`,
      actor: { system: 'test' },
      subject: { type: 'user', id: randomUUID() },
      data: { email: 'after@ecar.test', role: 'customer' },
    });
    await publishRaw(after.type, Buffer.from(JSON.stringify(after)), after.id);

    await waitFor(async () => {
      const items = await auditEvents(accessToken, 'type=auth.user.created');
      return items.some((item) => item['eventId'] === after.id) ? items : undefined;
    }, { what: 'the event published after the poison message' });
    const items = await auditEvents(accessToken, 'type=auth.user.created');
    assert.equal(items.filter((item) => item['eventId'] === event.id).length, 1);
    const dlq = `${stack.bus.queuePrefix}audit.all.dlq`;
    assert.equal(await waitFor(async () => ((await queueDepth(dlq)) >= 1 ? queueDepth(dlq) : undefined), { what: 'dead-lettered message' }), 1);
  });

  it('refuses expired, tampered, alg=none, HS256-with-public-key, wrong-aud and wrong-iss tokens with 401', async () => {
    const { kid, privateKey, publicPem } = await signingKey();
    const { accessToken } = await loginAsAdmin(stack.gateway.url);
    const claims = jwt.decode(accessToken) as jwt.JwtPayload;
    const base = { sub: claims.sub, role: 'super-admin', sid: claims['sid'], jti: randomUUID(), amr: ['pwd'] };
    const now = Math.floor(Date.now() / 1000);
    const sign = (overrides: Record<string, unknown>) =>
      jwt.sign({ iss: 'ecar-auth', aud: 'ecar-api', iat: now, nbf: now, exp: now + 600, ...base, ...overrides }, privateKey, { algorithm: 'ES256', keyid: kid });

    const valid = sign({});
    assert.equal((await call(stack.gateway.url, '/api/v1/auth/me', { token: valid })).status, 200, 'control: a well-formed token passes');

    const [head, body, signature] = accessToken.split('.') as [string, string, string];
    const tamperedBody = Buffer.from(JSON.stringify({ ...claims, role: 'super-admin', sub: randomUUID() })).toString('base64url');
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid })).toString('base64url');
    const hsHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid })).toString('base64url');
    const { createHmac } = await import('node:crypto');
    const hsSignature = createHmac('sha256', publicPem).update(`${hsHeader}.${body}`).digest('base64url');
    const attacks: Record<string, string> = {
      expired: sign({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
      notYetValid: sign({ nbf: now + 600 }),
      tampered: `${head}.${tamperedBody}.${signature}`,
      algNone: `${noneHeader}.${body}.`,
      hs256WithPublicKey: `${hsHeader}.${body}.${hsSignature}`,
      wrongAudience: sign({ aud: 'another-api' }),
      wrongIssuer: sign({ iss: 'evil-issuer' }),
      unknownKid: jwt.sign({ iss: 'ecar-auth', aud: 'ecar-api', iat: now, nbf: now, exp: now + 600, ...base }, privateKey, { algorithm: 'ES256', keyid: 'unknown-kid' }),
      garbage: 'not-a-token',
    };
    for (const [name, token] of Object.entries(attacks)) {
      const response = await call(stack.gateway.url, '/api/v1/auth/me', { token });
      assert.equal(response.status, 401, name);
      assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8', name);
    }
    const direct = await call(stack.auth.url, '/api/v1/auth/me', { token: attacks['wrongAudience'] });
    assert.equal(direct.status, 401, 'the service verifies again (defence in depth)');
    const viaQuery = await call(stack.gateway.url, `/api/v1/auth/me?access_token=${accessToken}`);
    assert.equal(viaQuery.status, 401, 'a token in the URL is never accepted');
  });

  it('a stopped downstream service gives a fast 503 problem, and the gateway recovers when it returns', async () => {
    const { accessToken } = await loginAsAdmin(stack.gateway.url);
    const port = stack.audit.port;
    await stack.audit.stop();
    for (let i = 0; i < 5; i++) {
      const response = await call(stack.gateway.url, '/api/v1/audit/events', { token: accessToken });
      assert.equal(response.status, 503);
      assert.ok(response.elapsedMs < 1000, `503 after ${response.elapsedMs} ms`);
      assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.ok(response.headers.get('retry-after'));
    }
    stack.audit = await auditService.start({ ...stack.env.audit, PORT: String(port) });
    await waitFor(async () => ((await call(stack.gateway.url, '/api/v1/audit/events', { token: accessToken })).status === 200 ? true : undefined), {
      timeoutMs: 10_000,
      what: 'the gateway to recover',
    });
  });

  it('bad input gets 400/413/415 problem+json, never a 500', async () => {
    const cases: Array<[string, RequestInit, number]> = [
      ['invalid JSON', { method: 'POST', body: '{"email": ', headers: { 'content-type': 'application/json' } }, 400],
      ['unknown field', { method: 'POST', body: JSON.stringify({ email: ADMIN_EMAIL, password: 'x', role: 'super-admin' }), headers: { 'content-type': 'application/json' } }, 400],
      ['wrong types', { method: 'POST', body: JSON.stringify({ email: 42, password: ['x'] }), headers: { 'content-type': 'application/json' } }, 400],
      ['array body', { method: 'POST', body: '[]', headers: { 'content-type': 'application/json' } }, 400],
      ['oversized body', { method: 'POST', body: JSON.stringify({ email: ADMIN_EMAIL, password: 'x'.repeat(200_000) }), headers: { 'content-type': 'application/json' } }, 413],
      ['not JSON', { method: 'POST', body: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415],
    ];
    for (const [name, init, status] of cases) {
      const response = await call(stack.gateway.url, '/api/v1/auth/login', init);
      assert.equal(response.status, status, `${name}: ${JSON.stringify(response.body)}`);
      assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8', name);
      assert.equal(typeof response.body['title'], 'string', name);
      assert.ok(!JSON.stringify(response.body).includes('    at '), `${name}: no stack trace`);
    }
    const unknownField = await call(stack.gateway.url, '/api/v1/auth/login', cases[1]![1]);
    assert.deepEqual((unknownField.body['errors'] as Array<{ code: string }>).map((e) => e.code), ['unknown_field']);
    const badQuery = await call(stack.gateway.url, '/api/v1/audit/events?limit=100000', { token: (await loginAsAdmin(stack.gateway.url)).accessToken });
    assert.equal(badQuery.status, 400);
  });

  it('routes only the allow-list, guards roles, and strips internal headers', async () => {
    assert.equal((await call(stack.gateway.url, '/api/v1/nothing-here')).status, 404);
    assert.equal((await call(stack.gateway.url, '/health/ready')).status, 404, 'service health is not routed publicly');
    assert.equal((await call(stack.gateway.url, '/api/v1/auth/..%2f..%2faudit/events')).status, 400);
    assert.equal((await call(stack.gateway.url, '/api/v1/audit/events')).status, 401);
  });

  it('applies CORS only to listed origins and refuses state changes from others', async () => {
    const allowed = await call(stack.gateway.url, '/api/v1/auth/login', {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.ecar.test', 'access-control-request-method': 'POST' },
    });
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://portal.ecar.test');
    const foreign = await call(stack.gateway.url, '/api/v1/auth/login', {
      method: 'POST',
      json: { email: ADMIN_EMAIL, password: 'x' },
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });
});
