import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, signInAsAdmin } from '../support/browser.ts';
import { call } from '../support/stack.ts';
import { startWebStack, type WebStack } from '../support/web-stack.ts';

const SHOTS = process.env['ECAR_SCREENSHOTS_DIR'];

let stack: WebStack;
let browser: Browser;

/** Failed sign-ins from `ip` on e-mails of nobody until the address itself is locked. */
async function lockAddress(ip: string): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    const response = await call(stack.url, '/api/v1/auth/login', { method: 'POST', json: { email: `guess.${i}@example.tn`, password: 'Not-The-Password-1!' }, headers: { 'x-forwarded-for': ip } });
    assert.equal(response.status, 401);
  }
}

/*
 * The users screen lists the per-IP sign-in locks tied to no account and lifts one (issue 12,
 * finding 1 follow-up: every lock liftable by an admin), in French and in Arabic.
 */
describe('back office: blocked IP addresses on the users screen', () => {
  before(async () => {
    stack = await startWebStack('webiplocks', {
      // Behind one proxy (nginx): X-Forwarded-For names the client.
      gateway: { TRUST_PROXY_HOPS: '1' },
      auth: { LOGIN_THROTTLE_FREE_FAILURES: '10', LOGIN_LOCK_AFTER: '10', LOGIN_IP_LOCK_AFTER: '3', LOGIN_LOCK_SECONDS: '900' },
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('a super-admin sees the locked address and unblocks it; the address can sign in again', async () => {
    await lockAddress('198.51.100.23');
    const watched = await openPage(browser, stack);
    const { page } = watched;
    await signInAsAdmin(page, stack);
    await page.goto(`${stack.url}/admin/users`);
    const section = page.getByRole('region', { name: 'Adresses IP bloquées' });
    const row = section.getByTestId('ip-lock-row').filter({ hasText: '198.51.100.23' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /3/);
    await assertAccessible(page, 'users screen with a blocked address');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/admin-ip-locks.fr.png`, fullPage: true });
    await row.getByRole('button', { name: "Débloquer l'adresse" }).click();
    await row.getByRole('button', { name: 'Confirmer' }).click();
    await section.getByText('Aucune adresse bloquée.').waitFor();
    const after = await call(stack.url, '/api/v1/users/sign-in-locks', { token: await stack.adminToken() });
    assert.deepEqual(after.body['items'], []);
    await watched.assertClean();
    await watched.close();
  });

  it('in Arabic at 360 px: right to left, no horizontal overflow, accessible', async () => {
    await lockAddress('2001:db8::42');
    const watched = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    const { page } = watched;
    await signInAsAdmin(page, stack);
    await page.goto(`${stack.url}/admin/users`);
    await page.getByRole('region', { name: 'عناوين IP المحظورة' }).getByTestId('ip-lock-row').filter({ hasText: '2001:db8::42' }).waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    await assertNoHorizontalOverflow(page, 'users screen (ar, 360 px)');
    await assertAccessible(page, 'users screen (ar)');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/admin-ip-locks.phone.ar.png`, fullPage: true });
    await watched.assertClean();
    await watched.close();
  });
});
