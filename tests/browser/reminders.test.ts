import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, dayKey, localDate } from '@ecar/primitives';
import { adminPage, assertAccessible, assertNoHorizontalOverflow, browserSuite, openPage, setViewport, signInOnApp } from '../support/browser.ts';
import { createVehicle } from '../support/self-fixtures.ts';
import { createCustomer } from '../support/web-stack.ts';

const suite = browserSuite('webrem');

async function waitForInterval(id: string, months: number, km: number): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const job = (await suite.stack.api(`/api/v1/canned-jobs/${id}`)).body;
    if (job['serviceIntervalMonths'] === months && job['serviceIntervalKm'] === km) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`the canned job's interval is not ${months} months / ${km} km`);
}

const inDays = (days: number) => dayKey(addDays(localDate(new Date(), 'Africa/Tunis'), days));

describe('reminders in Chromium: the admin sets due dates, the due-soon list shows the vehicle, the customer sees their due dates', () => {
  it('a super-admin sets the visite technique, insurance and vignette, and the next service from a canned job’s interval', async () => {
    const customer = await createCustomer(suite.stack, 'Sami Gharbi');
    const vehicle = await createVehicle(suite.stack, customer.customerId, 'Kia', 'Picanto');
    const job = await suite.stack.api('/api/v1/canned-jobs', {
      method: 'POST',
      json: { name: 'Vidange 10 000 km', labourHoursMilli: 1000, labourRateMillimes: 40_000, parts: [], serviceIntervalMonths: 12, serviceIntervalKm: 10_000 },
    });
    assert.equal(job.status, 201, JSON.stringify(job.body));

    const watched = await adminPage(suite, { viewport: 'desktop', screen: `vehicles/${vehicle.id}` });
    const { page } = watched;
    const form = page.getByTestId('vehicle-edit');
    await form.waitFor();
    await page.getByTestId('vehicle-dues').getByText('Aucune échéance enregistrée.').waitFor();
    await form.getByTestId('due-technical-inspection').fill(inDays(1));
    await form.getByTestId('due-insurance').fill(inDays(20));
    await form.getByTestId('due-vignette').fill(inDays(120));
    const select = form.getByTestId('next-service-from-job');
    await select.locator('option', { hasText: 'Vidange 10 000 km' }).waitFor({ state: 'attached' });
    await select.selectOption({ label: 'Vidange 10 000 km · 12 m · 10000 km' });
    await form.getByTestId('vehicle-save').click();
    await page.getByTestId('vehicle-saved').waitFor();

    const saved = (await suite.stack.api(`/api/v1/vehicles/${vehicle.id}`)).body;
    assert.deepEqual([saved['technicalInspectionDue'], saved['insuranceDue'], saved['vignetteDue']], [inDays(1), inDays(20), inDays(120)]);
    assert.equal(saved['nextServiceMileageKm'], 51_000, 'the mileage + the canned job’s 10 000 km');
    assert.ok(typeof saved['nextServiceDate'] === 'string' && saved['nextServiceDate'] > inDays(360), 'today + 12 months');

    // The due dates are listed soonest first, the visite technique tomorrow.
    const dues = page.getByTestId('vehicle-dues').getByTestId('due-item');
    await dues.first().filter({ hasText: 'Visite technique' }).filter({ hasText: 'Demain' }).waitFor();
    assert.deepEqual(await dues.evaluateAll((items) => items.map((item) => item.getAttribute('data-kind'))), ['technical_inspection', 'insurance', 'vignette', 'service']);
    await page.mouse.move(0, 0);
    await assertAccessible(page, 'vehicle due dates');

    // The due-soon list: the vehicle is there within 30 days, with its owner; filtered by kind it stays (visite technique).
    await page.goto(`${suite.stack.url}/admin/reminders`);
    const row = page.locator('tr', { has: page.getByTestId('due-soon-vehicle').filter({ hasText: vehicle.plate }) });
    await row.waitFor();
    await row.getByText('Sami Gharbi').waitFor();
    await page.getByTestId('due-soon-kind').selectOption('vignette');
    await page.getByRole('heading', { level: 1, name: 'Échéances proches' }).waitFor();
    await page.getByTestId('due-soon-window').selectOption('7');
    await page.getByTestId('due-soon-kind').selectOption('technical_inspection');
    await row.waitFor();
    await page.getByTestId('due-soon-kind').selectOption('insurance');
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('due-soon-kind').selectOption('');
    await row.waitFor();
    await page.mouse.move(0, 0);
    await assertAccessible(page, 'due soon');
    for (const viewport of ['phone', 'tablet'] as const) {
      await setViewport(page, viewport);
      await assertNoHorizontalOverflow(page, `due soon (${viewport})`);
    }
    // The canned job's form keeps its interval when it is saved again (a PUT replaces the job).
    await setViewport(page, 'desktop');
    await page.goto(`${suite.stack.url}/admin/canned-jobs/${String(job.body['id'])}`);
    const months = page.getByTestId('canned-interval-months');
    await months.waitFor();
    assert.equal(await months.inputValue(), '12');
    assert.equal(await page.getByTestId('canned-interval-km').inputValue(), '10000');
    await months.fill('6');
    await page.getByTestId('canned-save').click();
    await waitForInterval(String(job.body['id']), 6, 10_000);
    await watched.assertClean();
    await watched.close();
  });

  it('the customer sees their vehicle’s due dates, in Arabic at 360 px', async () => {
    const customer = await createCustomer(suite.stack, 'Amira Ben Salah');
    const vehicle = await createVehicle(suite.stack, customer.customerId);
    const set = await suite.stack.api(`/api/v1/vehicles/${vehicle.id}`, { method: 'PATCH', json: { technicalInspectionDue: inDays(1), insuranceDue: inDays(-3), nextServiceMileageKm: 41_000 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const watched = await openPage(suite.browser, suite.stack, { viewport: 'phone', language: 'ar' });
    const { page } = watched;
    await signInOnApp(page, suite.stack, customer);
    await page.goto(`${suite.stack.url}/app/vehicles/${vehicle.id}`);
    const card = page.getByTestId('customer-dues');
    await card.getByText('الآجال').waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    await card.locator('[data-kind=technical_inspection]', { hasText: 'الفحص الفني' }).filter({ hasText: 'غدًا' }).waitFor();
    await card.locator('[data-kind=insurance][data-due=yes]', { hasText: 'التأمين' }).filter({ hasText: 'تجاوز الأجل منذ' }).waitFor();
    await card.locator('[data-kind=service][data-due=yes]', { hasText: 'تم بلوغ المسافة' }).waitFor();
    await page.mouse.move(0, 0);
    await assertAccessible(page, 'customer due dates (ar)');
    await assertNoHorizontalOverflow(page, 'customer due dates (ar)');
    await watched.assertClean();
    await watched.close();
  });
});
