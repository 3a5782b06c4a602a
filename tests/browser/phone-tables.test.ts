import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoHorizontalOverflow, launchChromium, openPage, signInAsAdmin, signInOnApp } from '../support/browser.ts';
import { addLine, createVehicle, moveWorkOrder, openWorkOrder } from '../support/self-fixtures.ts';
import { createCustomer, startWebStack, type WebStack } from '../support/web-stack.ts';

let stack: WebStack;
let browser: Browser;

/** Every sideways-scrolling region of the page that actually scrolls (content wider than its box). */
function scrollingRegions(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<{ scrollWidth: number; clientWidth: number; getAttribute(name: string): string | null }> } }).document;
    return Array.from(doc.querySelectorAll('[data-scroll-x]'))
      .filter((region) => region.scrollWidth > region.clientWidth + 1)
      .map((region) => `${region.getAttribute('aria-label') ?? '?'}: ${region.scrollWidth} > ${region.clientWidth}`);
  });
}

/** The label each line cell shows on a phone (its column's name, from data-label through CSS). */
function cellLabels(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((cells) => {
    const scope = globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<unknown> }; getComputedStyle(element: unknown, pseudo: string): { content: string } };
    return Array.from(scope.document.querySelectorAll(cells)).map((cell) => scope.getComputedStyle(cell, '::before').content);
  }, selector);
}

describe('estimate lines on a phone: one card per line, nothing scrolls sideways (Arabic, 360 px)', () => {
  let orderId: string;
  let customer: Awaited<ReturnType<typeof createCustomer>>;
  before(async () => {
    stack = await startWebStack('webphone');
    browser = await launchChromium();
    customer = await createCustomer(stack, 'Amira Ben Salah');
    const vehicle = await createVehicle(stack, customer.customerId);
    orderId = await openWorkOrder(stack, { customerId: customer.customerId, vehicleId: vehicle.id, complaint: 'Bruit à l’avant' });
    await addLine(stack, orderId, { kind: 'labour', description: 'Main-d’œuvre révision des freins avant et arrière', quantityMilli: 1500, unitPriceMillimes: 40_000 });
    await addLine(stack, orderId, { kind: 'part', description: 'Jeu de plaquettes avant', quantityMilli: 1000, unitPriceMillimes: 61_000 });
    await moveWorkOrder(stack, orderId, 'estimate_sent');
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("the customer's estimate", async () => {
    const watched = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    const { page } = watched;
    await signInOnApp(page, stack, customer);
    await page.goto(`${stack.url}/app/repairs/${orderId}`);
    await page.getByTestId('lines').waitFor();
    assert.deepEqual(await scrollingRegions(page), []);
    const labels = await cellLabels(page, '[data-testid=lines] tbody tr:first-child td');
    assert.equal(labels.length, 6);
    assert.ok(labels.every((label) => label !== 'none' && label.length > 2), `every cell shows its column's name: ${labels.join(' | ')}`);
    await assertNoHorizontalOverflow(page, 'customer estimate (ar, phone)');
    await watched.assertClean();
    await watched.close();
  });

  it("the back office's work order", async () => {
    const watched = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    const { page } = watched;
    await signInAsAdmin(page, stack);
    await page.goto(`${stack.url}/admin/work-orders/${orderId}`);
    await page.getByTestId('line-row').first().waitFor();
    assert.deepEqual(await scrollingRegions(page), []);
    await assertNoHorizontalOverflow(page, 'admin work order (ar, phone)');
    await watched.assertClean();
    await watched.close();
  });
});
