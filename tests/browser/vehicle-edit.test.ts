import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { adminPage, assertAccessible, assertNoHorizontalOverflow, browserSuite, openPage, signInOnApp } from '../support/browser.ts';
import { createVehicle } from '../support/self-fixtures.ts';
import { createCustomer } from '../support/web-stack.ts';

// A PNG signature and an empty IHDR-less body: the garage checks the first bytes against the type.
const TINY_PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a2d3b1f60000000049454e44ae426082', 'hex');

const suite = browserSuite('webveh');

async function vehicleOf(id: string): Promise<Record<string, unknown>> {
  const response = await suite.stack.api(`/api/v1/vehicles/${id}`);
  assert.equal(response.status, 200);
  return response.body;
}

describe('vehicle edit (staff) and document upload (customer) in Chromium', () => {
  it('a super-admin edits a vehicle: checked with the service schema, the garage refusal shown, the changes saved', async () => {
    const customer = await createCustomer(suite.stack, 'Karim Trabelsi');
    const vehicle = await createVehicle(suite.stack, customer.customerId, 'Renault', 'Clio');
    const watched = await adminPage(suite, { viewport: 'desktop', screen: `vehicles/${vehicle.id}` });
    const { page } = watched;
    const form = page.getByTestId('vehicle-edit');
    await form.waitFor();
    assert.equal(await form.getByLabel('Immatriculation').inputValue(), vehicle.plate);

    // Client-side check with the service's schema: a VIN of the wrong length stays at the field.
    await form.getByLabel('Numéro de série (VIN)').fill('VF1TOOSHORT');
    await form.getByTestId('vehicle-save').click();
    await form.locator('[aria-invalid=true]').first().waitFor();
    assert.equal((await vehicleOf(vehicle.id))['vin'], null, 'nothing sent');

    // The service's own refusal (mileage may not go down, 409) is shown on the form, as its words.
    await form.getByLabel('Numéro de série (VIN)').fill('');
    const mileage = form.getByLabel('Kilométrage (km)');
    await mileage.fill('100');
    await form.getByTestId('vehicle-save').click();
    await form.getByTestId('form-error').filter({ hasText: 'Mileage cannot go down' }).waitFor();
    assert.equal((await vehicleOf(vehicle.id))['mileageKm'], 41000);

    await mileage.fill('52300');
    await form.getByLabel('Modèle').fill('Clio V');
    await form.getByLabel('Prochain entretien (date)').fill('2027-03-15');
    await form.getByTestId('vehicle-save').click();
    await page.getByTestId('vehicle-saved').waitFor();
    const saved = await vehicleOf(vehicle.id);
    assert.equal(saved['mileageKm'], 52300);
    assert.equal(saved['model'], 'Clio V');
    assert.equal(saved['nextServiceDate'], '2027-03-15');
    assert.equal(saved['plate'], vehicle.plate);
    await page.locator('main', { hasText: 'Clio V' }).waitFor();
    await page.mouse.move(0, 0);
    await assertAccessible(page, 'vehicle edit');
    await watched.assertClean();
    await watched.close();
  });

  it('a customer uploads a registration document of their vehicle, sees it listed and downloads it (Arabic, 360 px)', async () => {
    const customer = await createCustomer(suite.stack, 'Amira Ben Salah');
    const vehicle = await createVehicle(suite.stack, customer.customerId);
    const watched = await openPage(suite.browser, suite.stack, { viewport: 'phone', language: 'ar' });
    const { page } = watched;
    await signInOnApp(page, suite.stack, customer);
    await page.goto(`${suite.stack.url}/app/vehicles/${vehicle.id}`);
    const form = page.getByTestId('document-upload-form');
    await form.waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');

    // A type the garage does not take is refused before anything is sent.
    await page.setInputFiles('[data-testid=document-file]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.click('[data-testid=document-upload]');
    await page.getByTestId('document-problem').waitFor();
    assert.deepEqual((await suite.stack.api(`/api/v1/vehicles/${vehicle.id}/documents`)).body['items'], [], 'nothing sent');

    // A file whose content is not what its type says: the garage's refusal is shown.
    await page.setInputFiles('[data-testid=document-file]', { name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not really a png image at all') });
    await page.click('[data-testid=document-upload]');
    await form.locator('[data-state=error]').waitFor();

    await page.setInputFiles('[data-testid=document-file]', { name: 'carte-grise.png', mimeType: 'image/png', buffer: TINY_PNG });
    await page.click('[data-testid=document-upload]');
    await page.getByTestId('document-uploaded').waitFor();
    await page.getByTestId('document-row').waitFor();
    const listed = (await suite.stack.api(`/api/v1/vehicles/${vehicle.id}/documents`)).body['items'] as Array<{ contentType: string }>;
    assert.deepEqual(listed.map((document) => document.contentType), ['image/png']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('document-row').getByRole('button').click()]);
    assert.deepEqual(await readFile((await download.path())!), TINY_PNG);
    await page.mouse.move(0, 0);
    await assertAccessible(page, 'customer vehicle documents (ar)');
    await assertNoHorizontalOverflow(page, 'customer vehicle documents (ar)');
    await watched.assertClean();
    await watched.close();
  });
});
