import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminPage, assertAccessible, assertNoHorizontalOverflow, browserSuite, openAdminScreen, screenshot } from '../support/browser.ts';
import { createVehicle, openWorkOrder } from '../support/self-fixtures.ts';
import { createCustomer } from '../support/web-stack.ts';

/**
 * Issue 14 in Chromium: the back office's parts catalogue (EAN-13 refused at the field), a part's
 * receipt and adjustment (reason required) moving its stock and ledger, the low-stock list, a
 * purchase order received into stock, a canned job built from the catalogue and applied to a
 * work order in one step; every new screen in
 * Arabic at 360 px without overflow and accessible.
 */

let workOrderId: string;

const suite = browserSuite('webparts', async (stack) => {
  const customer = await createCustomer(stack, 'Sami Trabelsi');
  const vehicle = await createVehicle(stack, customer.customerId, 'Renault', 'Clio');
  workOrderId = await openWorkOrder(stack, { customerId: customer.customerId, vehicleId: vehicle.id, complaint: 'Vidange et plaquettes' });
});

describe('back office parts, stock and canned jobs in Chromium (issue 14)', () => {
  it('creates a part, receives and adjusts its stock, lists it as low, builds a canned job with it and applies it to a work order', async () => {
    const watched = await adminPage(suite, { language: 'en' });
    const { page } = watched;
    await openAdminScreen(page, suite.stack, 'parts');
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
    await screenshot(page, 'part-en-desktop');
    await assertAccessible(page, 'part detail');

    await openAdminScreen(page, suite.stack, 'stock/low');
    await page.waitForSelector(`[data-testid=low-part][href$="/parts/${partId}"]`);
    await openAdminScreen(page, suite.stack, 'parts');
    await page.getByLabel('Search (reference, barcode, brand, description)').fill('4006381333931');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForSelector('[data-testid=part-link]:has-text("OC-90")');
    assert.equal(await page.locator('[data-testid=part-link]').count(), 1);

    await openAdminScreen(page, suite.stack, 'purchase-orders');
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
    await screenshot(page, 'purchase-orders-partial-en-desktop');
    await page.click('[data-po-action=receive]');
    await page.waitForSelector('[data-status=received]');
    await screenshot(page, 'purchase-orders-en-desktop');
    await openAdminScreen(page, suite.stack, `parts/${partId}`);
    await page.waitForSelector('[data-testid=on-hand]:has-text("15")');
    await page.waitForSelector('[data-testid=ledger] [data-kind=receipt]:has-text("Receipt")');
    await page.waitForSelector('[data-testid=average-cost]:has-text("Weighted average cost")');
    await openAdminScreen(page, suite.stack, 'canned-jobs');
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
    await screenshot(page, 'canned-job-en-desktop');

    await openAdminScreen(page, suite.stack, `work-orders/${workOrderId}`);
    await page.waitForSelector('[data-testid=canned-choose] option:has-text("Vidange Clio")', { state: 'attached' });
    await page.click('[data-testid=canned-apply]');
    await page.waitForSelector('[data-testid=apply-canned] [data-state=action-done]');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(selector: string): { length: number } } }).document.querySelectorAll('[data-testid=line-row]').length === 2);
    const rows = await page.locator('[data-testid=line-row]').allTextContents();
    assert.match(rows[0]!, /Vidange Clio/);
    assert.match(rows[1]!, /Mahle OC-90/);
    await page.waitForSelector('[data-testid=totals]:has-text("34,500")');
    await screenshot(page, 'work-order-canned-en-desktop');
    await watched.assertClean();
    await watched.close();
  });

  it('the new screens in Arabic at 360 px: right to left, no horizontal overflow, accessible', async () => {
    // Its own data, so this test does not depend on the journey above.
    const part = await suite.stack.api('/api/v1/parts', { method: 'POST', json: { reference: 'GDB1330', brand: 'TRW', description: 'Plaquettes de frein avant', purchasePriceMillimes: 31_000, sellingPriceMillimes: 52_000, vatRateBp: 1900, reorderPointMilli: 4000 } });
    assert.equal(part.status, 201, JSON.stringify(part.body));
    const partId = String(part.body['id']);
    assert.equal((await suite.stack.api(`/api/v1/parts/${partId}/movements`, { method: 'POST', json: { kind: 'receipt', quantityMilli: 2000 } })).status, 201);
    // An order partly received, so the receipt form, the partly received status and the ledger's costs are on screen.
    const supplier = await suite.stack.api('/api/v1/suppliers', { method: 'POST', json: { name: 'Tunis Auto Distribution' } });
    const order = await suite.stack.api('/api/v1/purchase-orders', { method: 'POST', json: { supplierId: supplier.body['id'], lines: [{ partId, quantityMilli: 4000, unitCostMillimes: 33_000 }] } });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal((await suite.stack.api(`/api/v1/purchase-orders/${String(order.body['id'])}/order`, { method: 'POST', json: {} })).status, 200);
    const partial = await suite.stack.api(`/api/v1/purchase-orders/${String(order.body['id'])}/receipts`, { method: 'POST', json: { receiptId: randomUUID(), lines: [{ position: 0, quantityMilli: 1000 }] } });
    assert.equal(partial.status, 200, JSON.stringify(partial.body));
    const job = await suite.stack.api('/api/v1/canned-jobs', { method: 'POST', json: { name: 'Plaquettes avant', make: 'Renault', labourHoursMilli: 1000, labourRateMillimes: 40_000, parts: [{ partId, quantityMilli: 1000 }] } });
    assert.equal(job.status, 201, JSON.stringify(job.body));
    const jobId = String(job.body['id']);
    const watched = await adminPage(suite, { viewport: 'phone', language: 'ar' });
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
      await openAdminScreen(watched.page, suite.stack, path);
      await screenshot(watched.page, `${name}-ar-phone`);
      await assertNoHorizontalOverflow(watched.page, `${name} (ar, 360 px)`);
      await assertAccessible(watched.page, `${name} (ar)`);
    }
    await watched.assertClean();
    await watched.close();
  });
});
