import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, signInAsAdmin, signInOnApp } from '../support/browser.ts';
import { addLine, createVehicle, eventually, moveWorkOrder, openWorkOrder, workOrder } from '../support/self-fixtures.ts';
import { createCustomer, startWebStack, type WebStack } from '../support/web-stack.ts';

/**
 * Issue #14 in Chromium: the back office corrects and removes estimate lines, sends the estimate;
 * the customer answers each line on a phone-sized screen (French, and Arabic right-to-left); work
 * found during the job is approved by phone as recorded by staff; the versions show each send and
 * answer; billing's draft invoice holds exactly the approved lines.
 */

let stack: WebStack;
let browser: Browser;
const SHOTS = process.env['ECAR_SCREENSHOTS'];

interface Line {
  id: string;
  description: string;
  approval: string;
  unitPriceMillimes: number;
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function clean(page: Page, label: string): Promise<void> {
  await page.mouse.move(0, 0);
  await assertAccessible(page, label);
  await assertNoHorizontalOverflow(page, label);
}

const linesOf = async (id: string) => (await workOrder(stack, id))['lines'] as Line[];

/** Answers each line of the customer's per-line card: `answers` by description. */
async function answer(page: Page, answers: Record<string, 'approved' | 'declined'>): Promise<void> {
  for (const [description, decision] of Object.entries(answers)) {
    await page.locator('[data-testid=line-decision]', { hasText: description }).locator(`input[value=${decision}]`).check();
  }
}

describe('estimates line by line in Chromium (issue #14)', () => {
  before(async () => {
    stack = await startWebStack('webestimates');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('admin corrects and removes lines and sends; the customer approves 3 of 4 on a phone; a line found during the job is approved by phone; the invoice holds the approved lines', async () => {
    const customer = await createCustomer(stack, 'Amira Ben Salah');
    const vehicle = await createVehicle(stack, customer.customerId);
    const id = await openWorkOrder(stack, { customerId: customer.customerId, vehicleId: vehicle.id, complaint: 'Révision et freins' });
    await addLine(stack, id, { kind: 'labour', description: 'Vidange moteur', quantityMilli: 1000, unitPriceMillimes: 60_000 });
    await addLine(stack, id, { kind: 'part', description: 'Filtre a huile', quantityMilli: 1000, unitPriceMillimes: 20_000 });
    await addLine(stack, id, { kind: 'part', description: 'Plaquettes avant', quantityMilli: 1000, unitPriceMillimes: 95_000 });
    await addLine(stack, id, { kind: 'part', description: 'Disques avant', quantityMilli: 2000, unitPriceMillimes: 120_000 });
    await addLine(stack, id, { kind: 'part', description: 'Ligne en double', quantityMilli: 1000, unitPriceMillimes: 1_000 });

    // Back office: correct a typo, remove a line, send the estimate.
    const admin = await openPage(browser, stack);
    await signInAsAdmin(admin.page, stack);
    await admin.page.goto(`${stack.url}/admin/work-orders/${id}`);
    await admin.page.locator('[data-testid=line-row]').nth(4).waitFor();
    await clean(admin.page, 'work order with draft lines');
    await admin.page.locator('[data-testid=line-row]', { hasText: 'Filtre a huile' }).getByTestId('line-edit-open').click();
    const edit = admin.page.getByTestId('line-edit');
    await edit.getByLabel('Désignation').fill('Filtre à huile');
    await edit.getByLabel('Prix unitaire HT (TND)').fill('-3');
    await edit.getByTestId('line-edit-save').click();
    await edit.locator('[aria-invalid=true]').first().waitFor();
    await edit.getByLabel('Prix unitaire HT (TND)').fill('22');
    await edit.getByTestId('line-edit-save').click();
    await admin.page.locator('[data-testid=line-row]', { hasText: 'Filtre à huile' }).waitFor();
    const doubled = admin.page.locator('[data-testid=line-row]', { hasText: 'Ligne en double' });
    await doubled.getByTestId('line-remove').click();
    await doubled.getByTestId('line-remove-confirm').click();
    await admin.page.locator('[data-testid=line-row]', { hasText: 'Ligne en double' }).waitFor({ state: 'detached' });
    assert.deepEqual((await linesOf(id)).map((line) => line.description), ['Vidange moteur', 'Filtre à huile', 'Plaquettes avant', 'Disques avant']);
    assert.equal((await linesOf(id))[1]?.unitPriceMillimes, 22_000, 'the corrected price is stored');
    await admin.page.click('[data-move=estimate_sent]');
    await admin.page.locator('[data-approval=awaiting_approval]').first().waitFor();
    await admin.page.locator('[data-testid=estimate-version][data-kind=sent]').waitFor();
    await shot(admin.page, 'admin-estimate-sent');

    // The customer, on a phone: each line approved or declined, then confirmed.
    const phone = await openPage(browser, stack, { viewport: 'phone' });
    await signInOnApp(phone.page, stack, customer);
    await phone.page.goto(`${stack.url}/app/repairs/${id}`);
    await phone.page.getByTestId('line-decisions').waitFor();
    assert.equal(await phone.page.getByTestId('submit-line-decisions').isDisabled(), true, 'every line is answered first');
    await answer(phone.page, { 'Vidange moteur': 'approved', 'Filtre à huile': 'approved', 'Plaquettes avant': 'approved' });
    assert.equal(await phone.page.getByTestId('submit-line-decisions').isDisabled(), true);
    await answer(phone.page, { 'Disques avant': 'declined' });
    await clean(phone.page, 'per-line estimate (phone)');
    await shot(phone.page, 'customer-lines-fr-360');
    await phone.page.getByTestId('submit-line-decisions').click();
    await phone.page.getByTestId('confirm-line-decisions').waitFor();
    // 60 + 22 + 95 = 177 HT, 19 % VAT: 210,630 TTC.
    assert.match((await phone.page.textContent('#line-confirm-question')) ?? '', /210,630\u00a0TND/);
    await clean(phone.page, 'per-line confirmation (phone)');
    await phone.page.getByTestId('confirm-line-decisions').click();
    await phone.page.getByTestId('line-statuses').waitFor();
    assert.match((await phone.page.getByTestId('approved-total').textContent()) ?? '', /210,630\u00a0TND/);
    await clean(phone.page, 'line statuses (phone)');
    await shot(phone.page, 'customer-decided-fr-360');
    const decided = await workOrder(stack, id);
    assert.equal(decided['status'], 'approved');
    assert.deepEqual((decided['lines'] as Line[]).map((line) => line.approval), ['approved', 'approved', 'approved', 'declined']);

    // During the job: a line found is awaiting approval; the customer agrees by phone, staff record it.
    await moveWorkOrder(stack, id, 'in_progress');
    await addLine(stack, id, { kind: 'part', description: 'Flexible de frein', quantityMilli: 1000, unitPriceMillimes: 35_000 });
    await addLine(stack, id, { kind: 'part', description: 'Balais essuie-glace', quantityMilli: 1000, unitPriceMillimes: 25_000 });
    await admin.page.reload();
    const record = admin.page.getByTestId('record-answer');
    await record.waitFor();
    await record.getByLabel('Réponse pour « Flexible de frein »').selectOption('approved');
    await record.getByTestId('record-words').fill('Oui, changez le flexible');
    await record.getByTestId('record-submit').click();
    await admin.page.locator('[data-testid=version-words]', { hasText: 'Oui, changez le flexible' }).waitFor();
    await clean(admin.page, 'work order after a phone approval');
    await shot(admin.page, 'admin-phone-approval');
    const during = await linesOf(id);
    assert.equal(during.find((line) => line.description === 'Flexible de frein')?.approval, 'approved');
    assert.equal(during.find((line) => line.description === 'Balais essuie-glace')?.approval, 'awaiting_approval', 'the unanswered line still waits');

    // The customer sees the remaining line awaiting their answer during the job.
    await phone.page.reload();
    await phone.page.locator('[data-testid=line-decision]', { hasText: 'Balais essuie-glace' }).waitFor();
    await clean(phone.page, 'line found during the job (phone)');

    await moveWorkOrder(stack, id, 'completed');
    const invoice = await eventually(
      'the draft invoice of the work order',
      async () => ((await stack.api('/api/v1/invoices?status=draft&limit=100')).body['items'] as Array<{ id: string; workOrderId: string | null }>).find((item) => item.workOrderId === id),
      (found) => found !== undefined,
      60_000,
    );
    const lines = (await stack.api(`/api/v1/invoices/${invoice!.id}`)).body['lines'] as Array<{ description: string }>;
    assert.deepEqual(lines.map((line) => line.description).sort(), ['Filtre à huile', 'Flexible de frein', 'Plaquettes avant', 'Vidange moteur']);

    await admin.assertClean();
    await phone.assertClean();
    await admin.close();
    await phone.close();
  });

  it('in Arabic at 360 px the per-line answer is right-to-left and never scrolls sideways', async () => {
    const customer = await createCustomer(stack, 'أميرة بن صالح');
    const vehicle = await createVehicle(stack, customer.customerId);
    const id = await openWorkOrder(stack, { customerId: customer.customerId, vehicleId: vehicle.id, complaint: 'صوت في الفرامل' });
    await addLine(stack, id, { kind: 'labour', description: 'تغيير الزيت', quantityMilli: 1000, unitPriceMillimes: 60_000 });
    await addLine(stack, id, { kind: 'part', description: 'Plaquettes avant', quantityMilli: 1000, unitPriceMillimes: 95_000 });
    await moveWorkOrder(stack, id, 'estimate_sent');
    const watched = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    await signInOnApp(watched.page, stack, customer);
    await watched.page.goto(`${stack.url}/app/repairs/${id}`);
    await watched.page.getByTestId('line-decisions').waitFor();
    assert.equal(await watched.page.getAttribute('html', 'dir'), 'rtl');
    await answer(watched.page, { 'تغيير الزيت': 'approved', 'Plaquettes avant': 'declined' });
    await clean(watched.page, 'per-line estimate (ar)');
    await shot(watched.page, 'customer-lines-ar-360');
    await watched.page.getByTestId('submit-line-decisions').click();
    await watched.page.getByTestId('confirm-line-decisions').click();
    await watched.page.getByTestId('line-statuses').waitFor();
    await clean(watched.page, 'line statuses (ar)');
    await shot(watched.page, 'customer-decided-ar-360');
    assert.deepEqual((await linesOf(id)).map((line) => line.approval), ['approved', 'declined']);
    await watched.assertClean();
    await watched.close();
  });
});
