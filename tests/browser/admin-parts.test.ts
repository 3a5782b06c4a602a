import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, signInAsAdmin } from '../support/browser.ts';
import { createCustomer, startWebStack, type WebStack } from '../support/web-stack.ts';

/**
 * Issue 14 in Chromium: the back office's parts catalogue (EAN-13 refused at the field), a part's
 * receipt and adjustment (reason required) moving its stock and ledger, the low-stock list, a
 * purchase order received into stock, a canned job built from the catalogue and applied to a
 * work order in one step; every new screen in
 * Arabic at 360 px without overflow and accessible.
 */

let stack: WebStack;
let browser: Browser;
let workOrderId: string;
const SHOTS = process.env['ECAR_SCREENSHOTS_DIR'];

async function openScreen(page: Page, path: string): Promise<void> {
  await page.goto(`${stack.url}/admin/${path}`);
  await page.waitForSelector('main h1');
  await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(selector: string): unknown } }).document.querySelector('main .mantine-Loader-root'));
  await page.mouse.move(0, 0);
}

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

describe('back office parts, stock and canned jobs in Chromium (issue 14)', () => {
  before(async () => {
    stack = await startWebStack('webparts');
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
    const customer = await createCustomer(stack, 'Sami Trabelsi');
    const vehicle = await stack.api('/api/v1/vehicles', { method: 'POST', json: { customerId: customer.customerId, plate: '245 TU 1200', make: 'Renault', model: 'Clio', year: 2018, mileageKm: 120000 } });
    assert.equal(vehicle.status, 201);
    const order = await stack.api('/api/v1/work-orders', { method: 'POST', json: { customerId: customer.customerId, vehicleId: vehicle.body['id'], complaint: 'Vidange et plaquettes' } });
    assert.equal(order.status, 201);
    workOrderId = String(order.body['id']);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('creates a part, receives and adjusts its stock, lists it as low, builds a canned job with it and applies it to a work order', async () => {
    const watched = await openPage(browser, stack, { language: 'en' });
    const { page } = watched;
    await signInAsAdmin(page, stack);
    await openScreen(page, 'parts');
    await page.click('[data-testid=part-new]');
    const form = page.locator('[data-testid=part-form]');
    await form.getByLabel('Reference').fill('OC-90');
    await form.getByLabel('Brand').fill('Mahle');
    await form.getByLabel('Description').fill('Filtre à huile');
    await form.getByLabel('Purchase price excl. VAT (TND)').fill('8,2');
    await form.getByLabel('Selling price excl. VAT (TND)').fill('14,5');
    await form.getByLabel('Reorder point').fill('10');
    await form.getByLabel('EAN-13 barcode').fill('4006381333932');
    await page.click('[data-testid=part-save]');
    await page.waitForSelector('[data-testid=part-form] [aria-invalid=true]');
    assert.match((await form.textContent()) ?? '', /EAN-13/, 'a wrong check digit is refused at the field');
    await form.getByLabel('EAN-13 barcode').fill('4006381333931');
    await page.click('[data-testid=part-save]');
    await page.waitForURL(/\/admin\/parts\/[0-9a-f-]{36}$/);
    const partId = page.url().split('/').pop()!;
    await page.waitForSelector('[data-testid=levels]');

    const movement = page.locator('[data-testid=movement-form]');
    await movement.getByLabel('Quantity').fill('5');
    await page.click('[data-testid=movement-save]');
    await page.waitForSelector('[data-testid=on-hand]:has-text("5")');
    await movement.getByLabel('Movement').selectOption('adjustment');
    await movement.getByLabel('Quantity').fill('-2');
    await page.click('[data-testid=movement-save]');
    await page.waitForSelector('[data-testid=movement-form] [aria-invalid=true]');
    await movement.getByLabel('Reason').fill('Inventaire : deux filtres abîmés');
    await page.click('[data-testid=movement-save]');
    await page.waitForSelector('[data-testid=on-hand]:has-text("3")');
    await movement.getByLabel('Quantity').fill('-4');
    await movement.getByLabel('Reason').fill('Erreur de saisie');
    await page.click('[data-testid=movement-save]');
    await page.waitForSelector('[data-testid=movement-form] [role=alert]:has-text("Not enough stock")');
    await page.waitForSelector('[data-testid=ledger] [data-kind=adjustment]');
    assert.equal(await page.locator('[data-testid=ledger] tbody tr').count(), 2);
    await shot(page, 'part-en-desktop');
    await assertAccessible(page, 'part detail');

    await openScreen(page, 'stock/low');
    await page.waitForSelector(`[data-testid=low-part][href$="/parts/${partId}"]`);
    await openScreen(page, 'parts');
    await page.getByLabel('Search (reference, barcode, brand, description)').fill('4006381333931');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForSelector('[data-testid=part-link]:has-text("OC-90")');
    assert.equal(await page.locator('[data-testid=part-link]').count(), 1);


    await openScreen(page, 'purchase-orders');
    await page.locator('[data-testid=supplier-form]').getByLabel('Supplier name').fill('Auto Pièces Sfax');
    await page.click('[data-testid=supplier-save]');
    await page.waitForSelector('[data-testid=po-form]');
    const draft = page.locator('[data-testid=po-form]');
    await draft.getByLabel('Find a part to add').fill('OC-90');
    await draft.locator('[data-testid=part-search]').click();
    await draft.locator('[data-testid=part-pick]').click();
    await draft.getByLabel('Quantity').fill('12');
    await page.click('[data-testid=po-save]');
    await page.click('[data-po-action=order]');
    // A partial delivery first (5 of 12), through the receipt form; then the rest in one click.
    const receipt = page.locator('[data-testid=receipt-form]');
    await receipt.getByLabel('Quantity received').fill('5');
    await page.click('[data-testid=receipt-save]');
    await page.waitForSelector('[data-status=partially_received]');
    await page.waitForSelector('[data-testid=receipt-line]:has-text("5 / 12")');
    await shot(page, 'purchase-orders-partial-en-desktop');
    await page.click('[data-po-action=receive]');
    await page.waitForSelector('[data-status=received]');
    await shot(page, 'purchase-orders-en-desktop');
    await openScreen(page, `parts/${partId}`);
    await page.waitForSelector('[data-testid=on-hand]:has-text("15")');
    await page.waitForSelector('[data-testid=ledger] [data-kind=receipt]:has-text("Receipt")');
    await page.waitForSelector('[data-testid=average-cost]:has-text("Weighted average cost")');
    await openScreen(page, 'canned-jobs');
    await page.click('[data-testid=canned-new]');
    await page.waitForSelector('[data-testid=canned-form]');
    const job = page.locator('[data-testid=canned-form]');
    await job.locator('input[name=name]').fill('Vidange Clio');
    await job.getByLabel('Vehicle make (optional)').fill('Renault');
    await job.getByLabel('Labour (hours)').fill('0,5');
    await job.getByLabel('Hourly rate excl. VAT (TND)').fill('40');
    await job.getByLabel('Find a part to add').fill('OC-90');
    await page.click('[data-testid=part-search]');
    await page.click('[data-testid=part-pick]');
    await page.waitForSelector('[data-testid=canned-part-row]:has-text("Mahle OC-90")');
    // 0.5 h × 40 + 1 × 14.5 = 34.5 TND
    await page.waitForSelector('[data-testid=canned-total]:has-text("34,500")');
    await page.click('[data-testid=canned-save]');
    await page.waitForURL(/\/admin\/canned-jobs\/[0-9a-f-]{36}$/);
    await page.waitForSelector('[data-testid=canned-part-row]');
    await shot(page, 'canned-job-en-desktop');

    await openScreen(page, `work-orders/${workOrderId}`);
    await page.waitForSelector('[data-testid=canned-choose] option:has-text("Vidange Clio")', { state: 'attached' });
    await page.click('[data-testid=canned-apply]');
    await page.waitForSelector('[data-testid=apply-canned] [data-state=action-done]');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(selector: string): { length: number } } }).document.querySelectorAll('[data-testid=line-row]').length === 2);
    const rows = await page.locator('[data-testid=line-row]').allTextContents();
    assert.match(rows[0]!, /Vidange Clio/);
    assert.match(rows[1]!, /Mahle OC-90/);
    await page.waitForSelector('[data-testid=totals]:has-text("34,500")');
    await shot(page, 'work-order-canned-en-desktop');
    await watched.assertClean();
    await watched.close();
  });

  it('the new screens in Arabic at 360 px: right to left, no horizontal overflow, accessible', async () => {
    // Its own data, so this test does not depend on the journey above.
    const part = await stack.api('/api/v1/parts', { method: 'POST', json: { reference: 'GDB1330', brand: 'TRW', description: 'Plaquettes de frein avant', purchasePriceMillimes: 31_000, sellingPriceMillimes: 52_000, vatRateBp: 1900, reorderPointMilli: 4000 } });
    assert.equal(part.status, 201, JSON.stringify(part.body));
    const partId = String(part.body['id']);
    assert.equal((await stack.api(`/api/v1/parts/${partId}/movements`, { method: 'POST', json: { kind: 'receipt', quantityMilli: 2000 } })).status, 201);
    // An order partly received, so the receipt form, the partly received status and the ledger's costs are on screen.
    const supplier = await stack.api('/api/v1/suppliers', { method: 'POST', json: { name: 'Tunis Auto Distribution' } });
    const order = await stack.api('/api/v1/purchase-orders', { method: 'POST', json: { supplierId: supplier.body['id'], lines: [{ partId, quantityMilli: 4000, unitCostMillimes: 33_000 }] } });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal((await stack.api(`/api/v1/purchase-orders/${String(order.body['id'])}/order`, { method: 'POST', json: {} })).status, 200);
    const partial = await stack.api(`/api/v1/purchase-orders/${String(order.body['id'])}/receipts`, { method: 'POST', json: { receiptId: randomUUID(), lines: [{ position: 0, quantityMilli: 1000 }] } });
    assert.equal(partial.status, 200, JSON.stringify(partial.body));
    const job = await stack.api('/api/v1/canned-jobs', { method: 'POST', json: { name: 'Plaquettes avant', make: 'Renault', labourHoursMilli: 1000, labourRateMillimes: 40_000, parts: [{ partId, quantityMilli: 1000 }] } });
    assert.equal(job.status, 201, JSON.stringify(job.body));
    const jobId = String(job.body['id']);
    const watched = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    await signInAsAdmin(watched.page, stack);
    assert.equal(await watched.page.getAttribute('html', 'dir'), 'rtl');
    for (const [name, path] of [
      ['parts', 'parts'],
      ['part', `parts/${partId}`],
      ['low-stock', 'stock/low'],
      ['canned-jobs', 'canned-jobs'],
      ['canned-job', `canned-jobs/${jobId}`],
      ['purchase-orders', 'purchase-orders'],
      ['work-order', `work-orders/${workOrderId}`],
    ] as const) {
      await openScreen(watched.page, path);
      await shot(watched.page, `${name}-ar-phone`);
      await assertNoHorizontalOverflow(watched.page, `${name} (ar, 360 px)`);
      await assertAccessible(watched.page, `${name} (ar)`);
    }
    await watched.assertClean();
    await watched.close();
  });
});
