import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, signInAsAdmin } from '../support/browser.ts';
import { HOSTILE_NAME, seedBackOffice, type AdminScreen } from '../support/admin-seed.ts';
import { startWebStack, type WebStack } from '../support/web-stack.ts';

let stack: WebStack;
let browser: Browser;
let screens: AdminScreen[];
let customerId: string;

/** Opens a screen and waits until it shows its data (no loader left in the main area). */
async function openScreen(page: Page, path: string): Promise<void> {
  await page.goto(`${stack.url}/admin/${path}`);
  await page.waitForSelector('main h1');
  await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(selector: string): unknown } }).document.querySelector('main .mantine-Loader-root'));
  await page.mouse.move(0, 0);
}

/** The audit log is fed over the broker: reopen the screen until the row is there. */
async function untilRow(page: Page, path: string, text: string, kind?: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await openScreen(page, path);
    if (kind) {
      // Reads are logged too and fill the newest page: narrow the log to one kind of action.
      await page.getByLabel('Kind').selectOption(kind);
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(selector: string): unknown } }).document.querySelector('main .mantine-Loader-root'));
    }
    if ((await page.locator(`[data-testid=audit-row]:has-text("${text}")`).count()) > 0) return;
    assert.ok(Date.now() < deadline, `no audit row "${text}" on ${path}`);
    await page.waitForTimeout(500);
  }
}

describe('back office screens in Chromium: accessible, French and Arabic RTL without overflow, hostile names as text (APP-3, AUTH-5)', () => {
  before(async () => {
    stack = await startWebStack('webadminscreens');
    ({ screens, customerId } = await seedBackOffice(stack));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('every screen in French at 1280 px: 0 serious or critical axe violations, hostile names shown as text, CSP-clean', async () => {
    const watched = await openPage(browser, stack);
    await signInAsAdmin(watched.page, stack);
    for (const screen of screens) {
      await openScreen(watched.page, screen.path);
      await assertAccessible(watched.page, screen.name);
    }
    await openScreen(watched.page, screens[1]!.path);
    assert.equal(await watched.page.textContent('[data-testid=customer-name]'), HOSTILE_NAME);
    assert.equal(await watched.page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined);
    await watched.assertClean();
    await watched.close();
  });

  it('every screen in Arabic at 360 px: dir="rtl", no horizontal overflow, accessible', async () => {
    const watched = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    await signInAsAdmin(watched.page, stack);
    assert.equal(await watched.page.getAttribute('html', 'dir'), 'rtl');
    for (const screen of screens) {
      await openScreen(watched.page, screen.path);
      await assertNoHorizontalOverflow(watched.page, `${screen.name} (ar, 360 px)`);
      await assertAccessible(watched.page, `${screen.name} (ar)`);
    }
    await watched.assertClean();
    await watched.close();
  });

  it('the audit log reads in words and the chain verifies; the customer access log names the reader', async () => {
    const watched = await openPage(browser, stack, { language: 'en' });
    await signInAsAdmin(watched.page, stack);
    await openScreen(watched.page, 'audit');
    await watched.page.click('[data-testid=audit-verify]');
    await watched.page.waitForSelector('[data-testid=audit-verified][data-valid=true]');
    await untilRow(watched.page, 'audit', 'admin@ecar.test created customer', 'create');
    const text = (await watched.page.textContent('main')) ?? '';
    assert.doesNotMatch(text, /[{}]"/, 'no JSON in the log');
    await untilRow(watched.page, `audit?access=${encodeURIComponent(`customer:${customerId}`)}`, 'admin@ecar.test read personal data of');
    await watched.assertClean();
    await watched.close();
  });
});
