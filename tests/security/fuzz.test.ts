import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { call, loginAsAdmin, startStack, type Stack } from '../support/stack.ts';

// Seeded generator: a failure names its seed and request number, so it can be replayed.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY_STRINGS = [
  '',
  ' ',
  "' OR '1'='1",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '../../etc/passwd',
  '\u0000',
  '\uD800',
  '🚗'.repeat(50),
  'a'.repeat(5000),
  '%00%2e%2e%2f',
  '{{7*7}}',
  '1e309',
  '-1',
  'null',
];
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'email', 'password', 'client', 'refreshToken', '$where', 'role', ''];

function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * 9);
  switch (pick) {
    case 0:
      return NASTY_STRINGS[Math.floor(random() * NASTY_STRINGS.length)];
    case 1:
      return Math.floor(random() * 2 ** 53) * (random() < 0.5 ? -1 : 1);
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
      return random() * 1e308;
    case 5:
      if (depth > 3) return 'deep';
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    case 6:
    case 7:
      if (depth > 3) return {};
      return randomObject(random, depth + 1);
    default:
      return `user${Math.floor(random() * 1000)}@ecar.test`;
  }
}

function randomObject(random: () => number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Math.floor(random() * 5);
  for (let i = 0; i < keys; i++) out[NASTY_KEYS[Math.floor(random() * NASTY_KEYS.length)]!] = randomValue(random, depth);
  return out;
}

/** Sends the path byte for byte (fetch would normalise `%2e%2e` and dot segments away). */
function rawGet(base: string, path: string, token: string): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path, method: 'GET', headers: { authorization: `Bearer ${token}` } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

let stack: Stack;

describe('fuzzing the public edge of the API (TST-1, APP-1)', () => {
  before(async () => {
    stack = await startStack('fuzz', { RATE_LIMIT_PER_IP: '100000', RATE_LIMIT_LOGIN_PER_IP: '100000' });
  });
  after(async () => {
    await stack?.stop();
  });

  it('answers random JSON bodies on every public POST route with a 4xx problem, never a 5xx', async () => {
    const random = mulberry32(20261127);
    const routes = ['/api/v1/auth/login', '/api/v1/auth/refresh'];
    for (let i = 0; i < 300; i++) {
      const route = routes[i % routes.length]!;
      const body = random() < 0.85 ? JSON.stringify(randomObject(random)) : asText(randomValue(random, 0));
      const response = await call(stack.gateway.url, route, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      assert.ok(response.status >= 400 && response.status < 500, `seed 20261127 #${i} ${route} ${body.slice(0, 200)} → ${response.status} ${JSON.stringify(response.body)}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, `#${i}`);
    }
  });

  it('answers hostile query strings, headers and paths without a 5xx', async () => {
    const random = mulberry32(424242);
    const { accessToken } = await loginAsAdmin(stack.gateway.url);
    const params = ['actor', 'subject', 'type', 'action', 'from', 'to', 'cursor', 'limit', '__proto__', 'constructor[prototype]'];
    for (let i = 0; i < 200; i++) {
      const query = new URLSearchParams();
      for (let j = 0; j < 1 + Math.floor(random() * 3); j++) query.append(params[Math.floor(random() * params.length)]!, asText(randomValue(random, 3)).slice(0, 300));
      const response = await call(stack.gateway.url, `/api/v1/audit/events?${query.toString()}`, { token: accessToken });
      assert.ok([200, 400].includes(response.status), `#${i} ?${query.toString().slice(0, 200)} → ${response.status} ${JSON.stringify(response.body)}`);
    }
    const headerCases: Array<Record<string, string>> = [
      { authorization: 'Bearer ' + 'a'.repeat(5000) },
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
      { authorization: 'Bearer a.b.c' },
      { cookie: `__Host-ecar_access=${'x'.repeat(4000)}` },
      { 'x-request-id': '\r\nSet-Cookie: evil=1'.replace(/[\r\n]/g, '') },
      { 'x-forwarded-for': '1.2.3.4, 5.6.7.8' },
      { 'content-type': 'application/json; charset=utf-16' },
    ];
    for (const headers of headerCases) {
      const response = await call(stack.gateway.url, '/api/v1/auth/me', { headers });
      assert.ok(response.status >= 400 && response.status < 500, `${JSON.stringify(headers).slice(0, 80)} → ${response.status}`);
    }
    for (const path of ['/api/v1/%ff%fe', '/api/v1/auth/%2e%2e/users', '/api/v1/auth/../users', '/api/v1/auth/%2E%2E%2Fusers', `/api/v1/${'a'.repeat(3000)}`, '/api/v1/auth/me%00', '/..;/api/v1/users', '/api/v1/auth/me/..;/../users']) {
      const status = await rawGet(stack.gateway.url, path, accessToken);
      assert.ok(status >= 400 && status < 500, `${path.slice(0, 60)} → ${status}`);
    }
  });

  it('is still healthy after the barrage', async () => {
    const me = await call(stack.gateway.url, '/api/v1/auth/me', { token: (await loginAsAdmin(stack.gateway.url)).accessToken });
    assert.equal(me.status, 200);
  });
});
