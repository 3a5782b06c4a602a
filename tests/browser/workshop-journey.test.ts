import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, signInAsAdmin, signInOnApp } from '../support/browser.ts';
import { createVehicle, eventually, openWorkOrder, workOrder } from '../support/self-fixtures.ts';
import { createCustomer, createTechnician, startWebStack, type WebStack } from '../support/web-stack.ts';

/**
 * Issue 14, the workshop journey in Chromium: the admin builds an estimate from a canned job and
 * sends it; the customer approves 3 of its 4 lines on a 360 px phone (the approved parts are
 * reserved, the pads short: none in stock); the technician starts and marks "waiting for parts";
 * the admin receives the purchase order (the pads go to the job waiting for them); the technician
 * resumes and completes (the reserved parts are consumed); the invoice holds exactly the 3
 * approved lines and the parts' ledgers show the consumption and the reservation used. CSP- and
 * axe-clean on every screen.
 */

let stack: WebStack;
let browser: Browser;
const SHOTS = process.env['ECAR_SCREENSHOTS_DIR'];

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function clean(page: Page, label: string): Promise<void> {
  await page.mouse.move(0, 0);
  await assertAccessible(page, label);
  await assertNoHorizontalOverflow(page, label);
}

async function api(path: string, json?: unknown, status = json === undefined ? 200 : 201): Promise<Record<string, unknown>> {
  const answer = await stack.api(path, json === undefined ? {} : { method: 'POST', json });
  assert.equal(answer.status, status, `${path}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function part(reference: string, description: string, sellingPriceMillimes: number, stockMilli: number): Promise<string> {
  const created = await api('/api/v1/parts', { reference, brand: 'Bosch', description, purchasePriceMillimes: Math.round(sellingPriceMillimes * 0.6), sellingPriceMillimes, vatRateBp: 1900 });
  if (stockMilli > 0) await api(`/api/v1/parts/${String(created['id'])}/movements`, { kind: 'receipt', quantityMilli: stockMilli });
  return String(created['id']);
}

describe('workshop journey in Chromium (issue 14)', () => {
  before(async () => {
    stack = await startWebStack('webjourney');
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('canned job → per-line approval on a phone (3 of 4) → waiting for parts → purchase order received → completed: the invoice has the 3 approved lines, the ledger the consumption', async () => {
    const customer = await createCustomer(stack, 'Yosra Gharbi');
    const technician = await createTechnician(stack, 'Hedi Technicien');
    const vehicle = await createVehicle(stack, customer.customerId, 'Renault', 'Clio');
    const id = await openWorkOrder(stack, { customerId: customer.customerId, vehicleId: vehicle.id, complaint: 'Révision et bruit au freinage', technicianIds: [technician.id] });
    const filter = await part('F026407006', 'Filtre à huile', 18_000, 3_000);
    const oil = await part('5W30-1L', 'Huile moteur 5W30 (litre)', 12_000, 20_000);
    const pads = await part('0986494524', 'Plaquettes avant', 95_000, 0);
    await api('/api/v1/canned-jobs', {
      name: 'Révision et plaquettes',
      labourHoursMilli: 1500,
      labourRateMillimes: 40_000,
      parts: [
        { partId: filter, quantityMilli: 1000 },
        { partId: oil, quantityMilli: 4500 },
        { partId: pads, quantityMilli: 1000 },
      ],
    });
    const supplier = await api('/api/v1/suppliers', { name: 'Auto Pièces Sfax' });
    const order = await api('/api/v1/purchase-orders', { supplierId: supplier['id'], lines: [{ partId: pads, quantityMilli: 1000, unitCostMillimes: 57_000 }] });
    await api(`/api/v1/purchase-orders/${String(order['id'])}/order`, {}, 200);

    // The admin builds the estimate from the canned job and sends it.
    const admin = await openPage(browser, stack);
    await signInAsAdmin(admin.page, stack);
    await admin.page.goto(`${stack.url}/admin/work-orders/${id}`);
    await admin.page.waitForSelector('[data-testid=canned-choose] option:has-text("Révision et plaquettes")', { state: 'attached' });
    await admin.page.click('[data-testid=canned-apply]');
    await admin.page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(selector: string): { length: number } } }).document.querySelectorAll('[data-testid=line-row]').length === 4);
    await admin.page.click('[data-move=estimate_sent]');
    await admin.page.locator('[data-approval=awaiting_approval]').nth(3).waitFor();
    await clean(admin.page, 'estimate from a canned job, sent');
    await shot(admin.page, 'journey-1-admin-estimate-sent');

    // The customer answers each line on a 360 px phone: everything but the oil.
    const phone = await openPage(browser, stack, { viewport: 'phone' });
    await signInOnApp(phone.page, stack, customer);
    await phone.page.goto(`${stack.url}/app/repairs/${id}`);
    await phone.page.getByTestId('line-decisions').waitFor();
    const answers: Record<string, 'approved' | 'declined'> = { 'Révision et plaquettes': 'approved', F026407006: 'approved', '5W30-1L': 'declined', '0986494524': 'approved' };
    for (const [text, decision] of Object.entries(answers)) {
      await phone.page.locator('[data-testid=line-decision]', { hasText: text }).locator(`input[value=${decision}]`).check();
    }
    await clean(phone.page, 'per-line answers (phone)');
    await shot(phone.page, 'journey-2-customer-answers-fr-360');
    await phone.page.getByTestId('submit-line-decisions').click();
    await phone.page.getByTestId('confirm-line-decisions').click();
    await phone.page.getByTestId('line-statuses').waitFor();
    await clean(phone.page, 'answers recorded (phone)');
    await shot(phone.page, 'journey-3-customer-decided-fr-360');
    const decided = await workOrder(stack, id);
    assert.equal(decided['status'], 'approved');
    assert.deepEqual((decided['lines'] as Array<{ approval: string }>).map((line) => line.approval), ['approved', 'approved', 'declined', 'approved']);

    // The technician starts: the filter is held for the job, the pads are awaited; the job waits for its parts.
    const tech = await openPage(browser, stack, { viewport: 'phone' });
    await signInOnApp(tech.page, stack, technician);
    await tech.page.goto(`${stack.url}/app/jobs/${id}`);
    await tech.page.getByRole('button', { name: 'Commencer les travaux' }).click();
    await tech.page.locator('[data-status=in_progress]').waitFor();
    const stockOf = (reference: string) => tech.page.locator('[data-testid=job-part]', { hasText: reference }).locator('[data-stock]');
    await tech.page.locator('[data-testid=job-part]', { hasText: '0986494524' }).locator('[data-stock=short]').waitFor();
    assert.equal(await stockOf('F026407006').getAttribute('data-stock'), 'reserved');
    assert.equal(await stockOf('5W30-1L').getAttribute('data-stock'), 'notConsumed', 'the declined oil holds nothing');
    await tech.page.getByRole('button', { name: 'Attente de pièces' }).click();
    await tech.page.locator('[data-status=waiting_for_parts]').waitFor();
    await clean(tech.page, 'job waiting for parts (phone)');
    await shot(tech.page, 'journey-4-technician-waiting-fr-360');
    if (SHOTS) await tech.page.getByTestId('job-parts').screenshot({ path: `${SHOTS}/journey-4b-job-parts-waiting-fr-360.png` });

    // The pads are on the low-stock list as awaited; the admin receives the purchase order.
    await admin.page.goto(`${stack.url}/admin/stock/low`);
    await admin.page.waitForSelector(`[data-testid=low-part][href$="/parts/${pads}"]`);
    await admin.page.goto(`${stack.url}/admin/purchase-orders`);
    await admin.page.click('[data-po-action=receive]');
    await admin.page.waitForSelector('[data-status=received]');
    await clean(admin.page, 'purchase order received');
    if (SHOTS) await admin.page.goto(`${stack.url}/admin/parts`);
    if (SHOTS) await admin.page.waitForSelector('[data-available]');
    await shot(admin.page, 'journey-4c-admin-parts-after-receipt');

    // Back on the job: the delivered pads are held for it; the technician resumes and completes.
    await tech.page.reload();
    await tech.page.locator('[data-testid=job-part]', { hasText: '0986494524' }).locator('[data-stock=reserved]').waitFor();
    await tech.page.getByRole('button', { name: 'Reprendre les travaux' }).click();
    await tech.page.locator('[data-status=in_progress]').waitFor();
    await tech.page.getByRole('button', { name: 'Marquer comme terminé' }).click();
    await tech.page.locator('[data-status=completed]').waitFor();
    await tech.page.locator('[data-testid=job-part]', { hasText: '0986494524' }).locator('[data-stock=consumed]').waitFor();
    await clean(tech.page, 'job completed (phone)');
    await shot(tech.page, 'journey-5-technician-completed-fr-360');
    if (SHOTS) await tech.page.getByTestId('job-parts').screenshot({ path: `${SHOTS}/journey-5b-job-parts-completed-fr-360.png` });

    // The invoice: exactly the three approved lines.
    const invoice = await eventually(
      'the draft invoice of the work order',
      async () => ((await stack.api('/api/v1/invoices?status=draft&limit=100')).body['items'] as Array<{ id: string; workOrderId: string | null }>).find((item) => item.workOrderId === id),
      (found) => found !== undefined,
      60_000,
    );
    const invoiced = (await stack.api(`/api/v1/invoices/${invoice!.id}`)).body['lines'] as Array<{ description: string }>;
    assert.deepEqual(invoiced.map((line) => line.description).sort(), ['Bosch 0986494524 — Plaquettes avant', 'Bosch F026407006 — Filtre à huile', 'Révision et plaquettes']);

    // The pads' ledger: received, then used on the work order; the reservation was used, nothing is held any more.
    await admin.page.goto(`${stack.url}/admin/parts/${pads}`);
    await admin.page.waitForSelector('[data-testid=ledger] [data-kind=consumption]');
    assert.match((await admin.page.locator('[data-testid=ledger] tr', { has: admin.page.locator('[data-kind=consumption]') }).textContent()) ?? '', new RegExp(String(decided['number'])), 'the ledger cites the work order by its number');
    await admin.page.waitForSelector('[data-testid=ledger] [data-kind=receipt]');
    await admin.page.waitForSelector('[data-testid=reservations] [data-reservation=consumed]');
    assert.match((await admin.page.getByTestId('reserved').textContent()) ?? '', /: 0$/);
    assert.match((await admin.page.getByTestId('on-hand').textContent()) ?? '', /: 0$/);
    await clean(admin.page, 'pads ledger after the job');
    await shot(admin.page, 'journey-6-admin-pads-ledger');
    const filterDetail = await api(`/api/v1/parts/${filter}`);
    assert.deepEqual([filterDetail['onHandMilli'], filterDetail['reservedMilli']], [2_000, 0], 'one filter used, none held');
    const oilDetail = await api(`/api/v1/parts/${oil}`);
    assert.deepEqual([oilDetail['onHandMilli'], oilDetail['reservedMilli']], [20_000, 0], 'the declined oil never left the shelf');

    await admin.assertClean();
    await phone.assertClean();
    await tech.assertClean();
    await admin.close();
    await phone.close();
    await tech.close();
  });
});
