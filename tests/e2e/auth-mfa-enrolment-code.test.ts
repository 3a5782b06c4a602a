import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { FakeSmtpServer } from '../support/fake-smtp.ts';
import { emailedEnrolmentCode, newAuthenticator, nextCode } from '../support/mfa.ts';
import { call, loginAsAdmin, startStack, type Stack } from '../support/stack.ts';

/*
 * Finding 9 of issue 12: TOTP enrolment needed only the password, so whoever knew the password
 * of a super-admin who had not enrolled yet could enrol an authenticator of their own. Now setup
 * e-mails a one-time code to the account's verified address, and enrolment completes only with
 * that code and a code of the new authenticator; the e-mailed code expires, is single-use, a new
 * setup voids the older one, and wrong codes are capped (MFA_ENROLMENT_CODE_ATTEMPTS).
 */

let stack: Stack;
let smtp: FakeSmtpServer;
let adminToken: string;
const ATTEMPTS = 3;

async function newSuperAdmin(email: string): Promise<{ id: string; token: string }> {
  const password = 'Enrolment-Gabes-2026!';
  const created = await call(stack.gateway.url, '/api/v1/users', { method: 'POST', token: adminToken, json: { email, displayName: 'Sami Trabelsi', role: 'super-admin', password } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const login = await call(stack.gateway.url, '/api/v1/auth/login', { method: 'POST', json: { email, password, client: 'mobile' } });
  assert.equal(login.body['status'], 'mfa_enrolment_required');
  return { id: String(created.body['id']), token: String(login.body['accessToken']) };
}

async function setup(email: string, token: string): Promise<{ secret: string; emailCode: string }> {
  const seen = smtp.to(email).length;
  const response = await call(stack.gateway.url, '/api/v1/auth/mfa/totp/setup', { method: 'POST', token });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body['emailCodeExpiresIn'], 600);
  return { secret: String(response.body['secret']), emailCode: await emailedEnrolmentCode(smtp, email, seen) };
}

const verify = (token: string, json: Record<string, unknown>) => call(stack.gateway.url, '/api/v1/auth/mfa/totp/verify', { method: 'POST', token, json });

async function authQuery(sql: string, values: unknown[]): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: stack.databases.auth.url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

/** Another digit string than `code`, of the same shape. */
const otherThan = (code: string) => String((Number(code) + 1) % 100_000_000).padStart(8, '0');

describe('TOTP enrolment needs the code e-mailed to the account (issue 12, finding 9)', () => {
  before(async () => {
    smtp = new FakeSmtpServer();
    await smtp.start();
    stack = await startStack('mfaoob', {}, { SMTP_URL: smtp.url, MFA_ENROLMENT_CODE_ATTEMPTS: String(ATTEMPTS), MAIL_PER_ADDRESS_PER_HOUR: '20' });
    adminToken = (await loginAsAdmin(stack.gateway.url)).accessToken;
  });
  after(async () => {
    await stack?.stop();
    await smtp?.stop();
  });

  it('the password and a TOTP code alone do not enrol; with the e-mailed code they do, once', async () => {
    const email = 'sami.trabelsi@garage.tn';
    const { id, token } = await newSuperAdmin(email);
    const authenticator = newAuthenticator(1);
    const started = await setup(email, token);
    authenticator.secret = started.secret;
    assert.match(smtp.to(email).at(-1)!.raw, /Subject: Your ECAR code to set up two-step sign-in/);

    const without = await verify(token, { code: await nextCode(authenticator) });
    assert.equal(without.status, 400, 'the e-mailed code is required');
    const wrong = await verify(token, { code: await nextCode(authenticator), emailCode: otherThan(started.emailCode) });
    assert.equal(wrong.status, 400);
    assert.equal((wrong.body['errors'] as Array<{ path: string }>)[0]?.path, 'emailCode');

    const done = await verify(token, { code: await nextCode(authenticator), emailCode: started.emailCode });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal((done.body['recoveryCodes'] as string[]).length, 10);
    assert.deepEqual(await authQuery(`SELECT 1 FROM mfa_enrolment_codes WHERE user_id = $1`, [id]), [], 'the code is spent');
  });

  it('a new setup voids the older code; the code is stored hashed; it expires', async () => {
    const email = 'leila.hammami@garage.tn';
    const { id, token } = await newSuperAdmin(email);
    const authenticator = newAuthenticator(1);
    const first = await setup(email, token);
    const second = await setup(email, token);
    authenticator.secret = second.secret;
    const [row] = await authQuery(`SELECT code_hash FROM mfa_enrolment_codes WHERE user_id = $1`, [id]);
    assert.ok(row && !(row['code_hash'] as Buffer).toString('latin1').includes(second.emailCode), 'never in clear');
    if (first.emailCode !== second.emailCode) {
      assert.equal((await verify(token, { code: await nextCode(authenticator), emailCode: first.emailCode })).status, 400, 'the older code no longer works');
    }

    await authQuery(`UPDATE mfa_enrolment_codes SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [id]);
    const expired = await verify(token, { code: await nextCode(authenticator), emailCode: second.emailCode });
    assert.equal(expired.status, 400);
    assert.match(String(expired.body['detail']), /expired/);
    assert.equal((await verify(token, { code: await nextCode(authenticator), emailCode: second.emailCode })).status, 400, 'an expired code is gone');
  });

  it(`after ${ATTEMPTS} wrong e-mailed codes the code is void, even the right one`, async () => {
    const email = 'mehdi.gharbi@garage.tn';
    const { token } = await newSuperAdmin(email);
    const authenticator = newAuthenticator(1);
    const started = await setup(email, token);
    authenticator.secret = started.secret;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const response = await verify(token, { code: await nextCode(authenticator), emailCode: otherThan(started.emailCode) });
      assert.equal(response.status, 400);
      if (attempt === ATTEMPTS) assert.match(String(response.body['detail']), /Too many wrong/);
    }
    const right = await verify(token, { code: await nextCode(authenticator), emailCode: started.emailCode });
    assert.equal(right.status, 400, 'the right code no longer works once the attempts are spent');

    // Starting again sends a new code that works.
    const again = await setup(email, token);
    authenticator.secret = again.secret;
    assert.equal((await verify(token, { code: await nextCode(authenticator), emailCode: again.emailCode })).status, 200);
  });
});
