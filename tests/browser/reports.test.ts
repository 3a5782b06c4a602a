import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, setViewport, signInAsAdmin } from '../support/browser.ts';
import { until } from '../support/web-fixtures.ts';
import { createCustomer, startWebStack, type WebStack } from '../support/web-stack.ts';

const SHOTS = process.env['ECAR_SCREENSHOTS_DIR'];
const NBSP = '\u00a0';

let stack: WebStack;
let browser: Browser;

async function openReports(page: Page): Promise<void> {
  await page.goto(`${stack.url}/admin/reports`);
  await page.getByTestId('revenue-table').waitFor();
  await page.getByTestId('work-orders-table').waitFor();
}

/**
 * The Reports screen and the dashboard's key figures over one issued invoice of this month
 * (2 × 617,280 TND at 19 % + the 1,000 TND stamp = 1 470,126 TND: billing's own totals) and one
 * open work order (garage's event, through the broker, into billing's read model).
 */
describe('reports screen and dashboard key figures in Chromium', () => {
  before(async () => {
    stack = await startWebStack('webreports');
    const customer = await createCustomer(stack, 'Amira Ben Salah');
    const vehicle = await stack.api('/api/v1/vehicles', { method: 'POST', json: { customerId: customer.customerId, plate: '123 TU 4567', make: 'Peugeot', model: '208', year: 2019, mileageKm: 84000 } });
    assert.equal(vehicle.status, 201, JSON.stringify(vehicle.body));
    const order = await stack.api('/api/v1/work-orders', { method: 'POST', json: { customerId: customer.customerId, vehicleId: vehicle.body['id'], complaint: 'Bruit au freinage' } });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    const invoice = await stack.api('/api/v1/invoices', {
      method: 'POST',
      json: { buyer: { name: 'Société Carthage Auto', kind: 'company', taxId: '1234567A/B/M/000' }, lines: [{ kind: 'part', description: 'Plaquettes', quantityMilli: 2000, unitPriceMillimes: 617_280, vatRateBp: 1900 }] },
    });
    assert.equal(invoice.status, 201, JSON.stringify(invoice.body));
    assert.equal((await stack.api(`/api/v1/invoices/${String(invoice.body['id'])}/issue`, { method: 'POST' })).status, 200);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Tunis' }).format(new Date());
    await until('the work order in the read model', async () => {
      const report = await stack.api(`/api/v1/reports?from=${today}&to=${today}`);
      return (report.body['workOrders'] as { total: number } | undefined)?.total === 1 ? true : undefined;
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the figures of the month, exports CSV, XLSX and PDF; the dashboard shows the key figures', async () => {
    const watched = await openPage(browser, stack);
    const { page } = watched;
    await signInAsAdmin(page, stack);
    const figures = page.getByTestId('key-figures');
    await figures.getByTestId('figure-revenue').getByText(`1${NBSP}470,126${NBSP}TND`).waitFor();
    assert.match((await figures.getByTestId('figure-vat').textContent()) ?? '', new RegExp(`234,566${NBSP}TND`));
    assert.match((await figures.getByTestId('figure-unpaid').textContent()) ?? '', new RegExp(`1${NBSP}470,126${NBSP}TND`));
    assert.match((await figures.getByTestId('figure-open-work-orders').textContent()) ?? '', /1$/);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/dashboard-key-figures.png`, fullPage: true });

    await openReports(page);
    const total = page.getByTestId('revenue-table').locator('tr[data-total]');
    assert.match((await total.textContent()) ?? '', new RegExp(`1${NBSP}234,560${NBSP}TND.*234,566${NBSP}TND.*1,000${NBSP}TND.*1${NBSP}470,126${NBSP}TND`));
    assert.match((await page.getByTestId('vat-table').textContent()) ?? '', new RegExp(`19${NBSP}%1${NBSP}234,560${NBSP}TND234,566${NBSP}TND`));
    assert.match((await page.getByTestId('ageing-table').textContent()) ?? '', new RegExp(`0–30 jours11${NBSP}470,126${NBSP}TND`));
    assert.match((await page.getByTestId('work-orders-table').textContent()) ?? '', /Ouvert1100/);
    await assertAccessible(page, 'reports (fr, 1280 px)');
    // The read model's state and its rebuild (garage replays its work-order history): the button, then the finished rebuild.
    assert.match((await page.getByTestId('read-model-since').textContent()) ?? '', /Ordres de réparation connus : 1 ; pointages : 0 ; depuis le /);
    await page.getByTestId('read-model-rebuild').click();
    await page.locator('[data-testid="read-model-replay"][data-finished]').waitFor({ timeout: 60_000 });
    assert.match((await page.getByTestId('read-model-replay').textContent()) ?? '', /Dernière reconstruction terminée le .* \(ordres de réparation reçus : 1\)/);
    assert.match((await page.getByTestId('work-orders-table').textContent()) ?? '', /Ouvert1100/, 'the rebuild counts the work order once');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/reports-fr-desktop.png`, fullPage: true });

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    assert.match(csv.suggestedFilename(), /^rapport_\d{4}-\d{2}-01_\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile((await csv.path())!, 'utf8');
    assert.ok(text.includes('Total;1;0;1 234,560 TND;234,566 TND;1,000 TND;1 470,126 TND'), text.slice(0, 600));
    for (const format of ['xlsx', 'pdf'] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${format}`).click()]);
      assert.ok(download.suggestedFilename().endsWith(`.${format}`));
      const bytes = await readFile((await download.path())!);
      assert.equal(bytes.subarray(0, 4).toString('latin1'), format === 'pdf' ? '%PDF' : 'PK\u0003\u0004');
    }

    // A period that ends before it starts is refused on the screen, without a request.
    await page.getByTestId('report-to').fill('2000-01-01');
    await page.getByRole('alert').getByText('Choisissez une date de début').waitFor();
    assert.equal(await page.getByTestId('export-csv').isDisabled(), true);

    for (const viewport of ['tablet', 'phone'] as const) {
      await setViewport(page, viewport);
      await openReports(page);
      await assertNoHorizontalOverflow(page, `reports (fr, ${viewport})`);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/reports-fr-${viewport}.png`, fullPage: true });
    }
    await watched.assertClean();
    await watched.close();
  });

  it('in Arabic at 360 px and in English: right to left, no overflow, accessible', async () => {
    const arabic = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    await signInAsAdmin(arabic.page, stack);
    await openReports(arabic.page);
    assert.equal(await arabic.page.getAttribute('html', 'dir'), 'rtl');
    await arabic.page.getByRole('heading', { name: 'الأداء على القيمة المضافة المحصل حسب النسبة والشهر' }).waitFor();
    await assertNoHorizontalOverflow(arabic.page, 'reports (ar, 360 px)');
    await assertAccessible(arabic.page, 'reports (ar)');
    if (SHOTS) await arabic.page.screenshot({ path: `${SHOTS}/reports-ar-phone.png`, fullPage: true });
    await arabic.assertClean();
    await arabic.close();

    const english = await openPage(browser, stack, { language: 'en' });
    await signInAsAdmin(english.page, stack);
    await openReports(english.page);
    await english.page.getByRole('heading', { name: 'VAT collected per rate per month' }).waitFor();
    await assertAccessible(english.page, 'reports (en)');
    await english.assertClean();
    await english.close();
  });
});
