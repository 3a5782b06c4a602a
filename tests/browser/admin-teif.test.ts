import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible as axeScan, launchChromium, openPage, signInAsAdmin, type WatchedPage } from '../support/browser.ts';
import { FakeTtnServer } from '../support/fake-ttn.ts';
import { createTestSigningCa, verifyWithXmlsec, type TestSigningCa } from '../support/teif-test-ca.ts';
import { startWebStack, type WebStack } from '../support/web-stack.ts';

const TTN_CREDENTIALS = { login: 'garage-el-amen', password: 'ttn-webservice-pass-2026' };
const BUYER = { name: 'Transports Salah SARL', kind: 'company', taxId: '7654321B/A/M/000', address: '5 avenue Habib Bourguiba, Sfax', stampExempt: false };
const LINES = [{ kind: 'labour', description: 'Vidange et main-d’œuvre', quantityMilli: 1500, unitPriceMillimes: 45_000, vatRateBp: 1900 }];

let stack: WebStack;
let browser: Browser;
let ca: TestSigningCa;
let ttn: FakeTtnServer;

async function issuedInvoice(buyer: Record<string, unknown> = BUYER): Promise<{ id: string; number: string }> {
  const draft = await stack.api('/api/v1/invoices', { method: 'POST', json: { buyer, lines: LINES } });
  assert.equal(draft.status, 201, JSON.stringify(draft.body));
  const issued = await stack.api(`/api/v1/invoices/${String(draft.body['id'])}/issue`, { method: 'POST' });
  assert.equal(issued.status, 200, JSON.stringify(issued.body));
  return { id: String(issued.body['id']), number: String(issued.body['number']) };
}

/** axe over the screen at rest: the pointer parked away from the control it just clicked. */
async function assertAccessible(page: Page, label: string): Promise<void> {
  await page.mouse.move(0, 0);
  await axeScan(page, label);
}

async function invoicePage(id: string): Promise<WatchedPage> {
  const watched = await openPage(browser, stack, { viewport: 'desktop', language: 'fr' });
  await signInAsAdmin(watched.page, stack);
  await watched.page.goto(`${stack.url}/admin/invoices/${id}`);
  await watched.page.waitForSelector('[data-testid=invoice-title]');
  return watched;
}

describe('back office in Chromium: El Fatoora status of invoices and credit notes (fake TTN)', () => {
  before(async () => {
    ca = createTestSigningCa();
    ttn = new FakeTtnServer(ca.caPem, TTN_CREDENTIALS);
    await ttn.start();
    stack = await startWebStack('webteif', {
      billing: {
        SELLER_NAME: 'Garage El Amen SARL',
        SELLER_ADDRESS: '14 rue de Marseille, 1000 Tunis',
        SELLER_TAX_ID: '1234567/A/B/M/000',
        SELLER_TRADE_REGISTER: 'B01234562020',
        ...ca.env,
        ...ttn.billingEnv,
        TEIF_SWEEP_GRACE_MS: '3000',
        TTN_RETRY_INITIAL_MS: '200',
        TTN_RETRY_MAX_MS: '800',
      },
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await ttn?.stop();
  });

  it('an accepted invoice and its credit note show TTN’s reference; the signed XML downloads and verifies; accessible and CSP-clean', async () => {
    const invoice = await issuedInvoice();
    const note = await stack.api(`/api/v1/invoices/${invoice.id}/credit-notes`, { method: 'POST', json: { reason: 'Remise commerciale', full: true } });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    const watched = await invoicePage(invoice.id);
    const { page } = watched;
    const panel = page.locator('[data-testid=teif-invoice][data-teif=accepted]');
    await panel.waitFor({ timeout: 30_000 });
    await panel.getByText('Acceptée par TTN').waitFor();
    const accepted = ttn.callsFor(invoice.number).filter((call) => call.answer === 'ACCEPTED');
    assert.equal(accepted.length, 1, 'TTN accepted the invoice once');
    const status = await stack.api(`/api/v1/invoices/${invoice.id}/teif/status`);
    const reference = String(status.body['ttnReference']);
    assert.match(reference, /^TTN\d{10}/);
    assert.equal(await panel.locator('[data-testid=teif-reference] bdi').textContent(), reference);

    const notePanel = page.locator('[data-testid=teif-credit-note][data-teif=accepted]');
    await notePanel.waitFor({ timeout: 30_000 });
    await notePanel.locator('[data-testid=teif-reference]').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), panel.locator('[data-testid=teif-signed]').click()]);
    assert.equal(download.suggestedFilename(), `TEIF_${invoice.number}.xml`);
    const xml = await readFile((await download.path())!, 'utf8');
    assert.ok(xml.includes(`<DocumentIdentifier>${invoice.number}</DocumentIdentifier>`), 'the invoice’s own TEIF');
    assert.deepEqual(await verifyWithXmlsec(xml, ca.caPem), { valid: true }, 'the downloaded XML carries a signature that verifies');
    assert.equal(xml, accepted[0]!.signedXml, 'the download is what TTN received');
    assert.equal(await panel.locator('[data-testid=teif-resubmit]').count(), 0, 'no re-submit on an accepted invoice');

    await assertAccessible(page, 'invoice with TEIF accepted');
    await watched.assertClean();
    await watched.close();
  });

  it('a refusal by TTN shows its reason; re-submitting from the screen gets it accepted', async () => {
    ttn.refuseNext('Code TVA de l’acheteur inconnu');
    const invoice = await issuedInvoice();
    const watched = await invoicePage(invoice.id);
    const { page } = watched;
    const panel = page.locator('[data-testid=teif-invoice]');
    await page.locator('[data-testid=teif-invoice][data-teif=refused]').waitFor({ timeout: 30_000 });
    await panel.getByText('Refusée par TTN').waitFor();
    assert.equal(await panel.locator('[data-testid=teif-refusal] bdi').textContent(), 'Code TVA de l’acheteur inconnu');
    await assertAccessible(page, 'invoice with TEIF refused');

    await panel.locator('[data-testid=teif-resubmit]').click();
    await panel.locator('[data-testid=teif-resubmit-confirm]').click();
    await page.locator('[data-testid=teif-invoice][data-teif=accepted]').waitFor({ timeout: 30_000 });
    await panel.locator('[data-testid=teif-reference]').waitFor();
    assert.deepEqual(
      ttn.callsFor(invoice.number).map((call) => call.answer),
      ['REFUSED', 'ACCEPTED'],
    );
    await watched.assertClean();
    await watched.close();
  });

  it('a document ECAR’s own check refuses says so, with the reason, and offers no signed XML', async () => {
    const invoice = await issuedInvoice({ name: 'Client sans identifiant', kind: 'person', stampExempt: false });
    const watched = await invoicePage(invoice.id);
    const { page } = watched;
    const panel = page.locator('[data-testid=teif-invoice]');
    await page.locator('[data-testid=teif-invoice][data-teif=refused]').waitFor({ timeout: 30_000 });
    await panel.getByText('Refusée par le contrôle d’ECAR').waitFor();
    assert.match((await panel.locator('[data-testid=teif-refusal]').textContent()) ?? '', /TEIF schema/);
    assert.equal(await panel.locator('[data-testid=teif-signed]').count(), 0);
    assert.equal(ttn.callsFor(invoice.number).length, 0, 'nothing went to TTN');
    await watched.assertClean();
    await watched.close();
  });
});
