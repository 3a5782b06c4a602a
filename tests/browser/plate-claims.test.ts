import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, setViewport, signInAsAdmin, signInOnApp, type ViewportName } from '../support/browser.ts';
import { createVehicle } from '../support/self-fixtures.ts';
import { createCustomer, startWebStack, type WebStack } from '../support/web-stack.ts';

/**
 * Issue 12, finding 5 in Chromium: a customer registers a plate that is already another
 * customer's vehicle and is told only that the garage will check it; the back office's plate
 * claims screen shows both sides and accepts or refuses (fr/ar/en, phone to desktop).
 */

let stack: WebStack;
let browser: Browser;
const SHOTS = process.env['ECAR_SCREENSHOTS_DIR'];

async function openClaims(page: Page): Promise<void> {
  await page.goto(`${stack.url}/admin/plate-claims`);
  await page.waitForSelector('main h1');
  await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(selector: string): unknown } }).document.querySelector('main .mantine-Loader-root'));
  await page.mouse.move(0, 0);
}

async function claimAs(customer: Awaited<ReturnType<typeof createCustomer>>, plate: string): Promise<void> {
  const login = await stack.api('/api/v1/auth/login', { method: 'POST', json: { email: customer.email, password: customer.password, client: 'mobile' } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const response = await stack.api('/api/v1/vehicles', { method: 'POST', token: String(login.body['accessToken']), json: { customerId: customer.customerId, plate, make: 'Kia', model: 'Picanto', year: 2017, mileageKm: 70000 } });
  assert.equal(response.status, 202, JSON.stringify(response.body));
}

describe('plate claims in Chromium (issue 12, finding 5)', () => {
  before(async () => {
    stack = await startWebStack('webclaims');
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the customer is told only that the garage will check; the garage accepts one claim and refuses another', async () => {
    const holder = await createCustomer(stack, 'Hédi Mansour');
    const vehicle = await createVehicle(stack, holder.customerId, 'Renault', 'Symbol');
    const claimant = await createCustomer(stack, 'Leila Gharbi');

    const customerPage = await openPage(browser, stack, { viewport: 'phone', language: 'fr' });
    await signInOnApp(customerPage.page, stack, claimant);
    await customerPage.page.goto(`${stack.url}/app/vehicles`);
    await customerPage.page.getByRole('button', { name: 'Ajouter un véhicule' }).click();
    const form = customerPage.page.locator('form[aria-labelledby=add-vehicle-title]');
    await form.getByLabel('Immatriculation').fill(vehicle.plate);
    await form.getByLabel('Marque').fill('Renault');
    await form.getByLabel('Modèle').fill('Symbol');
    await form.getByLabel('Année').fill('2016');
    await form.getByLabel('Kilométrage').fill('98000');
    await form.locator('button[type=submit]').click();
    const notice = customerPage.page.getByTestId('plate-claim-pending');
    await notice.waitFor();
    const text = (await form.textContent()) ?? '';
    assert.match(text, /vérifi/);
    assert.doesNotMatch(text, /déjà|already|Hédi/, 'nothing says the plate exists or whose it is');
    await assertNoHorizontalOverflow(customerPage.page, 'customer plate claim (fr, 360 px)');
    if (SHOTS) await customerPage.page.screenshot({ path: `${SHOTS}/customer-plate-claim.phone.fr.png`, fullPage: true });
    await customerPage.assertClean();
    await customerPage.close();

    // A second claim, to be refused.
    const other = await createCustomer(stack, 'Walid Jaziri');
    const second = await createVehicle(stack, holder.customerId, 'Peugeot', 'Partner');
    await claimAs(other, second.plate);

    // No language fixed at each load: the loop below switches it the way the app stores it.
    const watched = await openPage(browser, stack, { viewport: 'desktop' });
    const { page } = watched;
    const useLanguage = (language: string) => page.evaluate((lang) => (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem('ecar.language', lang), language);
    await signInAsAdmin(page, stack);
    await useLanguage('en');
    await openClaims(page);
    const row = page.locator('main table tbody tr', { hasText: vehicle.plate });
    await row.waitFor();
    const rowText = (await row.textContent()) ?? '';
    for (const part of ['Leila Gharbi', 'Hédi Mansour', 'Renault Symbol (2016)', 'Renault Symbol (2020)', 'Accept', 'Refuse']) assert.ok(rowText.includes(part), `${part} in ${rowText}`);
    await assertAccessible(page, 'plate claims (en)');
    for (const language of ['fr', 'ar', 'en'] as const) {
      await useLanguage(language);
      for (const viewport of ['phone', 'tablet', 'desktop'] as ViewportName[]) {
        await setViewport(page, viewport);
        await openClaims(page);
        await page.locator('main table tbody tr', { hasText: vehicle.plate }).waitFor();
        if (language === 'ar') assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
        await assertNoHorizontalOverflow(page, `plate claims (${language}, ${viewport})`);
        if (SHOTS) await page.screenshot({ path: `${SHOTS}/admin-plate-claims.${viewport}.${language}.png`, fullPage: true });
      }
    }

    await row.getByTestId('plate-claim-accept').click();
    await page.locator('main table tbody tr', { hasText: vehicle.plate }).waitFor({ state: 'detached' });
    const moved = await stack.api(`/api/v1/vehicles/${vehicle.id}`);
    assert.equal(moved.body['customerId'], claimant.customerId, 'the vehicle moved to the claimant');

    const secondRow = page.locator('main table tbody tr', { hasText: second.plate });
    await secondRow.getByTestId('plate-claim-refuse').click();
    await secondRow.waitFor({ state: 'detached' });
    assert.equal((await stack.api(`/api/v1/vehicles/${second.id}`)).body['customerId'], holder.customerId, 'a refused claim leaves the vehicle');

    await page.locator('.mantine-SegmentedControl-label', { hasText: 'Accepted' }).click();
    await page.locator('main table tbody tr', { hasText: vehicle.plate }).locator('.mantine-Badge-root').waitFor();
    await page.mouse.move(0, 0);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/admin-plate-claims-accepted.desktop.en.png`, fullPage: true });
    await watched.assertClean();
    await watched.close();
  });
});
