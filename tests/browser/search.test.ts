import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, signInAsAdmin, type ViewportName } from '../support/browser.ts';
import { startWebStack, type WebStack } from '../support/web-stack.ts';

/**
 * Issue 15 in Chromium: the counter search box of the back office's customers screen. Results
 * come as the user types (debounced: one request per pause), by name prefix, part of a plate or
 * end of a phone; in French, Arabic (RTL) and English, at phone, tablet and desktop widths,
 * without sideways scrolling and accessible.
 */

let stack: WebStack;
let browser: Browser;
const SHOTS = process.env['ECAR_SCREENSHOTS_DIR'];

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function openCustomers(page: Page): Promise<void> {
  await page.goto(`${stack.url}/admin/customers`);
  await page.waitForSelector('[data-testid=counter-search]');
}

describe('counter search in the back office (issue 15)', () => {
  before(async () => {
    stack = await startWebStack('websearch');
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
    for (const [name, phone, plate] of [
      ['Mohamed Ben Ali', '+21622345678', '145 TU 4521'],
      ['Sonia Ben Amor', '+21698112233', '212 TU 7788'],
      ['أحمد الطرابلسي', '+21671900456', '88 TU 1234'],
    ] as const) {
      const customer = await stack.api('/api/v1/customers', { method: 'POST', json: { kind: 'person', name, phone } });
      assert.equal(customer.status, 201, JSON.stringify(customer.body));
      const vehicle = await stack.api('/api/v1/vehicles', { method: 'POST', json: { customerId: customer.body['id'], plate, make: 'Renault', model: 'Clio', year: 2018, mileageKm: 1000 } });
      assert.equal(vehicle.status, 201);
    }
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('finds a customer by name prefix while typing, with one request per pause, and opens the customer', async () => {
    const watched = await openPage(browser, stack, { language: 'en' });
    const { page } = watched;
    await signInAsAdmin(page, stack);
    await openCustomers(page);
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/customers/search')) requests.push(request.url());
    });
    const box = page.getByLabel('Name, plate, end of VIN or phone');
    await box.pressSequentially('ben ali', { delay: 40 });
    await page.waitForSelector('[data-testid=counter-search-hit]');
    const hits = page.locator('[data-testid=counter-search-hit]');
    assert.deepEqual(await hits.allTextContents(), ['Mohamed Ben Ali']);
    assert.ok(requests.length >= 1 && requests.length <= 2, `debounced: ${requests.length} requests for 7 keystrokes`);
    assert.match(requests.at(-1)!, /q=ben(\+|%20)ali/);
    assert.match((await page.locator('[data-testid=counter-search-results]').textContent()) ?? '', /Name/);

    await box.fill('TU 77');
    await page.waitForSelector('[data-testid=counter-search-hit]:has-text("Sonia Ben Amor")');
    assert.match((await page.locator('[data-testid=counter-search-results]').textContent()) ?? '', /212 TU 7788/);

    await page.getByLabel('Search in').selectOption('phone');
    await box.fill('5678');
    await page.waitForSelector('[data-testid=counter-search-hit]:has-text("Mohamed Ben Ali")');
    assert.equal(await hits.count(), 1);
    await shot(page, 'search-en-desktop');
    await assertAccessible(page, 'counter search');
    await hits.first().click();
    await page.waitForURL(/\/admin\/customers\/[0-9a-f-]{36}$/);
    await page.waitForSelector('[data-testid=customer-name]:has-text("Mohamed Ben Ali")');
    await watched.assertClean();
    await watched.close();
  });

  it('works in Arabic and French at phone, tablet and desktop widths', async () => {
    const cases: Array<['ar' | 'fr', ViewportName, string, string]> = [
      ['ar', 'phone', 'احمد', 'أحمد الطرابلسي'],
      ['ar', 'tablet', 'بن', 'Mohamed Ben Ali'],
      ['fr', 'phone', 'ben a', 'Sonia Ben Amor'],
      ['fr', 'desktop', 'TU 45', 'Mohamed Ben Ali'],
    ];
    for (const [language, viewport, query, expected] of cases) {
      const watched = await openPage(browser, stack, { language, viewport });
      const { page } = watched;
      await signInAsAdmin(page, stack);
      await openCustomers(page);
      if (language === 'ar') assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
      await page.locator('input[name=counter-search]').fill(query);
      if (query === 'بن') {
        // An Arabic query that matches no Latin name: nothing found, the empty state shows.
        await page.waitForSelector('[data-testid=counter-search-results] [data-state=empty]');
      } else {
        await page.waitForSelector(`[data-testid=counter-search-hit]:has-text("${expected}")`);
      }
      await shot(page, `search-${language}-${viewport}`);
      await assertNoHorizontalOverflow(page, `counter search (${language}, ${viewport})`);
      await assertAccessible(page, `counter search (${language}, ${viewport})`);
      await watched.assertClean();
      await watched.close();
    }
  });
});
