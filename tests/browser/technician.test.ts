import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, signInOnApp } from '../support/browser.ts';
import { addLine, approveAsGarage, createVehicle, moveWorkOrder, openWorkOrder, workOrder } from '../support/self-fixtures.ts';
import { createCustomer, createTechnician, startWebStack, type Account, type CustomerAccount, type WebStack } from '../support/web-stack.ts';

const HOSTILE_NAME = '<img src=x onerror="window.__xss=1">Hédi';
const HOSTILE_COMPLAINT = '<script>window.__xss=2</script>Bruit au freinage';

let stack: WebStack;
let browser: Browser;
let technician: Account;
let customer: CustomerAccount;
let vehicle: { id: string; plate: string };

/** A job assigned to the technician, its estimate approved by the garage: ready to start. */
async function approvedJob(complaint: string, moreLines?: (id: string) => Promise<void>): Promise<string> {
  const id = await openWorkOrder(stack, { customerId: customer.customerId, vehicleId: vehicle.id, complaint, technicianIds: [technician.id] });
  await addLine(stack, id, { kind: 'labour', description: 'Diagnostic', quantityMilli: 1000, unitPriceMillimes: 30_000 });
  await moreLines?.(id);
  await moveWorkOrder(stack, id, 'estimate_sent');
  await approveAsGarage(stack, id);
  return id;
}

async function openJobFromList(page: Page, jobId: string): Promise<void> {
  await page.click('nav a[data-screen=jobs]');
  await page.locator(`[data-job="${jobId}"] a`).click();
  await page.getByTestId('complaint').waitFor();
}

describe('technician screens in Chromium (tablet first)', () => {
  before(async () => {
    stack = await startWebStack('webtech');
    technician = await createTechnician(stack, 'Karim Technicien');
    customer = await createCustomer(stack, HOSTILE_NAME);
    vehicle = await createVehicle(stack, customer.customerId);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('journey: start the job, clock in, add a line, clock out, complete — the API holds each step', async () => {
    const jobId = await approvedJob(HOSTILE_COMPLAINT);
    const watched = await openPage(browser, stack, { viewport: 'tablet' });
    const { page } = watched;
    await signInOnApp(page, stack, technician);
    await page.click('nav a[data-screen=jobs]');
    // The card comes with the job list; its plate with the vehicles' answer, a moment later.
    await page.locator(`[data-job="${jobId}"]`, { hasText: vehicle.plate }).waitFor();
    await assertAccessible(page, 'technician jobs');
    await assertNoHorizontalOverflow(page, 'technician jobs at 768 px');
    await page.locator(`[data-job="${jobId}"] a`).click();

    // The job card: vehicle, complaint and customer as text (hostile markup never runs).
    assert.equal(await page.getByTestId('complaint').textContent(), HOSTILE_COMPLAINT);
    assert.equal(await page.getByTestId('customer-name').textContent(), HOSTILE_NAME);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined);
    assert.equal(await page.getByRole('button', { name: "Pointer l'arrivée" }).isDisabled(), true, 'no clocking before the work starts');
    await assertAccessible(page, 'job card (approved)');

    await page.getByRole('button', { name: 'Commencer les travaux' }).click();
    await page.locator('[data-status=in_progress]').waitFor();
    await page.getByRole('button', { name: "Pointer l'arrivée" }).click();
    await page.getByRole('button', { name: 'Pointer la sortie' }).waitFor();
    assert.match((await page.getByTestId('clock-state').textContent()) ?? '', /Pointé depuis/);

    const form = page.getByTestId('add-line');
    await form.getByLabel('Type').selectOption('part');
    await form.getByLabel('Description').fill('Plaquettes de frein avant');
    await form.getByLabel('Quantité').fill('2');
    await form.getByLabel('Prix unitaire HT (TND)').fill('45,5');
    await form.getByRole('button', { name: 'Ajouter la ligne' }).click();
    await page.getByRole('cell', { name: 'Plaquettes de frein avant' }).waitFor();
    // 30,000 + 2 × 45,500 = 121,000 HT; VAT 19 % = 22,990; 143,990 TTC.
    assert.equal(await page.getByTestId('total-gross').textContent(), '143,990\u00a0TND');
    await assertAccessible(page, 'job card (in progress)');

    await page.getByRole('button', { name: 'Pointer la sortie' }).click();
    await page.getByRole('button', { name: "Pointer l'arrivée" }).waitFor();
    await page.getByRole('button', { name: 'Marquer comme terminé' }).click();
    await page.locator('[data-status=completed]').waitFor();
    await page.getByText('Les lignes ne peuvent plus être ajoutées à ce travail.').waitFor();

    const stored = await workOrder(stack, jobId);
    assert.equal(stored['status'], 'completed');
    const lines = stored['lines'] as Array<{ description: string; quantityMilli: number; unitPriceMillimes: number; kind: string; addedBy: string }>;
    const added = lines.find((line) => line.description === 'Plaquettes de frein avant');
    assert.deepEqual(added && { kind: added.kind, quantityMilli: added.quantityMilli, unitPriceMillimes: added.unitPriceMillimes, addedBy: added.addedBy }, { kind: 'part', quantityMilli: 2000, unitPriceMillimes: 45_500, addedBy: technician.id });
    const entries = stored['timeEntries'] as Array<{ technicianId: string; endedAt: string | null }>;
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.technicianId, technician.id);
    assert.ok(entries[0]?.endedAt, 'clocked out');
    await watched.assertClean();
    await watched.close();
  });

  it('a refused line shows the field error at the field, and nothing is added', async () => {
    const jobId = await approvedJob('Vidange');
    await moveWorkOrder(stack, jobId, 'in_progress');
    const watched = await openPage(browser, stack, { viewport: 'tablet' });
    const { page } = watched;
    await signInOnApp(page, stack, technician);
    await openJobFromList(page, jobId);
    const form = page.getByTestId('add-line');
    await form.getByLabel('Description').fill('Huile');
    await form.getByLabel('Quantité').fill('abc');
    await form.getByLabel('Prix unitaire HT (TND)').fill('12');
    await form.getByRole('button', { name: 'Ajouter la ligne' }).click();
    await form.getByText('Valeur invalide.').waitFor();
    assert.equal(await form.getByLabel('Quantité').getAttribute('aria-invalid'), 'true');
    assert.equal(((await workOrder(stack, jobId))['lines'] as unknown[]).length, 1);
    await watched.assertClean();
    await watched.close();
  });

  it('in Arabic at 360 px the job card is right-to-left, fully translated and never scrolls sideways', async () => {
    // A catalogue part on the job: the card lists it (reference, description, quantity), never its price.
    const part = await stack.api('/api/v1/parts', { method: 'POST', json: { reference: `CF-${Date.now().toString(36)}`, brand: 'Valeo', description: 'Filtre d’habitacle', purchasePriceMillimes: 9_000, sellingPriceMillimes: 17_000, vatRateBp: 1900 } });
    assert.equal(part.status, 201, JSON.stringify(part.body));
    const jobId = await approvedJob('Climatisation', async (id) => {
      const used = await stack.api(`/api/v1/work-orders/${id}/parts`, { method: 'POST', json: { partId: part.body['id'], quantityMilli: 1000, consume: false } });
      assert.equal(used.status, 201, JSON.stringify(used.body));
    });
    const watched = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    const { page } = watched;
    await signInOnApp(page, stack, technician);
    await page.click('nav a[data-screen=jobs]');
    await page.locator(`[data-job="${jobId}"]`).waitFor();
    await assertNoHorizontalOverflow(page, 'jobs (ar, 360 px)');
    await page.locator(`[data-job="${jobId}"] a`).click();
    await page.getByRole('button', { name: 'بدء الأشغال' }).waitFor();
    await page.locator('[data-testid=job-part]:has-text("Valeo")').waitFor();
    assert.doesNotMatch(await page.locator('[data-testid=job-parts]').innerText(), /17[,.]000|9[,.]000/, 'no price of the part on the card');
    if (process.env['ECAR_SCREENSHOTS_DIR']) await page.screenshot({ path: `${process.env['ECAR_SCREENSHOTS_DIR']}/job-card-parts-ar-phone.png`, fullPage: true });
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.equal(await page.getAttribute('html', 'lang'), 'ar');
    await assertNoHorizontalOverflow(page, 'job card (ar, 360 px)');
    await assertAccessible(page, 'job card (ar)');
    await watched.assertClean();
    await watched.close();
  });

  it('another technician sees none of these jobs, and the API refuses the card', async () => {
    const other = await createTechnician(stack, 'Autre Technicien');
    const jobId = await approvedJob('Pneus');
    const watched = await openPage(browser, stack, { viewport: 'tablet' });
    const { page } = watched;
    await signInOnApp(page, stack, other);
    await page.click('nav a[data-screen=jobs]');
    await page.locator('[data-state=empty]').waitFor();
    await page.goto(`${stack.url}/app/jobs/${jobId}`);
    await page.locator('[data-state=error]').waitFor();
    await watched.assertClean();
    await watched.close();
  });
});
