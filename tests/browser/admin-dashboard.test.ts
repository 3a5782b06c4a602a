import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { nextCode } from '../support/mfa.ts';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, setViewport, signInAsAdmin } from '../support/browser.ts';
import { seedGarageDay, until } from '../support/web-fixtures.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, adminAuthenticator, startWebStack, type WebStack } from '../support/web-stack.ts';

let stack: WebStack;
let browser: Browser;
let todaySlot: string | undefined;

const NBSP = '\u00a0';

async function openDashboard(page: Page): Promise<void> {
  await page.getByTestId('work-order-board').getByText('Climatisation faible').waitFor();
  await page.getByTestId('last-drill').locator('.mantine-Badge-root').waitFor();
  await page.getByTestId('unpaid-invoices').getByTestId('balance').waitFor();
}

describe('admin dashboard in Chromium', () => {
  before(async () => {
    stack = await startWebStack('webdash');
    ({ todaySlot } = await seedGarageDay(stack));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("shows today's appointments, the work-order board, unpaid invoices, open alerts and the last backup and drill", async () => {
    const watched = await openPage(browser, stack);
    const { page } = watched;
    await signInAsAdmin(page, stack);
    await openDashboard(page);
    const appointments = page.getByTestId('today-appointments');
    if (todaySlot) {
      await appointments.getByRole('cell', { name: 'Amira Ben Salah' }).waitFor();
      const time = new Intl.DateTimeFormat('fr-TN', { timeZone: 'Africa/Tunis', timeStyle: 'short', hourCycle: 'h23' }).format(new Date(todaySlot));
      await appointments.getByRole('cell', { name: time }).waitFor();
      await appointments.getByRole('cell', { name: 'Vidange et filtres' }).waitFor();
    } else {
      await appointments.getByText("Aucun rendez-vous aujourd'hui.").waitFor();
    }
    const board = page.getByTestId('work-order-board');
    assert.match((await board.locator('[data-status=open]').textContent()) ?? '', /Bruit au freinage/);
    assert.match((await board.locator('[data-status=estimate_sent]').textContent()) ?? '', /Climatisation faible/);
    assert.match((await board.locator('[data-status=in_progress]').textContent()) ?? '', /Aucun/);
    // The hostile complaint is shown as text, never run.
    assert.ok(((await board.locator('[data-status=open]').textContent()) ?? '').includes('<script>'));
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined);
    // 2 × 617,280 TND + 19 % VAT + the 1,000 TND stamp = 1 470,126 TND (billing's own totals).
    const invoices = page.getByTestId('unpaid-invoices');
    assert.match((await invoices.textContent()) ?? '', /Société Carthage Auto/);
    assert.equal(await invoices.getByTestId('balance').textContent(), `1${NBSP}470,126${NBSP}TND`);
    assert.match((await page.getByTestId('open-alerts').textContent()) ?? '', /Avertissement|Critique/);
    assert.match((await page.getByTestId('last-backup').textContent()) ?? '', /Réussie/);
    assert.match((await page.getByTestId('last-drill').textContent()) ?? '', /Réussie/);
    await assertAccessible(page, 'dashboard (fr, 1280 px)');
    for (const viewport of ['phone', 'tablet'] as const) {
      await setViewport(page, viewport);
      await assertNoHorizontalOverflow(page, `dashboard (fr, ${viewport})`);
    }
    await watched.assertClean();
    await watched.close();
  });

  it('in Arabic the document is right-to-left, fully translated, and fits 360 px without sideways scrolling', async () => {
    const watched = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    const { page } = watched;
    await signInAsAdmin(page, stack);
    await openDashboard(page);
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.equal(await page.getAttribute('html', 'lang'), 'ar');
    assert.equal(await page.textContent('main h1'), 'لوحة القيادة');
    assert.match((await page.getByTestId('last-drill').textContent()) ?? '', /ناجحة/);
    // Right-to-left for real: the header's start (the brand) sits on the right.
    const brand = await page.locator('header a').first().boundingBox();
    assert.ok(brand && brand.x > 180, `brand at x=${brand?.x}`);
    await assertNoHorizontalOverflow(page, 'dashboard (ar, 360 px)');
    await assertAccessible(page, 'dashboard (ar, 360 px)');
    // The language can be changed back from the header; the direction follows.
    await page.getByLabel('اللغة').selectOption('fr');
    await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
    await watched.assertClean();
    await watched.close();
  });

  it('a super-admin signs in with the keyboard alone', async () => {
    const watched = await openPage(browser, stack);
    const { page } = watched;
    await page.goto(`${stack.url}/admin/`);
    await page.locator('form[data-step=credentials]').waitFor();
    // Tab from the top of the page: language, e-mail, password (and its visibility toggle), submit.
    const focusedName = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('name') ?? null);
    for (let presses = 0; presses < 6 && (await focusedName()) !== 'email'; presses += 1) await page.keyboard.press('Tab');
    assert.equal(await focusedName(), 'email', 'the e-mail field is reached with Tab');
    await page.keyboard.type(ADMIN_EMAIL);
    await page.keyboard.press('Tab');
    assert.equal(await focusedName(), 'password');
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('form[data-step=mfa] input[name=code]').waitFor();
    // The TOTP field takes the focus by itself.
    await until('focus on the code field', async () => ((await focusedName()) === 'code' ? true : undefined), 5_000);
    await page.keyboard.type(await nextCode(adminAuthenticator(stack.url)!));
    await page.keyboard.press('Enter');
    await page.getByTestId('who').waitFor();
    await openDashboard(page);
    await watched.assertClean();
    await watched.close();
  });

  it('an expired access token is refreshed silently; a dead session asks to sign in again over the page, which stays as it was', async () => {
    const watched = await openPage(browser, stack);
    const { page, context } = watched;
    await signInAsAdmin(page, stack);
    await openDashboard(page);
    // A marker on the live page: it survives only if the page is never reloaded.
    await page.evaluate(() => ((globalThis as unknown as { __marker?: string }).__marker = 'same page'));
    const marker = () => page.evaluate(() => (globalThis as unknown as { __marker?: string }).__marker);

    await context.clearCookies({ name: '__Host-ecar_access' });
    const refreshed = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/refresh') && response.status() === 200);
    await page.getByRole('button', { name: 'Actualiser' }).click();
    await refreshed;
    await openDashboard(page);
    assert.ok((await context.cookies()).some((cookie) => cookie.name === '__Host-ecar_access'), 'a new access cookie');
    assert.equal(await page.getByRole('dialog').count(), 0, 'no sign-in dialog for a refreshable session');

    await context.clearCookies();
    await page.getByRole('button', { name: 'Actualiser' }).click();
    const dialog = page.getByRole('dialog', { name: 'Session expirée' });
    await dialog.waitFor();
    await dialog.locator('input[name=email]').fill(ADMIN_EMAIL);
    await dialog.locator('input[name=password]').fill(ADMIN_PASSWORD);
    await dialog.locator('form[data-step=credentials] button[type=submit]').click();
    await dialog.locator('input[name=code]').fill(await nextCode(adminAuthenticator(stack.url)!));
    await dialog.locator('form[data-step=mfa] button[type=submit]').click();
    await dialog.waitFor({ state: 'detached' });
    await openDashboard(page);
    assert.equal(await marker(), 'same page', 'the page was not reloaded: nothing on it was lost');
    await watched.assertClean();
    await watched.close();
  });
});
