import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, loginAsAdmin, startStack, type JsonResponse, type Stack } from '../support/stack.ts';

let stack: Stack;
const TECH = { email: 'sami.gharbi@garage.tn', password: 'Embrayage-Gabes-42!' };

interface WebSession {
  cookie: string;
  csrfToken: string;
  setCookies: string[];
}

function cookiesOf(response: JsonResponse): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const index = pair!.indexOf('=');
    jar.set(pair!.slice(0, index), pair!.slice(index + 1));
  }
  return jar;
}

async function webLogin(): Promise<WebSession> {
  const response = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { ...TECH, client: 'web' } });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const jar = cookiesOf(response);
  return {
    cookie: `__Host-ecar_access=${jar.get('__Host-ecar_access')}; __Host-ecar_refresh=${jar.get('__Host-ecar_refresh')}`,
    csrfToken: String(response.body['csrfToken']),
    setCookies: response.headers.getSetCookie(),
  };
}

const withCookie = (session: WebSession, headers: Record<string, string> = {}) => ({ cookie: session.cookie, ...headers });

describe('web sessions: __Host- cookies and CSRF (AUTH-3, APP-4)', () => {
  before(async () => {
    stack = await startStack('cookies');
    const { accessToken } = await loginAsAdmin(stack.gateway.url);
    const created = await call(stack.gateway.url, '/api/v1/users', {
      method: 'POST',
      token: accessToken,
      json: { email: TECH.email, displayName: 'Sami Gharbi', role: 'technician', password: TECH.password },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });
  after(async () => {
    await stack?.stop();
  });

  it('a web login sets HttpOnly, Secure, SameSite=Strict, Path=/ __Host- cookies and puts no token in the body', async () => {
    const response = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { ...TECH, client: 'web' } });
    assert.equal(response.status, 200);
    assert.equal(response.body['accessToken'], undefined);
    assert.equal(response.body['refreshToken'], undefined);
    assert.equal(typeof response.body['csrfToken'], 'string');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains; preload');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const lines = response.headers.getSetCookie();
    assert.equal(lines.length, 2);
    for (const name of ['__Host-ecar_access', '__Host-ecar_refresh']) {
      const line = lines.find((candidate) => candidate.startsWith(`${name}=`));
      assert.ok(line, name);
      const attributes = line.split(';').slice(1).map((part) => part.trim().toLowerCase());
      for (const expected of ['httponly', 'secure', 'samesite=strict', 'path=/']) assert.ok(attributes.includes(expected), `${name}: ${expected} in ${line}`);
      assert.ok(!attributes.some((attribute) => attribute.startsWith('domain=')), `${name} has no Domain`);
    }
    assert.match(lines.find((line) => line.startsWith('__Host-ecar_access='))!, /Max-Age=3600/);
    assert.match(lines.find((line) => line.startsWith('__Host-ecar_refresh='))!, /Max-Age=604\d{3}/);
  });

  it('reads need no CSRF token; GET auth/csrf gives back the session token', async () => {
    const session = await webLogin();
    const me = await call(stack.gateway.url, '/api/v1/auth/me', { headers: withCookie(session) });
    assert.equal(me.status, 200);
    assert.equal(me.body['email'], TECH.email);
    const csrf = await call(stack.gateway.url, '/api/v1/auth/csrf', { headers: withCookie(session) });
    assert.equal(csrf.status, 200);
    assert.equal(csrf.body['csrfToken'], session.csrfToken);
  });

  it('a cookie state change without, or with a wrong, CSRF token is refused with 403 by the gateway and by the service', async () => {
    const session = await webLogin();
    const other = await webLogin();
    const attempts: Array<[string, Record<string, string>]> = [
      ['missing', withCookie(session)],
      ['wrong', withCookie(session, { 'x-csrf-token': 'forged-token-value' })],
      ["another session's", withCookie(session, { 'x-csrf-token': other.csrfToken })],
    ];
    for (const [name, headers] of attempts) {
      const viaGateway = await call(stack.gateway.url, '/api/v1/auth/logout', { method: 'POST', headers, json: {} });
      assert.equal(viaGateway.status, 403, `${name} via gateway`);
      assert.equal(viaGateway.body['type'], 'urn:ecar:problem:csrf');
      const direct = await call(stack.auth.url, '/api/v1/auth/logout', { method: 'POST', headers, json: {} });
      assert.equal(direct.status, 403, `${name} straight to auth`);
    }
    const ok = await call(stack.gateway.url, '/api/v1/auth/logout', { method: 'POST', headers: withCookie(session, { 'x-csrf-token': session.csrfToken }), json: {} });
    assert.equal(ok.status, 204);
    assert.ok(ok.headers.getSetCookie().some((line) => line.startsWith('__Host-ecar_access=;')), 'logout clears the cookies');
  });

  it('a bearer (mobile) request needs no CSRF token, and a bearer token smuggled into the cookie cannot change state', async () => {
    const mobile = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { ...TECH, client: 'mobile' } });
    assert.equal(mobile.status, 200);
    assert.equal(mobile.headers.getSetCookie().length, 0, 'no cookies for mobile');
    const token = String(mobile.body['accessToken']);
    const smuggled = await call(stack.gateway.url, '/api/v1/auth/logout', { method: 'POST', headers: { cookie: `__Host-ecar_access=${token}`, 'x-csrf-token': 'anything' }, json: {} });
    assert.equal(smuggled.status, 403, 'a mobile session has no CSRF token: its token is no use as a cookie');
    const bearer = await call(stack.gateway.url, '/api/v1/auth/logout', { method: 'POST', token, json: {} });
    assert.equal(bearer.status, 204);
  });

  it('web refresh reads the refresh cookie, rotates both cookies, and refuses the spent one', async () => {
    const session = await webLogin();
    const refreshCookie = session.cookie.split('; ').find((part) => part.startsWith('__Host-ecar_refresh='))!;
    const refreshed = await call(stack.gateway.url, '/api/v1/auth/refresh', { method: 'POST', headers: { cookie: refreshCookie }, json: {} });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body['accessToken'], undefined);
    assert.equal(refreshed.body['csrfToken'], session.csrfToken, 'the CSRF token belongs to the session and survives rotation');
    const jar = cookiesOf(refreshed);
    assert.ok(jar.get('__Host-ecar_access'));
    assert.notEqual(`__Host-ecar_refresh=${jar.get('__Host-ecar_refresh')}`, refreshCookie);
    const replay = await call(stack.gateway.url, '/api/v1/auth/refresh', { method: 'POST', headers: { cookie: refreshCookie }, json: {} });
    assert.equal(replay.status, 401);
  });
});
