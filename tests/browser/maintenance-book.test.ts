import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, signInOnApp, type ViewportName } from '../support/browser.ts';
import { addLine, approveAsGarage, createVehicle, eventually, moveWorkOrder, openWorkOrder } from '../support/self-fixtures.ts';
import { createCustomer, startWebStack, type CustomerAccount, type WebStack } from '../support/web-stack.ts';

/**
 * Issue 15 in Chromium: the owner downloads the vehicle's maintenance book (PDF and signed JSON),
 * a buyer checks it on the public page (valid, then one changed character, then by its QR link)
 * in the three languages and widths, and the customer reads who read their data.
 */

let stack: WebStack;
let browser: Browser;
let customer: CustomerAccount;
let vehicleId: string;

async function clean(page: Page, label: string): Promise<void> {
  await page.mouse.move(0, 0);
  await assertAccessible(page, label);
  await assertNoHorizontalOverflow(page, label);
}

describe('maintenance book and who read my data in Chromium', () => {
  before(async () => {
    stack = await startWebStack('webbook');
    browser = await launchChromium();
    customer = await createCustomer(stack, 'Amira Ben Salah');
    vehicleId = (await createVehicle(stack, customer.customerId, 'Renault', 'Clio')).id;
    const order = await openWorkOrder(stack, { customerId: customer.customerId, vehicleId, complaint: 'Révision' });
    await addLine(stack, order, { kind: 'labour', description: 'Vidange et filtre à huile', quantityMilli: 1000, unitPriceMillimes: 40_000 });
    await addLine(stack, order, { kind: 'part', description: 'Huile 5W30 (5 L)', quantityMilli: 1000, unitPriceMillimes: 95_000 });
    await moveWorkOrder(stack, order, 'estimate_sent');
    await approveAsGarage(stack, order);
    await moveWorkOrder(stack, order, 'in_progress');
    await moveWorkOrder(stack, order, 'completed');
    // The counter reads Amira's record: her "who read my data" has something to show.
    assert.equal((await stack.api(`/api/v1/customers/${customer.customerId}`)).status, 200);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  let signedJson = '';

  it('the owner downloads the book from their vehicle screen: signed JSON and PDF', async () => {
    const watched = await openPage(browser, stack, { viewport: 'phone' });
    const { page } = watched;
    await signInOnApp(page, stack, customer);
    await page.goto(`${stack.url}/app/vehicles/${vehicleId}`);
    await page.getByTestId('maintenance-book').waitFor();
    await clean(page, 'vehicle with its book');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('book-json').click()]);
    assert.match(json.suggestedFilename(), /^carnet-[0-9a-f-]{36}\.json$/);
    signedJson = await readFile((await json.path())!, 'utf8');
    const document = JSON.parse(signedJson) as { book: { entries: Array<{ work: Array<{ description: string }> }> }; signature: { alg: string } };
    assert.equal(document.signature.alg, 'Ed25519');
    assert.deepEqual(document.book.entries[0]!.work.map((item) => item.description), ['Vidange et filtre à huile', 'Huile 5W30 (5 L)']);
    assert.equal(signedJson.includes('Amira'), false, 'the owner is not in the book');
    await page.getByTestId('book-issued').waitFor();
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('book-pdf').click()]);
    assert.match(pdf.suggestedFilename(), /^carnet-[0-9a-f-]{36}\.pdf$/);
    assert.equal((await readFile((await pdf.path())!)).subarray(0, 5).toString(), '%PDF-');
    await watched.assertClean();
    await watched.close();
  });

  it('a buyer verifies the book on the public page, in every language and width: valid, then tampered', async () => {
    assert.ok(signedJson, 'the first test downloaded a book');
    const runs: Array<[ViewportName, 'fr' | 'ar' | 'en']> = [
      ['phone', 'fr'],
      ['tablet', 'ar'],
      ['desktop', 'en'],
    ];
    for (const [viewport, language] of runs) {
      const watched = await openPage(browser, stack, { viewport, language });
      const { page } = watched;
      await page.goto(`${stack.url}/app/verify-book`);
      await page.getByTestId('book-text').fill(signedJson);
      await page.getByTestId('book-check').click();
      await page.locator('[data-testid=book-verdict], main [role=alert]').first().waitFor();
      assert.equal(await page.getByTestId('book-verdict').count(), 1, (await page.locator('main').textContent()) ?? '');
      assert.equal(await page.getByTestId('book-verdict').getAttribute('data-valid'), 'true');
      assert.equal(await page.locator('[data-testid=book-entry][data-check=matches]').count(), 1);
      assert.match((await page.getByTestId('book-key').textContent()) ?? '', /^dev-book-1 /);
      assert.equal((await page.locator('main').textContent())?.includes('Amira'), false, 'no owner on the page');
      await clean(page, `valid book ${viewport} ${language}`);

      await page.locator('main button').last().click();
      await page.getByTestId('book-text').fill(signedJson.replace('Vidange et filtre', 'Vidange sans filtre'));
      await page.getByTestId('book-check').click();
      await page.locator('[data-testid=book-verdict][data-valid=false]').waitFor();
      assert.equal(await page.locator('[data-testid=book-entry][data-check=matches]').count(), 0, 'no entry vouched for');
      await clean(page, `tampered book ${viewport} ${language}`);
      await watched.assertClean();
      await watched.close();
    }
  });

  it('the QR link of a printed book opens its verification', async () => {
    const bookId = (JSON.parse(signedJson) as { book: { bookId: string } }).book.bookId;
    const watched = await openPage(browser, stack, { viewport: 'phone' });
    const { page } = watched;
    await page.goto(`${stack.url}/app/verify-book#book=${bookId}`);
    await page.locator('[data-testid=book-verdict][data-valid=true]').waitFor();
    assert.equal(await page.getByTestId('book-vin').textContent(), (JSON.parse(signedJson) as { book: { vehicle: { vin: string | null } } }).book.vehicle.vin ?? 'non renseigné');
    await watched.assertClean();
    await watched.close();
  });

  it('the customer sees who read their data, page by page', async () => {
    await eventually(
      "the counter's read in audit",
      () => stack.audit.domain.subjectReads.ofAccount(customer.id, undefined, 50),
      (page) => page.items.some((item) => item.reader.role === 'super-admin' && item.purpose === 'detail'),
    );
    for (const [viewport, language, label] of [
      ['phone', 'fr', 'Administrateur du garage'],
      ['desktop', 'ar', 'مسؤول الورشة'],
      ['tablet', 'en', 'Garage administrator'],
    ] as const) {
      const watched = await openPage(browser, stack, { viewport, language });
      const { page } = watched;
      await signInOnApp(page, stack, customer);
      await page.click('nav a[data-screen="privacy"]');
      await page.locator('main table').waitFor();
      const who = await page.locator('[data-testid=read-who]').allTextContents();
      assert.ok(who.some((text) => text.includes(label)), `${language}: ${who.join(' | ')}`);
      assert.equal((await page.locator('main').textContent())?.includes(customer.customerId), false, 'no internal id');
      await clean(page, `who read my data ${viewport} ${language}`);
      await watched.assertClean();
      await watched.close();
    }
  });
});
