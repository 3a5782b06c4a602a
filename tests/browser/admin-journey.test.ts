import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible as axeScan, launchChromium, openPage, signInAsAdmin } from '../support/browser.ts';
import { createTechnician, startWebStack, type Account, type WebStack } from '../support/web-stack.ts';

const HOSTILE = '<img src=x onerror="window.__xss=1">Walk-in';
const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let stack: WebStack;
let browser: Browser;
let technician: Account;

/** axe over the screen at rest: the pointer parked away from the control it just clicked (hover colours are Mantine's). */
async function assertAccessible(page: Page, label: string): Promise<void> {
  await page.mouse.move(0, 0);
  await axeScan(page, label);
}

async function noScriptRan(page: Page): Promise<void> {
  assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined, 'a hostile name did not run');
}

/**
 * The draft billing makes from garage's `workorder.completed` event arrives over the broker: wait
 * for it, asking with the page's own session (cookies), as the invoices screen would.
 */
async function draftOf(page: Page, workOrderId: string): Promise<string> {
  const deadline = Date.now() + 90_000;
  let last = '';
  while (Date.now() < deadline) {
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/v1/invoices?status=draft&limit=100', { credentials: 'same-origin' });
      return { status: response.status, text: await response.text() };
    });
    last = `${answer.status} ${answer.text.slice(0, 200)}`;
    if (answer.status === 200) {
      const found = (JSON.parse(answer.text) as { items: Array<{ id: string; workOrderId: string | null }> }).items.find((invoice) => invoice.workOrderId === workOrderId);
      if (found) return found.id;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`billing made no draft for work order ${workOrderId} (last answer: ${last})`);
}

describe('back office in Chromium: the super-admin runs a walk-in from customer to paid invoice (AUTH-5, APP-3, APP-4)', () => {
  before(async () => {
    stack = await startWebStack('webadmin');
    technician = await createTechnician(stack, 'Sami Technicien');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('walk-in customer → vehicle → work order with lines → estimate → completed → issued invoice → payment → PDF, CSP-clean and accessible', async () => {
    const watched = await openPage(browser, stack);
    const { page } = watched;
    await signInAsAdmin(page, stack);

    // Customer (a hostile name is shown as text, never run).
    await page.click('[data-screen=customers]');
    await page.waitForSelector('form[role=search]');
    await assertAccessible(page, 'customers');
    await page.click('[data-testid=customer-new]');
    const create = page.locator('[data-testid=customer-create]');
    await create.getByLabel('Nom').fill(HOSTILE);
    await create.getByLabel('Téléphone').fill('+216 71 234 567');
    await create.getByLabel('CIN').fill('12345678');
    await create.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=customer-name]');
    assert.equal(await page.textContent('[data-testid=customer-name]'), HOSTILE);
    await noScriptRan(page);
    await assertAccessible(page, 'customer detail');

    // A field error of the service's schema lands at its field.
    const edit = page.locator('[data-testid=customer-edit]');
    await edit.getByLabel('CIN').fill('12');
    await edit.locator('button[type=submit]').click();
    await edit.locator('[aria-invalid=true]').first().waitFor();
    await edit.getByLabel('CIN').fill('12345678');

    await page.click('[data-testid=consent-give]');
    await page.waitForSelector('[data-testid=consent-state]:has-text("Donné le")');

    // Vehicle.
    await page.click('[data-testid=vehicle-new]');
    const vehicle = page.locator('[data-testid=vehicle-create]');
    await vehicle.getByLabel('Immatriculation').fill('123 TU 4567');
    await vehicle.getByLabel('Marque').fill('Peugeot');
    await vehicle.getByLabel('Modèle').fill('208');
    await vehicle.getByLabel('Année').fill('2019');
    await vehicle.getByLabel('Kilométrage (km)').fill('84000');
    await vehicle.locator('button[type=submit]').click();
    await page.click('[data-testid=vehicle-link]');
    await page.waitForSelector('[data-testid=vehicle-plate]');

    // Registration document, stored encrypted and downloaded again.
    await page.setInputFiles('[data-testid=document-file]', { name: 'carte-grise.pdf', mimeType: 'application/pdf', buffer: TINY_PDF });
    await page.click('[data-testid=document-upload]');
    await page.waitForSelector('[data-testid=document-row]');
    const [document] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=document-download]')]);
    assert.deepEqual(await readFile((await document.path())!), TINY_PDF);
    await assertAccessible(page, 'vehicle');

    // Work order for the walk-in.
    const open = page.locator('[data-testid=work-order-create]');
    await open.getByLabel('Motif (plainte du client)').fill('Bruit au freinage');
    await open.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=complaint]');
    const workOrderId = new URL(page.url()).pathname.split('/').pop()!;

    const addLine = async (kind: 'labour' | 'part', description: string, quantity: string, price: string) => {
      const form = page.locator('[data-testid=line-add]');
      await form.getByLabel('Nature').selectOption(kind);
      await form.getByLabel('Désignation').fill(description);
      await form.getByLabel('Quantité (h ou pièces)').fill(quantity);
      await form.getByLabel('Prix unitaire HT (TND)').fill(price);
      const rows = await page.locator('[data-testid=line-row]').count();
      await form.locator('button[type=submit]').click();
      await page.locator('[data-testid=line-row]').nth(rows).waitFor();
    };
    await addLine('labour', 'Remplacement plaquettes', '1,5', '40');
    await addLine('part', 'Plaquettes avant', '2', '12,5');
    // 1,5 h × 40 + 2 × 12,5 = 85 HT; 19 % VAT = 16,150; 101,150 TTC.
    assert.match((await page.textContent('[data-testid=totals]')) ?? '', /101\u00a0?,150\u00a0TND|101,150\u00a0TND/);

    await page.locator('[data-testid=technicians]').getByLabel(technician.displayName).check();
    await page.click('[data-testid=assign]');
    await page.waitForSelector('[data-testid=technicians] [data-state=action-done]');
    await assertAccessible(page, 'work order');

    for (const move of ['estimate_sent', 'approve', 'in_progress', 'completed']) {
      await page.click(`[data-move=${move}]`);
      const status = move === 'approve' ? 'approved' : move;
      await page.waitForSelector(`h1 ~ [data-status=${status}], [data-status=${status}]`);
    }
    await page.waitForSelector('[data-testid=decision]');

    // The draft billing made from the completed work order, issued and paid.
    const invoiceId = await draftOf(page, workOrderId);
    await page.click('[data-screen=invoices]');
    await page.waitForSelector(`[data-testid=invoice-link][href$="${invoiceId}"]`);
    await assertAccessible(page, 'invoices');
    await page.click(`[data-testid=invoice-link][href$="${invoiceId}"]`);
    await page.waitForSelector('[data-testid=draft-edit]');
    assert.match((await page.textContent('[data-testid=invoice-totals]')) ?? '', /102,150\u00a0TND/, 'TTC with the 1,000 TND fiscal stamp');
    await assertAccessible(page, 'draft invoice');
    await page.click('[data-testid=invoice-issue]');
    await page.click('[data-testid=invoice-issue-confirm]');
    await page.waitForSelector('[data-testid=invoice-title]:has-text("FA-")');
    await page.click('[data-testid=payment-submit]');
    await page.waitForSelector('[data-testid=payment-row]');
    await page.waitForSelector('[data-status=paid]');
    assert.match((await page.textContent('[data-testid=balance-due]')) ?? '', /0,000\u00a0TND/);
    await assertAccessible(page, 'issued invoice');

    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=invoice-pdf]')]);
    assert.match(pdf.suggestedFilename(), /^FA-\d{4}-\d{6}\.pdf$/);
    assert.equal((await readFile((await pdf.path())!)).subarray(0, 5).toString(), '%PDF-');

    await noScriptRan(page);
    await watched.assertClean();
    await watched.close();
  });
});
