import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { nextCode } from '../support/mfa.ts';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, setViewport, signInAsAdmin } from '../support/browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, adminAuthenticator, createCustomer, startWebStack, type CustomerAccount, type WebStack } from '../support/web-stack.ts';

let stack: WebStack;
let browser: Browser;
let customer: CustomerAccount;
/** The next 30-minute slot still in today's Tunis calendar day, if there is one. */
let todaySlot: string | undefined;

const NBSP = '\u00a0';
const HOSTILE_COMPLAINT = '<script>window.__xss=1</script>Bruit au freinage';

async function expectCreated(response: Promise<{ status: number; body: Record<string, unknown> }>, status = 201): Promise<Record<string, unknown>> {
  const result = await response;
  assert.equal(result.status, status, JSON.stringify(result.body));
  return result.body;
}

function tunisDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Tunis' }).format(at);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Seeds one of each thing the dashboard shows, through the API as the garage would. */
async function seed(): Promise<void> {
  customer = await createCustomer(stack, 'Amira Ben Salah');
  const vehicle = await expectCreated(
    stack.api('/api/v1/vehicles', { method: 'POST', json: { customerId: customer.customerId, plate: '123 TU 4567', make: 'Peugeot', model: '208', year: 2019, mileageKm: 84000 } }),
  );
  const slot = new Date(Math.ceil((Date.now() + 60_000) / 1_800_000) * 1_800_000);
  if (tunisDay(slot) === tunisDay(new Date())) {
    todaySlot = slot.toISOString();
    await expectCreated(stack.api('/api/v1/appointments', { method: 'POST', json: { customerId: customer.customerId, vehicleId: vehicle['id'], slotStart: todaySlot, note: 'Vidange et filtres' } }));
  }
  await expectCreated(stack.api('/api/v1/work-orders', { method: 'POST', json: { customerId: customer.customerId, vehicleId: vehicle['id'], complaint: HOSTILE_COMPLAINT } }));
  const estimate = await expectCreated(stack.api('/api/v1/work-orders', { method: 'POST', json: { customerId: customer.customerId, vehicleId: vehicle['id'], complaint: 'Climatisation faible' } }));
  await expectCreated(
    stack.api(`/api/v1/work-orders/${String(estimate['id'])}/lines`, { method: 'POST', json: { kind: 'labour', description: 'Recharge climatisation', quantityMilli: 1000, unitPriceMillimes: 90_000 } }),
  );
  await expectCreated(stack.api(`/api/v1/work-orders/${String(estimate['id'])}/status`, { method: 'POST', json: { status: 'estimate_sent' } }), 200);
  const invoice = await expectCreated(
    stack.api('/api/v1/invoices', {
      method: 'POST',
      json: { buyer: { name: 'Société Carthage Auto', kind: 'company', taxId: '1234567A/B/M/000' }, lines: [{ kind: 'part', description: 'Plaquettes', quantityMilli: 2000, unitPriceMillimes: 617_280, vatRateBp: 1900 }] },
    }),
  );
  await expectCreated(stack.api(`/api/v1/invoices/${String(invoice['id'])}/issue`, { method: 'POST' }), 200);
  // Five failed sign-ins of one account: the audit service's anomaly rule raises an alert.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await stack.api('/api/v1/auth/login', { method: 'POST', json: { email: customer.email, password: 'wrong-password-1', client: 'mobile' }, token: '' });
  }
  await until('an open alert', async () => {
    const alerts = await stack.api('/api/v1/audit/alerts?status=open');
    return Array.isArray(alerts.body['items']) && alerts.body['items'].length > 0 ? true : undefined;
  });
  const backup = await expectCreated(stack.api('/api/v1/backups', { method: 'POST' }), 202);
  await until('the backup', async () => {
    const run = await stack.api(`/api/v1/backups/${String(backup['id'])}`);
    if (run.body['status'] === 'failed') throw new Error(`backup failed: ${JSON.stringify(run.body)}`);
    return run.body['status'] === 'succeeded' ? true : undefined;
  }, 60_000);
  // The service drills after its first backup by itself; run one by hand only if it did not.
  const drilled = await stack.backup.jobs.drill();
  if (drilled) assert.equal(drilled.ok, true, JSON.stringify(drilled));
  const drill = await until('the restore drill', async () => {
    const drills = await stack.api('/api/v1/backups/drills?limit=1');
    const last = (drills.body['items'] as Array<{ status: string }> | undefined)?.[0];
    return last && last.status !== 'running' ? last : undefined;
  }, 60_000);
  assert.equal(drill.status, 'succeeded', JSON.stringify(drill));
}

async function openDashboard(page: Page): Promise<void> {
  await page.getByTestId('work-order-board').getByText('Climatisation faible').waitFor();
  await page.getByTestId('last-drill').locator('.mantine-Badge-root').waitFor();
  await page.getByTestId('unpaid-invoices').getByTestId('balance').waitFor();
}

describe('admin dashboard in Chromium', () => {
  before(async () => {
    stack = await startWebStack('webdash');
    await seed();
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
