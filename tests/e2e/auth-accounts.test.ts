import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import argon2 from 'argon2';
import pg from 'pg';
import { waitFor } from '@ecar/testkit';
import { FakeSmtpServer, tokenInMail } from '../support/fake-smtp.ts';
import { newAuthenticator, signInWithMfa } from '../support/mfa.ts';
import { call, loginAsAdmin, startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
let smtp: FakeSmtpServer;
let adminToken: string;
const CUSTOMER = { email: 'amira.bensalah@garage.tn', displayName: 'Amira Ben Salah', password: 'Pneus-Hiver-Kef-2025!' };

async function auditItems(type: string): Promise<Array<Record<string, unknown>>> {
  const response = await call(stack.gateway.url, `/api/v1/audit/events?type=${type}&limit=100`, { token: adminToken });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body['items'] as Array<Record<string, unknown>>;
}

const errorCodes = (body: Record<string, unknown>) => (body['errors'] as Array<{ code: string }>).map((error) => error.code);

describe('accounts: policy, administration, sign-up with e-mail verification, password reset (AUTH-8, AUD-1)', () => {
  before(async () => {
    smtp = new FakeSmtpServer();
    await smtp.start();
    stack = await startStack('accounts', {}, { SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://portal.ecar.test' });
    adminToken = (await loginAsAdmin(stack.gateway.url)).accessToken;
  });
  after(async () => {
    await stack?.stop();
    await smtp?.stop();
  });

  it('refuses a weak password with every violation at once, each with a code and a message', async () => {
    const response = await call(stack.gateway.url, '/api/v1/auth/register', {
      method: 'POST',
      json: { email: CUSTOMER.email, displayName: CUSTOMER.displayName, password: 'Amira.Bensalah1!' },
    });
    assert.equal(response.status, 400);
    assert.deepEqual(errorCodes(response.body), ['password_too_similar']);
    const weak = await call(stack.gateway.url, '/api/v1/auth/register', { method: 'POST', json: { email: 'x@garage.tn', displayName: 'X', password: 'password1' } });
    assert.deepEqual(errorCodes(weak.body), ['password_no_upper', 'password_no_symbol', 'password_too_common']);
    for (const error of weak.body['errors'] as Array<{ message: string }>) assert.ok(error.message.length > 10);
  });

  it('a customer signs up, cannot sign in before verifying the e-mail, then can; the link works once', async () => {
    const signUp = await call(stack.gateway.url, '/api/v1/auth/register', { method: 'POST', json: CUSTOMER });
    assert.equal(signUp.status, 202, JSON.stringify(signUp.body));
    const mail = await waitFor(async () => smtp.to(CUSTOMER.email)[0], { what: 'the verification e-mail' });
    assert.match(mail.raw, /Subject: Confirm your ECAR account/);
    const token = tokenInMail(mail);
    const early = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: CUSTOMER.email, password: CUSTOMER.password } });
    assert.equal(early.status, 403);
    assert.equal((await call(stack.gateway.url, '/api/v1/auth/email/verify', { method: 'POST', json: { token } })).status, 204);
    assert.equal((await call(stack.gateway.url, '/api/v1/auth/email/verify', { method: 'POST', json: { token } })).status, 400, 'single use');
    const signIn = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: CUSTOMER.email, password: CUSTOMER.password } });
    assert.equal(signIn.status, 200);
    assert.equal(signIn.body['status'], 'ok');

    // Signing up again with a taken address answers the same and mails the owner a notice instead of a link.
    const again = await call(stack.gateway.url, '/api/v1/auth/register', { method: 'POST', json: { ...CUSTOMER, password: 'Autre-Chose-Tozeur-8!' } });
    assert.equal(again.status, 202);
    assert.deepEqual(again.body, signUp.body);
    const notice = await waitFor(async () => smtp.to(CUSTOMER.email)[1], { what: 'the notice to the owner' });
    assert.doesNotMatch(notice.raw, /#token=/);

    const created = await waitFor(async () => {
      const items = await auditItems('auth.user.created');
      return items.find((item) => (item['data'] as Record<string, unknown>)['role'] === 'customer');
    }, { what: 'auth.user.created for the customer' });
    const data = created['data'] as Record<string, unknown>;
    assert.ok(data['userId'], 'garage needs the user id');
    assert.equal(data['displayName'], CUSTOMER.displayName);
  });

  it('password reset: same answer for unknown e-mails, single-use hashed token, sessions end, MFA still asked', async () => {
    const session = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: CUSTOMER.email, password: CUSTOMER.password } });
    const known = await call(stack.gateway.url, '/api/v1/auth/password/reset', { method: 'POST', json: { email: CUSTOMER.email } });
    const unknown = await call(stack.gateway.url, '/api/v1/auth/password/reset', { method: 'POST', json: { email: 'personne@garage.tn' } });
    assert.equal(known.status, 202);
    assert.deepEqual(unknown.body, known.body);
    const mail = await waitFor(async () => smtp.to(CUSTOMER.email).find((message) => message.raw.includes('Reset your ECAR password')), { what: 'the reset e-mail' });
    assert.equal(smtp.to('personne@garage.tn').length, 0);
    const token = tokenInMail(mail);
    const weak = await call(stack.gateway.url, '/api/v1/auth/password/reset/confirm', { method: 'POST', json: { token, newPassword: CUSTOMER.password } });
    assert.equal(weak.status, 400);
    assert.deepEqual(errorCodes(weak.body), ['password_reused']);
    const done = await call(stack.gateway.url, '/api/v1/auth/password/reset/confirm', { method: 'POST', json: { token, newPassword: 'Courroie-Monastir-64!' } });
    assert.equal(done.status, 204, 'a refused password did not burn the link');
    assert.equal((await call(stack.gateway.url, '/api/v1/auth/password/reset/confirm', { method: 'POST', json: { token, newPassword: 'Encore-Autre-Nabeul-5!' } })).status, 400);
    assert.equal(done.body['accessToken'], undefined, 'a reset does not sign in (the second factor is not bypassed)');
    await waitFor(async () => ((await call(stack.auth.url, '/api/v1/auth/me', { token: String(session.body['accessToken']) })).status === 401 ? true : undefined), { what: 'sessions to end' });
    const signIn = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: CUSTOMER.email, password: 'Courroie-Monastir-64!' } });
    assert.equal(signIn.status, 200);

    // A super-admin with TOTP resets the password: the next sign-in still asks for the code.
    const boss = { email: 'karim.baccar@garage.tn', password: 'Amortisseur-Jerba-12!' };
    const bossCreated = await call(stack.gateway.url, '/api/v1/users', { method: 'POST', token: adminToken, json: { ...boss, displayName: 'Karim Baccar', role: 'super-admin' } });
    assert.equal(bossCreated.status, 201);
    await signInWithMfa(stack.gateway.url, boss, newAuthenticator(Number(stack.env.auth['MFA_TOTP_PERIOD_SECONDS'])));
    assert.equal((await call(stack.gateway.url, '/api/v1/auth/password/reset', { method: 'POST', json: { email: boss.email } })).status, 202);
    // Their first mail was the MFA enrolment code: the reset link is the second.
    const bossMail = await waitFor(async () => smtp.to(boss.email).find((message) => message.raw.includes('Reset your ECAR password')), { what: 'the super-admin reset e-mail' });
    const bossReset = await call(stack.gateway.url, '/api/v1/auth/password/reset/confirm', { method: 'POST', json: { token: tokenInMail(bossMail), newPassword: 'Radiateur-Sousse-71!' } });
    assert.equal(bossReset.status, 204);
    const bossSignIn = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: boss.email, password: 'Radiateur-Sousse-71!' } });
    assert.equal(bossSignIn.body['status'], 'mfa_required', 'after a reset a super-admin still needs the TOTP');
    assert.equal(bossSignIn.body['accessToken'], undefined);
  });

  it('a super-admin creates, lists, updates users (masked diff, audited) and the answers are problem+json on bad input', async () => {
    const created = await call(stack.gateway.url, '/api/v1/users', {
      method: 'POST',
      token: adminToken,
      json: { email: 'hedi.mansour@garage.tn', displayName: 'Hedi Mansour', role: 'technician', password: 'Freins-Mahdia-2026!' },
    });
    assert.equal(created.status, 201);
    const id = String(created.body['id']);
    assert.equal((await call(stack.gateway.url, '/api/v1/users', { method: 'POST', token: adminToken, json: { ...created.body } })).status, 400, 'unknown fields refused');
    const list = await call(stack.gateway.url, '/api/v1/users?role=technician&limit=10', { token: adminToken });
    assert.equal(list.status, 200);
    assert.ok((list.body['items'] as Array<{ id: string }>).some((user) => user.id === id));
    assert.equal((await call(stack.gateway.url, '/api/v1/users?limit=1000', { token: adminToken })).status, 400, 'hard maximum page size');
    assert.equal((await call(stack.gateway.url, '/api/v1/users/not-a-uuid', { token: adminToken })).status, 400);
    assert.equal((await call(stack.gateway.url, '/api/v1/users/00000000-0000-4000-8000-000000000000', { token: adminToken })).status, 404);
    const patched = await call(stack.gateway.url, `/api/v1/users/${id}`, { method: 'PATCH', token: adminToken, json: { email: 'hedi.m@garage.tn', role: 'customer' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body['role'], 'customer');
    const event = await waitFor(async () => (await auditItems('auth.user.updated')).find((item) => (item['subject'] as Record<string, unknown>)['id'] === id), { what: 'auth.user.updated' });
    const changes = event['changes'] as Record<string, [unknown, unknown]>;
    assert.deepEqual(changes['email'], ['***', '***'], 'PII masked in the diff');
    assert.deepEqual(changes['role'], ['technician', 'customer']);
    const technicianLogin = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email: 'hedi.m@garage.tn', password: 'Freins-Mahdia-2026!' } });
    const userList = await call(stack.gateway.url, '/api/v1/users', { token: String(technicianLogin.body['accessToken']) });
    assert.equal(userList.status, 403, 'users are for super-admins only');
  });

  it('a sign-in upgrades a hash made with weaker argon2 parameters (needsRehash)', async () => {
    const user = { email: 'rafik.ayari@garage.tn', password: 'Alternateur-Beja-33!' };
    const created = await call(stack.gateway.url, '/api/v1/users', { method: 'POST', token: adminToken, json: { ...user, displayName: 'Rafik Ayari', role: 'technician' } });
    assert.equal(created.status, 201);
    const client = new pg.Client({ connectionString: stack.databases.auth.url });
    await client.connect();
    try {
      const legacy = await argon2.hash(user.password, { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
      await client.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [created.body['id'], legacy]);
      const signIn = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: user });
      assert.equal(signIn.status, 200);
      const { rows } = await client.query<{ hash: string }>(`SELECT password_hash AS hash FROM users WHERE id = $1`, [created.body['id']]);
      assert.match(rows[0]!.hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    } finally {
      await client.end();
    }
  });
});
