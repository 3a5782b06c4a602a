import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@ecar/testkit';
import { FakeSmtpServer, tokenInMail, type CaughtMail } from '../support/fake-smtp.ts';
import { call, loginAsAdmin, startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
let smtp: FakeSmtpServer;

const post = (path: string, json: Record<string, unknown>) => call(stack.gateway.url, path, { method: 'POST', json });
const signIn = (email: string, password: string) => post('/api/v1/auth/login', { email, password });
const hasLink = (mail: CaughtMail): boolean => {
  try {
    return tokenInMail(mail).length > 0;
  } catch {
    return false;
  }
};
const links = (email: string, subject: RegExp): CaughtMail[] => smtp.to(email).filter((mail) => subject.test(mail.raw) && hasLink(mail));
const VERIFY = /Subject: Confirm your ECAR account/;
const RESET = /Subject: Reset your ECAR password/;

/** Issue 12 finding 6: sign-up squatting, reset links, re-send, per-address mail limit. */
describe('sign-up and reset hardening (issue 12, finding 6)', () => {
  before(async () => {
    smtp = new FakeSmtpServer();
    await smtp.start();
    stack = await startStack('signup6', {}, { SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://portal.ecar.test', MAIL_PER_ADDRESS_PER_HOUR: '3', UNVERIFIED_ACCOUNT_TTL_SECONDS: '10' });
  });
  after(async () => {
    await stack?.stop();
    await smtp?.stop();
  });

  it('an attacker who registers the address first cannot lock the owner out: re-registering sends a link that sets the owner\'s password', async () => {
    const email = 'squat.owner@garage.tn';
    const attacker = await post('/api/v1/auth/register', { email, displayName: 'Attacker', password: 'Squatteur-Gafsa-19!' });
    assert.equal(attacker.status, 202);
    await waitFor(async () => links(email, VERIFY)[0], { what: 'the first verification e-mail' });
    const owner = await post('/api/v1/auth/register', { email, displayName: 'Owner', password: 'Vrai-Proprio-Bizerte-7!' });
    assert.equal(owner.status, 202);
    assert.deepEqual(owner.body, attacker.body, 'the same answer');
    const second = await waitFor(async () => links(email, VERIFY)[1], { what: 'a second verification e-mail, not a notice' });
    assert.equal((await post('/api/v1/auth/email/verify', { token: tokenInMail(second) })).status, 204);
    assert.equal((await signIn(email, 'Vrai-Proprio-Bizerte-7!')).status, 200, 'the owner signs in with the password of the link followed');
    assert.equal((await signIn(email, 'Squatteur-Gafsa-19!')).status, 401, 'the squatter\'s password no longer works');
    assert.equal((await post('/api/v1/auth/email/verify', { token: tokenInMail(links(email, VERIFY)[0]!) })).status, 400, 'the other link died with the verification');
  });

  it("once the owner registers again, the squatter's older link stops working; the owner's re-sent link and the earlier one of the same registration work", async () => {
    const email = 'older.link@garage.tn';
    assert.equal((await post('/api/v1/auth/register', { email, displayName: 'Attacker', password: 'Squatteur-Tozeur-28!' })).status, 202);
    const squatters = await waitFor(async () => links(email, VERIFY)[0], { what: "the squatter's verification e-mail" });
    assert.equal((await post('/api/v1/auth/register', { email, displayName: 'Owner', password: 'Vrai-Proprio-Nabeul-5!' })).status, 202);
    const owners = await waitFor(async () => links(email, VERIFY)[1], { what: "the owner's verification e-mail" });
    assert.equal((await post('/api/v1/auth/email/verify/resend', { email })).status, 202);
    await waitFor(async () => links(email, VERIFY)[2], { what: 'the re-sent verification e-mail' });
    const older = await post('/api/v1/auth/email/verify', { token: tokenInMail(squatters) });
    assert.equal(older.status, 400, "the squatter's link no longer verifies the address with the squatter's password");
    assert.equal((await post('/api/v1/auth/email/verify', { token: tokenInMail(owners) })).status, 204, "the owner's link still works after the re-send");
    assert.equal((await signIn(email, 'Vrai-Proprio-Nabeul-5!')).status, 200);
    assert.equal((await signIn(email, 'Squatteur-Tozeur-28!')).status, 401);
  });

  it('a completed reset verifies the address; a second request does not kill the first link; using one voids all', async () => {
    const email = 'reset.verifies@garage.tn';
    assert.equal((await post('/api/v1/auth/register', { email, displayName: 'Rania', password: 'Premier-Mot-Sfax-31!' })).status, 202);
    await waitFor(async () => links(email, VERIFY)[0], { what: 'the verification e-mail' });
    assert.equal((await post('/api/v1/auth/password/reset', { email })).status, 202);
    const first = await waitFor(async () => links(email, RESET)[0], { what: 'the first reset e-mail' });
    assert.equal((await post('/api/v1/auth/password/reset', { email })).status, 202);
    const second = await waitFor(async () => links(email, RESET)[1], { what: 'the second reset e-mail' });
    const done = await post('/api/v1/auth/password/reset/confirm', { token: tokenInMail(first), newPassword: 'Nouveau-Mot-Kairouan-42!' });
    assert.equal(done.status, 204, `the earlier link still works: ${JSON.stringify(done.body)}`);
    const late = await post('/api/v1/auth/password/reset/confirm', { token: tokenInMail(second), newPassword: 'Encore-Autre-Djerba-58!' });
    assert.equal(late.status, 400, 'using one link voids the others');
    const signedIn = await signIn(email, 'Nouveau-Mot-Kairouan-42!');
    assert.equal(signedIn.status, 200, `the reset proved the mailbox, the address is verified: ${JSON.stringify(signedIn.body)}`);
  });

  it('the verification e-mail can be re-sent, with the same answer for any address', async () => {
    const email = 'resend.me@garage.tn';
    assert.equal((await post('/api/v1/auth/register', { email, displayName: 'Sami', password: 'Renvoi-Lien-Mahdia-23!' })).status, 202);
    await waitFor(async () => links(email, VERIFY)[0], { what: 'the verification e-mail' });
    const known = await post('/api/v1/auth/email/verify/resend', { email });
    const unknown = await post('/api/v1/auth/email/verify/resend', { email: 'personne.resend@garage.tn' });
    assert.equal(known.status, 202, JSON.stringify(known.body));
    assert.deepEqual(unknown.body, known.body);
    const again = await waitFor(async () => links(email, VERIFY)[1], { what: 'the re-sent verification e-mail' });
    assert.equal((await post('/api/v1/auth/email/verify', { token: tokenInMail(again) })).status, 204);
    assert.equal((await signIn(email, 'Renvoi-Lien-Mahdia-23!')).status, 200);
    assert.equal((await post('/api/v1/auth/email/verify/resend', { email: 'not-an-address' })).status, 400);
  });

  it('an unconfirmed sign-up expires: its link stops working and the next registration starts it over', async () => {
    const email = 'lapsed.squat@garage.tn';
    assert.equal((await post('/api/v1/auth/register', { email, displayName: 'Squatter', password: 'Vieux-Squat-Zarzis-13!' })).status, 202);
    const stale = await waitFor(async () => links(email, VERIFY)[0], { what: 'the first verification e-mail' });
    await sleep(10_500);
    assert.equal((await post('/api/v1/auth/email/verify', { token: tokenInMail(stale) })).status, 400, 'the link of an expired sign-up fails');
    assert.equal((await post('/api/v1/auth/register', { email, displayName: 'Owner', password: 'Nouveau-Depart-Tataouine-4!' })).status, 202);
    const fresh = await waitFor(async () => links(email, VERIFY)[1], { what: 'the link of the new sign-up' });
    assert.equal((await post('/api/v1/auth/email/verify', { token: tokenInMail(fresh) })).status, 204);
    assert.equal((await signIn(email, 'Nouveau-Depart-Tataouine-4!')).status, 200);
    assert.equal((await signIn(email, 'Vieux-Squat-Zarzis-13!')).status, 401);
  });

  it('at most 3 account e-mails per address per hour, the answer unchanged', async () => {
    const email = 'flooded@garage.tn';
    assert.equal((await post('/api/v1/auth/register', { email, displayName: 'Flood', password: 'Inonde-Boite-Tabarka-6!' })).status, 202);
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await post('/api/v1/auth/password/reset', { email }));
    for (const answer of answers) assert.deepEqual([answer.status, answer.body], [answers[0]!.status, answers[0]!.body]);
    await waitFor(async () => smtp.to(email).length >= 3 || undefined, { what: 'three e-mails' });
    await sleep(1500);
    assert.equal(smtp.to(email).length, 3, 'the fourth and later e-mails within the hour are not sent');
    const adminToken = (await loginAsAdmin(stack.gateway.url)).accessToken;
    for (const type of ['auth.account_mail.limited', 'auth.email.verification_sent']) {
      await waitFor(async () => {
        const response = await call(stack.gateway.url, `/api/v1/audit/events?type=${type}&limit=100`, { token: adminToken });
        return (response.body['items'] as unknown[] | undefined)?.length ? true : undefined;
      }, { what: `${type} in the audit log` });
    }
  });
});
