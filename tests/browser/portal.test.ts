import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { nextCode } from '../support/mfa.ts';
import { adminAuthenticator, call, loginAsAdmin, startStack, ADMIN_EMAIL, ADMIN_PASSWORD, type Stack } from '../support/stack.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const XSS_NAME = '<img src=x onerror="window.__xss=1">Amira';
const CUSTOMER = { email: 'amira@client.test', password: 'Cl1ent!-Portal-Pass', displayName: XSS_NAME, role: 'customer' };

let stack: Stack;
let browser: Browser;

/** Every request the page makes, to prove it loads nothing from elsewhere (RES-3). */
function recordOrigins(page: Page): Set<string> {
  const origins = new Set<string>();
  page.on('request', (request) => origins.add(new URL(request.url()).origin));
  return origins;
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${stack.gateway.url}/admin/`);
  await page.fill('#login-form input[name=email]', email);
  await page.fill('#login-form input[name=password]', password);
  await page.click('#login-form button[type=submit]');
}

async function sectionLabels(page: Page): Promise<string[]> {
  await page.waitForSelector('#nav button');
  return page.$$eval('#nav button', (buttons) => buttons.map((button) => button.textContent ?? ''));
}

describe('admin portal in Chromium (AUTH-5, APP-3, APP-4, RES-3)', () => {
  before(async () => {
    stack = await startStack('portal');
    const { accessToken } = await loginAsAdmin(stack.gateway.url);
    const created = await call(stack.gateway.url, '/api/v1/users', { method: 'POST', token: accessToken, json: CUSTOMER });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('serves the portal with a strict CSP and no third-party resources', async () => {
    const response = await fetch(`${stack.gateway.url}/admin/`);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    assert.match(csp, /frame-ancestors 'none'/);
    const html = await response.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i, 'no inline style or handler attributes');
  });

  it('a super-admin signs in with password and TOTP, sees every section, and the page stays same-origin', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const origins = recordOrigins(page);
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.waitForSelector('#mfa-form:not([hidden])');
    await page.fill('#mfa-form input[name=code]', await nextCode(adminAuthenticator(stack.gateway.url)!));
    await page.click('#mfa-form button[type=submit]');
    const labels = await sectionLabels(page);
    for (const label of ['Utilisateurs', "Journal d'audit", 'Sauvegardes', 'Clients']) assert.ok(labels.includes(label), `${label} in ${labels.join(', ')}`);
    await page.click('#nav button[data-section=users]');
    await page.waitForSelector(`#view-table td:text("${CUSTOMER.email}")`);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined, 'the hostile display name did not run');
    const cookies = await context.cookies();
    const access = cookies.find((cookie) => cookie.name === '__Host-ecar_access');
    assert.ok(access?.httpOnly && access.secure && access.sameSite === 'Strict', JSON.stringify(access));
    assert.deepEqual([...origins], [stack.gateway.url]);
    await context.close();
  });

  it('a customer sees only their sections, the server refuses the rest, and a hostile name is shown as text', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, CUSTOMER.email, CUSTOMER.password);
    const labels = await sectionLabels(page);
    assert.ok(labels.includes('Factures'));
    for (const hidden of ['Utilisateurs', "Journal d'audit", 'Sauvegardes', 'Alertes', 'Clients']) assert.ok(!labels.includes(hidden), `${hidden} hidden`);
    assert.equal(await page.textContent('#who'), `${XSS_NAME} · customer`);
    assert.equal(await page.$('#who img'), null);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined);
    const status = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
    assert.equal(status, 403, 'the back end refuses what the front end hides');
    const forged = await page.evaluate(async () => (await fetch('/api/v1/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    assert.equal(forged, 403, 'a cookie-authenticated state change without the CSRF token is refused');
    // Logging out reloads the page: wait for that navigation before looking at the new page.
    await Promise.all([page.waitForNavigation(), page.click('#logout')]);
    await page.waitForSelector('#login-form:not([hidden])');
    assert.equal(await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status), 401);
    await context.close();
  });
});
