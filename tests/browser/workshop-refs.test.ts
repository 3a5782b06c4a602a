import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, signInAsAdmin, signInOnApp } from '../support/browser.ts';
import { addLine, approveAsGarage, createVehicle, moveWorkOrder, openWorkOrder, workOrder } from '../support/self-fixtures.ts';
import { createCustomer, createTechnician, startWebStack, type Account, type CustomerAccount, type WebStack } from '../support/web-stack.ts';

/**
 * Issue #14 in Chromium: the work order's number (OR-…) instead of its id on the board, the list,
 * the job card, the technician's jobs and the customer's repairs; the technician marks a job
 * "waiting for parts" (the clock stops), resumes it, sends it to quality check and completes it.
 */

let stack: WebStack;
let browser: Browser;
let technician: Account;
let customer: CustomerAccount;
let vehicle: { id: string; plate: string };

const OR = /^OR-\d{4}-\d{6}$/;

async function clean(page: Page, label: string): Promise<void> {
  await page.mouse.move(0, 0);
  await assertAccessible(page, label);
  await assertNoHorizontalOverflow(page, label);
}

async function approvedJob(complaint: string): Promise<{ id: string; number: string }> {
  const id = await openWorkOrder(stack, { customerId: customer.customerId, vehicleId: vehicle.id, complaint, technicianIds: [technician.id] });
  await addLine(stack, id, { kind: 'labour', description: 'Diagnostic', quantityMilli: 1000, unitPriceMillimes: 30_000 });
  await moveWorkOrder(stack, id, 'estimate_sent');
  await approveAsGarage(stack, id);
  const number = String((await workOrder(stack, id))['number']);
  assert.match(number, OR);
  return { id, number };
}

describe('workshop references and waiting for parts in Chromium (issue #14)', () => {
  before(async () => {
    stack = await startWebStack('webworkshoprefs');
    technician = await createTechnician(stack, 'Karim Technicien');
    customer = await createCustomer(stack, 'Amira Ben Salah');
    vehicle = await createVehicle(stack, customer.customerId);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the board, the list and the job card show OR- numbers, never ids; the board has the waiting-for-parts and quality-check columns', async () => {
    const job = await approvedJob('Bruit au freinage');
    await moveWorkOrder(stack, job.id, 'in_progress');
    await moveWorkOrder(stack, job.id, 'waiting_for_parts');
    const watched = await openPage(browser, stack, { viewport: 'desktop' });
    const { page } = watched;
    await signInAsAdmin(page, stack);
    await page.goto(`${stack.url}/admin/`);
    const column = page.getByTestId('work-order-board').locator('[data-status=waiting_for_parts]');
    await column.locator(`[data-work-order="${job.id}"]`).waitFor();
    assert.equal(await column.locator('h3').textContent(), 'En attente de pièces');
    assert.equal((await column.locator(`[data-work-order="${job.id}"] [data-testid=work-order-number]`).textContent())?.trim(), job.number);
    await page.getByTestId('work-order-board').locator('[data-status=quality_check]').waitFor();
    await clean(page, 'dashboard with the new columns');

    await page.goto(`${stack.url}/admin/work-orders`);
    const cell = page.locator(`[data-ref="${job.number}"]`);
    await cell.waitFor();
    assert.equal(await cell.textContent(), job.number);
    assert.equal(await page.getByText(job.id.slice(0, 8), { exact: true }).count(), 0, 'no id on the list');
    await cell.click();
    await page.getByTestId('work-order-number').waitFor();
    assert.equal(await page.getByTestId('work-order-number').textContent(), job.number);
    // The admin resumes the job from the job card.
    await page.locator('[data-move=in_progress]').click();
    await page.locator('[data-move=waiting_for_parts]').waitFor();
    assert.equal((await workOrder(stack, job.id))['status'], 'in_progress');
    await clean(page, 'job card with the number');
    await watched.assertClean();
    await watched.close();
  });

  it('the technician marks "waiting for parts" (the clock stops), resumes, sends to quality check and completes; the customer follows it by number on a phone', async () => {
    const job = await approvedJob('Plaquettes à changer');
    const watched = await openPage(browser, stack, { viewport: 'tablet' });
    const { page } = watched;
    await signInOnApp(page, stack, technician);
    await page.click('nav a[data-screen=jobs]');
    const card = page.locator(`[data-job="${job.id}"]`);
    await card.getByTestId('work-order-number').waitFor();
    assert.equal((await card.getByTestId('work-order-number').textContent())?.trim(), job.number);
    await card.locator('a').click();
    await page.getByTestId('complaint').waitFor();
    assert.equal((await page.getByTestId('work-order-number').textContent())?.trim(), job.number);

    await page.getByRole('button', { name: 'Commencer les travaux' }).click();
    await page.locator('[data-status=in_progress]').waitFor();
    await page.getByRole('button', { name: "Pointer l'arrivée" }).click();
    await page.getByRole('button', { name: 'Pointer la sortie' }).waitFor();
    await page.getByRole('button', { name: 'Attente de pièces' }).click();
    await page.locator('[data-status=waiting_for_parts]').waitFor();
    assert.equal(await page.locator('[data-status=waiting_for_parts]').textContent(), 'En attente de pièces');
    await page.getByRole('button', { name: "Pointer l'arrivée" }).waitFor();
    assert.equal(await page.getByRole('button', { name: "Pointer l'arrivée" }).isDisabled(), true, 'no clocking while waiting for parts');
    let stored = await workOrder(stack, job.id);
    assert.equal(stored['status'], 'waiting_for_parts');
    assert.ok((stored['timeEntries'] as Array<{ endedAt: string | null }>).every((entry) => entry.endedAt), 'the clock stopped');
    await clean(page, 'job card waiting for parts');

    await page.getByRole('button', { name: 'Reprendre les travaux' }).click();
    await page.locator('[data-status=in_progress]').waitFor();
    await page.getByRole('button', { name: 'Passer au contrôle qualité' }).click();
    await page.locator('[data-status=quality_check]').waitFor();
    await clean(page, 'job card in quality check');
    await page.getByRole('button', { name: 'Marquer comme terminé' }).click();
    await page.locator('[data-status=completed]').waitFor();
    stored = await workOrder(stack, job.id);
    assert.equal(stored['status'], 'completed');
    await watched.assertClean();
    await watched.close();

    const phone = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    await signInOnApp(phone.page, stack, customer);
    await phone.page.click('nav a[data-screen="repairs"]');
    const repair = phone.page.locator('[data-testid=repair]', { hasText: job.number });
    await repair.waitFor();
    await clean(phone.page, 'repairs with numbers (ar, 360 px)');
    await phone.assertClean();
    await phone.close();
  });

  it('the customer downloads the estimate PDF from the approval card on a phone, the admin from the job card', async () => {
    const id = await openWorkOrder(stack, { customerId: customer.customerId, vehicleId: vehicle.id, complaint: 'Vidange', technicianIds: [technician.id] });
    await addLine(stack, id, { kind: 'labour', description: 'Vidange moteur', quantityMilli: 1000, unitPriceMillimes: 60_000 });
    await moveWorkOrder(stack, id, 'estimate_sent');
    const number = String((await workOrder(stack, id))['number']);
    const phone = await openPage(browser, stack, { viewport: 'phone' });
    await signInOnApp(phone.page, stack, customer);
    await phone.page.goto(`${stack.url}/app/repairs/${id}`);
    await phone.page.getByTestId('line-decisions').waitFor();
    await clean(phone.page, 'estimate approval with the PDF link (360 px)');
    const [download] = await Promise.all([phone.page.waitForEvent('download'), phone.page.getByTestId('estimate-pdf').click()]);
    assert.equal(download.suggestedFilename(), `devis-${number}.pdf`);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    assert.equal((await readFile(path)).subarray(0, 5).toString('latin1'), '%PDF-');
    await phone.assertClean();
    await phone.close();

    const desk = await openPage(browser, stack, { viewport: 'desktop' });
    await signInAsAdmin(desk.page, stack);
    await desk.page.goto(`${stack.url}/admin/work-orders/${id}`);
    await desk.page.getByTestId('estimate-pdf').waitFor();
    const [adminDownload] = await Promise.all([desk.page.waitForEvent('download'), desk.page.getByTestId('estimate-pdf').click()]);
    assert.equal(adminDownload.suggestedFilename(), `devis-${number}.pdf`);
    await desk.assertClean();
    await desk.close();
  });
});
