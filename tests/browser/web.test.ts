import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { assertAccessible, launchChromium, openPage, signInAsAdmin, signInOnApp, submitCredentials } from '../support/browser.ts';
import { emailedEnrolmentCode, mailboxOf, newAuthenticator, nextCode } from '../support/mfa.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, WEB_TOTP_PERIOD_SECONDS, createAccount, createCustomer, startWebStack, type Account, type WebStack } from '../support/web-stack.ts';

const SHOTS = process.env['ECAR_SCREENSHOTS_DIR'];

const XSS_NAME = '<img src=x onerror="window.__xss=1">Amira';

let stack: WebStack;
let browser: Browser;
let customer: Account;

describe('web app shells in Chromium (AUTH-5, AUTH-7, APP-3, APP-4, RES-3)', () => {
  before(async () => {
    stack = await startWebStack('webshell');
    customer = await createCustomer(stack, XSS_NAME);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('serves both shells with a strict CSP, index.html uncached and hashed assets cached for good', async () => {
    for (const path of ['/admin/', '/app/', '/app/some/client/route']) {
      const response = await fetch(`${stack.url}${path}`);
      assert.equal(response.status, 200, path);
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      const html = await response.text();
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or handler attributes');
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      assert.ok(asset, 'the entry script is a hashed file');
      const script = await fetch(`${stack.url}${asset}`);
      assert.equal(script.status, 200);
      assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      // Precompressed at build time: brotli for browsers that take it, the same bytes once decoded.
      const plain = await (await fetch(`${stack.url}${asset}`, { headers: { 'accept-encoding': 'identity' } })).text();
      const brotli = await fetch(`${stack.url}${asset}`, { headers: { 'accept-encoding': 'gzip, br' } });
      assert.equal(brotli.headers.get('content-encoding'), 'br');
      assert.equal(brotli.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(await brotli.text(), plain);
    }
    assert.equal((await fetch(`${stack.url}/assets/missing-0000.js`)).status, 404);
    const root = await fetch(`${stack.url}/`, { redirect: 'manual' });
    assert.equal(root.headers.get('location'), '/app/');
  });

  it('the first load: every script comes from a link in the page, and a signed-out visitor fetches the sign-in translations but no screen module', async () => {
    const html = await (await fetch(`${stack.url}/app/`)).text();
    const named = new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]));
    assert.ok([...named].some((path) => /^\/assets\/shell-[\w-]+\.js$/.test(path ?? '')), 'the shell chunk is preloaded from the page');
    const watched = await openPage(browser, stack, { viewport: 'phone' });
    const scripts: string[] = [];
    watched.page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.push(new URL(response.url()).pathname);
    });
    await watched.page.goto(`${stack.url}/app/`);
    await watched.page.locator('form[data-step=credentials]').waitFor();
    const later = scripts.filter((path) => !named.has(path));
    assert.deepEqual(
      later.map((path) => path.replace(/-[\w-]+\.js$/, '')),
      ['/assets/signup'],
      `scripts not preloaded from the page: ${later.join(', ')}`,
    );
    await watched.assertClean();
    await watched.close();
  });

  it('a super-admin signs in with password and TOTP on /admin/, sees the back office, and the page stays same-origin and CSP-clean', async () => {
    const watched = await openPage(browser, stack);
    await signInAsAdmin(watched.page, stack);
    assert.match((await watched.page.textContent('[data-testid=who]')) ?? '', /Super-administrateur/);
    const cookies = await watched.context.cookies();
    const access = cookies.find((cookie) => cookie.name === '__Host-ecar_access');
    assert.ok(access?.httpOnly && access.secure && access.sameSite === 'Strict', JSON.stringify(access));
    await assertAccessible(watched.page, 'admin dashboard');
    await watched.assertClean();
    await watched.close();
  });

  it('a new super-admin enrols TOTP with a QR code drawn in the browser, keeps the recovery codes, and signs in with one later', async () => {
    const second = await createAccount(stack, 'super-admin', 'Leila Admin');
    const watched = await openPage(browser, stack);
    const { page } = watched;
    await page.goto(`${stack.url}/admin/`);
    const mailbox = mailboxOf(stack.url);
    const seen = mailbox.to(second.email).length;
    await submitCredentials(page, second.email, second.password);
    const enrol = page.locator('form[data-step=enrol]');
    const qr = enrol.getByRole('img', { name: "QR code à scanner avec l'application d'authentification" });
    await qr.waitFor();
    assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,/, 'the QR code is drawn locally');
    const secret = (await enrol.getByTestId('totp-secret').textContent()) ?? '';
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    const phone = { ...newAuthenticator(WEB_TOTP_PERIOD_SECONDS), secret };
    // The password alone does not enrol (issue 12 finding 9): the one-time code e-mailed by setup is needed too.
    assert.match((await enrol.getByTestId('enrol-email-sent').textContent()) ?? '', /envoyé à votre adresse e-mail \(valable 10 minutes\)/);
    await enrol.locator('input[name=code]').fill(await nextCode(phone));
    await enrol.locator('button[type=submit]').click();
    assert.equal(await enrol.getByLabel('Code à 8 chiffres reçu par e-mail').getAttribute('aria-invalid'), 'true', 'refused without the e-mailed code');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/admin-mfa-enrolment.fr.png`, fullPage: true });
    await enrol.getByLabel('Code à 8 chiffres reçu par e-mail').fill(await emailedEnrolmentCode(mailbox, second.email, seen));
    await enrol.locator('input[name=code]').fill(await nextCode(phone));
    await enrol.locator('button[type=submit]').click();
    await page.getByTestId('recovery-codes').locator('li').first().waitFor();
    const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
    assert.ok(codes.length >= 8, `recovery codes: ${codes.join(', ')}`);
    await page.getByRole('button', { name: "J'ai noté mes codes" }).click();
    assert.equal(await page.textContent('[data-testid=who]'), 'Leila Admin · Super-administrateur');
    await assertAccessible(page, 'admin after enrolment');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await submitCredentials(page, second.email, second.password);
    await page.getByRole('button', { name: 'Utiliser un code de secours' }).click();
    const recovery = page.locator('form[data-step=mfa-recovery]');
    await recovery.locator('input[name=recoveryCode]').fill(codes[0]!);
    await recovery.locator('button[type=submit]').click();
    assert.equal(await page.textContent('[data-testid=who]'), 'Leila Admin · Super-administrateur');
    await watched.assertClean();
    await watched.close();
  });

  it('a super-admin signing in on the public shell is sent to /admin/', async () => {
    const watched = await openPage(browser, stack);
    await watched.page.goto(`${stack.url}/app/`);
    await submitCredentials(watched.page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await watched.page.waitForSelector('form[data-step=mfa]');
    await watched.close();
    const signedIn = await openPage(browser, stack);
    await signInAsAdmin(signedIn.page, stack);
    await signedIn.page.goto(`${stack.url}/app/`);
    await signedIn.page.waitForURL(`${stack.url}/admin/`);
    await signedIn.page.waitForSelector('[data-testid=who]');
    await signedIn.assertClean();
    await signedIn.close();
  });

  it('a customer sees only their sections, a hostile name as text, the server refuses hidden routes and cookie requests without the CSRF header', async () => {
    const watched = await openPage(browser, stack, { viewport: 'phone' });
    const { page } = watched;
    await signInOnApp(page, stack, customer);
    assert.equal(await page.textContent('[data-testid=who]'), `${XSS_NAME} · Client`);
    assert.equal(await page.$('[data-testid=who] img'), null);
    assert.match((await page.textContent('main h1')) ?? '', /Amira/);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined, 'the hostile display name did not run');
    const adminEntry = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
    assert.equal(adminEntry, 403, 'the back end refuses what the front end hides (AUTH-5/AUTH-6)');
    const forged = await page.evaluate(async () => (await fetch('/api/v1/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    assert.equal(forged, 403, 'a cookie-authenticated state change without the CSRF token is refused (APP-4)');
    // The admin shell is not for customers: they are sent back to /app/.
    await page.goto(`${stack.url}/admin/`);
    await page.waitForURL(`${stack.url}/app/`);
    await page.waitForSelector('[data-testid=who]');
    await assertAccessible(page, 'customer home');
    // Signing out goes through the CSRF-protected logout and drops the session and cached data.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForSelector('form[data-step=credentials]');
    assert.equal(await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status), 401);
    assert.equal(await page.$('[data-testid=who]'), null);
    await watched.assertClean();
    await watched.close();
  });

  it('a technician signs in on /app/ and never sees back-office sections', async () => {
    const technician = await createAccount(stack, 'technician', 'Sami Technicien');
    const watched = await openPage(browser, stack, { viewport: 'tablet' });
    await signInOnApp(watched.page, stack, technician);
    assert.equal(await watched.page.textContent('[data-testid=who]'), 'Sami Technicien · Technicien');
    assert.equal(await watched.page.evaluate(async () => (await fetch('/api/v1/audit/events')).status), 403);
    await watched.assertClean();
    await watched.close();
  });

  it('a wrong password is refused at the form without revealing which part was wrong', async () => {
    const watched = await openPage(browser, stack);
    await watched.page.goto(`${stack.url}/app/`);
    await submitCredentials(watched.page, customer.email, 'not-the-password');
    await watched.page.getByRole('alert').filter({ hasText: 'E-mail ou mot de passe incorrect.' }).waitFor();
    await watched.assertClean();
    await watched.close();
  });
});
