import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe } from 'node:test';
import type { Role } from '@ecar/contracts';
import { accessMatrixTests, reach, type MatrixCase } from '../support/access-matrix.ts';
import { call, loginAsAdmin, startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
const tokens = new Map<Role, string>();

const PASSWORD = 'Vr4!matrix-Kq8#pass';

/** A fresh account (a technician) that the administration routes act on. */
interface World {
  userId: string;
}

async function createAccount(role: Role): Promise<{ id: string; email: string }> {
  const email = `${role}.${randomUUID().slice(0, 8)}@matrix.ecar.test`;
  const created = await call(stack.auth.url, '/api/v1/users', {
    method: 'POST',
    token: tokens.get('super-admin')!,
    json: { email, displayName: `Matrix ${role}`, role, password: PASSWORD },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { id: String(created.body['id']), email };
}

async function world(): Promise<World> {
  return { userId: (await createAccount('technician')).id };
}

/** Account administration is for super-admins only (AUTH-6). */
const adminOnly = (success: number) => reach(success, 'role-denied', 'role-denied');
const user = (w: World) => `/api/v1/users/${w.userId}`;

const MATRIX: Record<string, MatrixCase<World>> = {
  'GET /api/v1/users': { path: () => '/api/v1/users?limit=100', listedId: (w) => w.userId, expect: reach('listed', 'role-denied', 'role-denied') },
  'POST /api/v1/users': {
    path: () => '/api/v1/users',
    body: () => ({ email: `new.${randomUUID().slice(0, 8)}@matrix.ecar.test`, displayName: 'New account', role: 'technician', password: PASSWORD }),
    expect: adminOnly(201),
  },
  'GET /api/v1/users/:id': { path: user, expect: adminOnly(200) },
  'PATCH /api/v1/users/:id': { path: user, body: () => ({ displayName: 'Renamed account' }), expect: adminOnly(200) },
  'POST /api/v1/users/:id/disable': { path: (w) => `${user(w)}/disable`, isolated: true, expect: adminOnly(200) },
  'GET /api/v1/users/:id/sessions': { path: (w) => `${user(w)}/sessions`, expect: adminOnly(200) },
  'POST /api/v1/users/:id/sessions/revoke': { path: (w) => `${user(w)}/sessions/revoke`, expect: adminOnly(200) },
  'POST /api/v1/users/:id/mfa/reset': { path: (w) => `${user(w)}/mfa/reset`, expect: adminOnly(204) },
  'POST /api/v1/users/:id/unlock': { path: (w) => `${user(w)}/unlock`, expect: adminOnly(200) },
  'GET /api/v1/users/sign-in-locks': { path: () => '/api/v1/users/sign-in-locks', expect: adminOnly(200) },
  // No lock on this documentation address: the super-admin gets 404, the others never get that far.
  'POST /api/v1/users/sign-in-locks/unlock': { path: () => '/api/v1/users/sign-in-locks/unlock', body: () => ({ ip: '192.0.2.1' }), expect: adminOnly(404) },
};

/**
 * The access matrix (AUTH-4, AUTH-6) over auth's signed-in administration routes, with real
 * sessions (the super-admin's has passed MFA): no token, each role, mass assignment and malformed
 * input. auth's other routes are public by design (sign-in, sign-up, reset, JWKS) or act on the
 * caller's own session; tests/e2e/auth-*.test.ts cover them.
 */
describe('auth: access matrix over the account administration routes', () => {
  before(async () => {
    stack = await startStack('authacl');
    tokens.set('super-admin', (await loginAsAdmin(stack.gateway.url)).accessToken);
    for (const role of ['technician', 'customer'] as const) {
      const account = await createAccount(role);
      const login = await call(stack.auth.url, '/api/v1/auth/login', { method: 'POST', json: { email: account.email, password: PASSWORD, client: 'mobile' } });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      tokens.set(role, String(login.body['accessToken']));
    }
  });
  after(async () => {
    await stack?.stop();
  });

  accessMatrixTests(
    {
      routes: () => stack.auth.routes.filter((route) => route.path.startsWith('/api/v1/users')),
      urls: () => [stack.auth.url],
      world,
      token: (role) => tokens.get(role)!,
      sequential: true,
    },
    MATRIX,
  );
});
