import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { generate } from 'otplib';
import pg from 'pg';
import { waitFor } from '@ecar/testkit';
import { emailedEnrolmentCode, mailboxOf, newAuthenticator, nextCode, type Authenticator } from '../support/mfa.ts';
import { call, loginAsAdmin, startStack, type JsonResponse, type Stack } from '../support/stack.ts';

let stack: Stack;
let adminToken: string;
const BOSS = { email: 'nadia.jaziri@garage.tn', password: 'Carrosserie-Bizerte-9!' };
let bossId: string;
const authenticator: Authenticator = newAuthenticator(30);

const login = (client: 'web' | 'mobile' = 'mobile') => call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { ...BOSS, client } });
const mfaStep = (json: Record<string, unknown>) => call(stack.gateway.url, '/api/v1/auth/login/mfa', { method: 'POST', json });
const amrOf = (response: JsonResponse) => (jwt.decode(String(response.body['accessToken'])) as jwt.JwtPayload)['amr'] as string[];

/** The code of a given step (one step ahead is within the accepted drift). */
const codeAt = (step: number): Promise<string> => generate({ secret: authenticator.secret!, period: 30, epoch: step * 30 });

async function auditItems(type: string): Promise<Array<Record<string, unknown>>> {
  const response = await call(stack.gateway.url, `/api/v1/audit/events?type=${type}&limit=100`, { token: adminToken });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body['items'] as Array<Record<string, unknown>>;
}

describe('MFA for super-admins: TOTP, replay protection, recovery codes, reset (AUTH-7)', () => {
  before(async () => {
    // The real 30-second step: replay protection is tested as it runs in production.
    stack = await startStack('mfa', {}, { MFA_TOTP_PERIOD_SECONDS: '30' });
    adminToken = (await loginAsAdmin(stack.gateway.url)).accessToken;
    const created = await call(stack.gateway.url, '/api/v1/users', {
      method: 'POST',
      token: adminToken,
      json: { email: BOSS.email, displayName: 'Nadia Jaziri', role: 'super-admin', password: BOSS.password },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    bossId = String(created.body['id']);
  });
  after(async () => {
    await stack?.stop();
  });

  it('a super-admin without MFA gets a token that only allows enrolment, refused elsewhere by the gateway and the services', async () => {
    const first = await login();
    assert.equal(first.status, 200);
    assert.equal(first.body['status'], 'mfa_enrolment_required');
    const token = String(first.body['accessToken']);
    assert.deepEqual(amrOf(first), ['pwd']);
    for (const path of ['/api/v1/audit/events', '/api/v1/users']) {
      const response = await call(stack.gateway.url, path, { token });
      assert.equal(response.status, 403, path);
      assert.equal(response.body['type'], 'urn:ecar:problem:mfa-required', path);
    }
    assert.equal((await call(stack.audit.url, '/api/v1/audit/events', { token })).status, 403, 'audit refuses it too');
    assert.equal((await call(stack.auth.url, '/api/v1/users', { token })).status, 403, 'auth refuses it too');
    assert.equal((await call(stack.gateway.url, '/api/v1/auth/me', { token })).status, 200, 'who-am-I is allowed');

    const mailbox = mailboxOf(stack.gateway.url);
    const seen = mailbox.to(BOSS.email).length;
    const setup = await call(stack.gateway.url, '/api/v1/auth/mfa/totp/setup', { method: 'POST', token });
    assert.equal(setup.status, 200);
    const emailCode = await emailedEnrolmentCode(mailbox, BOSS.email, seen);
    assert.match(String(setup.body['otpauthUri']), /^otpauth:\/\/totp\/ECAR:nadia\.jaziri%40garage\.tn\?.*secret=/);
    assert.match(String(setup.body['qrCodeDataUrl']), /^data:image\/png;base64,iVBOR/);
    authenticator.secret = String(setup.body['secret']);
    const wrong = await call(stack.gateway.url, '/api/v1/auth/mfa/totp/verify', { method: 'POST', token, json: { code: 'abcdef', emailCode } });
    assert.equal(wrong.status, 400);
    const verify = await call(stack.gateway.url, '/api/v1/auth/mfa/totp/verify', { method: 'POST', token, json: { code: await nextCode(authenticator), emailCode } });
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    assert.deepEqual(amrOf(verify), ['pwd', 'otp']);
    authenticator.recoveryCodes = verify.body['recoveryCodes'] as string[];
    assert.equal(authenticator.recoveryCodes.length, 10);
    assert.equal((await call(stack.gateway.url, '/api/v1/audit/events', { token: String(verify.body['accessToken']) })).status, 200);

    // The secret is stored sealed (AES-256-GCM, AAD bound to the user), never in clear.
    const client = new pg.Client({ connectionString: stack.databases.auth.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ sealed: string }>(`SELECT mfa_secret_sealed AS sealed FROM users WHERE id = $1`, [bossId]);
      assert.match(rows[0]!.sealed, /^v1\.mk1\./);
      assert.ok(!rows[0]!.sealed.includes(authenticator.secret));
      const { rows: codes } = await client.query<{ hash: Buffer }>(`SELECT code_hash AS hash FROM recovery_codes WHERE user_id = $1`, [bossId]);
      assert.equal(codes.length, 10);
      assert.ok(!codes.some((row) => authenticator.recoveryCodes.some((code) => row.hash.toString('utf8').includes(code))));
    } finally {
      await client.end();
    }
  });

  it('cannot get a full token without a valid TOTP; a wrong code spends the challenge; a replayed code fails', async () => {
    const step = await login();
    assert.equal(step.body['status'], 'mfa_required');
    assert.equal(step.body['accessToken'], undefined, 'no token before the second factor');
    assert.equal(step.body['refreshToken'], undefined);
    const code = await codeAt(authenticator.lastStep + 1);
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    assert.equal((await mfaStep({ mfaToken: step.body['mfaToken'], code: wrongCode })).status, 401);
    assert.equal((await mfaStep({ mfaToken: step.body['mfaToken'], code })).status, 401, 'the challenge died with the wrong code');

    const again = await login();
    const ok = await mfaStep({ mfaToken: again.body['mfaToken'], code });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(amrOf(ok), ['pwd', 'otp']);

    const replay = await login();
    const replayed = await mfaStep({ mfaToken: replay.body['mfaToken'], code });
    assert.equal(replayed.status, 401, 'a code is accepted once: its time step is remembered');
  });

  it('a recovery code works once (web sign-in included), and its use is audited', async () => {
    const [firstCode, secondCode] = authenticator.recoveryCodes as [string, string];
    const web = await login('web');
    const viaRecovery = await mfaStep({ mfaToken: web.body['mfaToken'], recoveryCode: firstCode.toUpperCase() });
    assert.equal(viaRecovery.status, 200, JSON.stringify(viaRecovery.body));
    assert.equal(viaRecovery.body['accessToken'], undefined, 'web: tokens in cookies only');
    const accessCookie = viaRecovery.headers.getSetCookie().find((line) => line.startsWith('__Host-ecar_access='))!;
    assert.ok(accessCookie);
    const me = await call(stack.gateway.url, '/api/v1/auth/me', { headers: { cookie: accessCookie.split(';')[0]! } });
    assert.equal(me.body['mfa'], true);

    const reuse = await login();
    assert.equal((await mfaStep({ mfaToken: reuse.body['mfaToken'], recoveryCode: firstCode })).status, 401);
    const other = await login();
    assert.equal((await mfaStep({ mfaToken: other.body['mfaToken'], recoveryCode: secondCode })).status, 200);
    const used = await waitFor(async () => {
      const items = await auditItems('auth.mfa.recovery_code_used');
      return items.length >= 2 ? items : undefined;
    }, { what: 'two auth.mfa.recovery_code_used events' });
    assert.deepEqual(used.map((item) => (item['data'] as Record<string, unknown>)['remaining']).sort(), [8, 9]);
  });

  it('MFA is reset only by another super-admin; the reset ends sessions and is audited', async () => {
    const signIn = await login();
    const session = await mfaStep({ mfaToken: signIn.body['mfaToken'], recoveryCode: authenticator.recoveryCodes[2] });
    assert.equal(session.status, 200);
    const bossToken = String(session.body['accessToken']);
    const selfReset = await call(stack.gateway.url, `/api/v1/users/${bossId}/mfa/reset`, { method: 'POST', token: bossToken, json: {} });
    assert.equal(selfReset.status, 403);
    const reset = await call(stack.gateway.url, `/api/v1/users/${bossId}/mfa/reset`, { method: 'POST', token: adminToken, json: {} });
    assert.equal(reset.status, 204);
    await waitFor(async () => ((await call(stack.gateway.url, '/api/v1/audit/events?limit=1', { token: bossToken })).status === 401 ? true : undefined), {
      timeoutMs: 5_000,
      what: 'the reset to end the sessions',
    });
    assert.equal((await login()).body['status'], 'mfa_enrolment_required');
    const event = await waitFor(async () => (await auditItems('auth.mfa.reset'))[0], { what: 'auth.mfa.reset in audit' });
    assert.equal((event['subject'] as Record<string, unknown>)['id'], bossId);
    assert.equal((event['actor'] as Record<string, unknown>)['id'], (jwt.decode(adminToken) as jwt.JwtPayload).sub);
  });
});
