import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startBillingStack, type BillingStack } from '../support/billing-stack.ts';
import { createDraft, expectStatus, issue, workOrderCompleted } from '../support/billing-fixtures.ts';
import { waitFor } from '@ecar/testkit';
import { call } from '../support/billing-stack.ts';

const run = promisify(execFile);
let stack: BillingStack;
let admin: string;
let scratch: string;

/** Fetches a PDF through the gateway and extracts its text with poppler's pdftotext. */
async function pdfText(path: string, token: string): Promise<string> {
  const response = await fetch(`${stack.gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(response.headers.get('content-type'), 'application/pdf');
  assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="(FA|AV)-\d{4}-\d{6}\.pdf"$/);
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const file = join(scratch, `${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(file, bytes);
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  return stdout.replace(/[ \t]+/g, ' ');
}

describe('billing: invoice and credit note PDFs (French, every mandatory mention)', () => {
  before(async () => {
    stack = await startBillingStack('billpdf', {
      SELLER_NAME: 'Garage El Amen SARL',
      SELLER_ADDRESS: '14 rue de Marseille, 1000 Tunis',
      SELLER_TAX_ID: '1234567/A/B/M/000',
      SELLER_TRADE_REGISTER: 'B01234562020',
    });
    admin = stack.token('super-admin');
    scratch = await mkdtemp(join(tmpdir(), 'ecar-billing-pdf-'));
  });
  after(async () => {
    await stack?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('the invoice PDF carries number, date, both parties, lines, VAT per rate, stamp, total and total in words', async () => {
    stack.clock.set(new Date('2026-03-05T09:00:00Z'));
    const big = [
      { kind: 'labour', description: 'Révision complète', quantityMilli: 2500, unitPriceMillimes: 60_000, vatRateBp: 1900 },
      { kind: 'part', description: 'Kit de distribution', quantityMilli: 1000, unitPriceMillimes: 850_000, vatRateBp: 1900 },
      { kind: 'part', description: 'Pneu (taux 13 %)', quantityMilli: 2000, unitPriceMillimes: 120_000, vatRateBp: 1300 },
    ];
    const invoice = await issue(stack, admin, await createDraft(stack, admin, { lines: big }));
    stack.clock.set(undefined);
    const text = await pdfText(`/api/v1/invoices/${String(invoice['id'])}/pdf`, admin);
    const expected = [
      'FACTURE',
      'N° FA-2026-000001',
      'Date : 05/03/2026',
      'Garage El Amen SARL',
      '14 rue de Marseille, 1000 Tunis',
      'Matricule fiscal : 1234567/A/B/M/000',
      'Registre du commerce : B01234562020',
      'Transports Salah SARL',
      'Matricule fiscal : 7654321/B/A/M/000',
      'Révision complète',
      '2,5',
      'Kit de distribution',
      '850,000 TND',
      'Base HT à 19 % : 1 000,000 TND',
      'TVA 19 %',
      '190,000 TND',
      'Base HT à 13 % : 240,000 TND',
      '31,200 TND',
      'Total HT',
      '1 240,000 TND',
      'Total TVA',
      '221,200 TND',
      'Droit de timbre',
      '1,000 TND',
      'Total TTC',
      '1 462,200 TND',
      'Arrêtée la présente facture à la somme de : mille quatre cent soixante-deux dinars et deux cents millimes.',
    ];
    for (const mention of expected) assert.ok(text.includes(mention), `PDF text lacks "${mention}":\n${text}`);
  });

  it('a person buyer shows the CIN; the credit note PDF references the invoice and spells its total', async () => {
    const invoice = await issue(stack, admin, await createDraft(stack, admin, { buyer: { name: 'Amira Ben Salem', kind: 'person', cin: '01234567', stampExempt: false } }));
    const text = await pdfText(`/api/v1/invoices/${String(invoice['id'])}/pdf`, admin);
    assert.ok(text.includes('CIN : 01234567'), text);
    const note = expectStatus(
      await call(stack.gateway.url, `/api/v1/invoices/${String(invoice['id'])}/credit-notes`, { method: 'POST', token: admin, json: { reason: 'Erreur de facturation', full: true } }),
      201,
      'credit note',
    );
    const credit = await pdfText(`/api/v1/credit-notes/${String(note['id'])}/pdf`, admin);
    for (const mention of [
      "FACTURE D'AVOIR",
      `N° ${String(note['number'])}`,
      `Facture d'origine : ${String(invoice['number'])}`,
      'Motif : Erreur de facturation',
      'CIN : 01234567',
      'Matricule fiscal : 1234567/A/B/M/000',
      'Droit de timbre',
      'Total TTC',
      '124,740 TND',
      'Arrêté le présent avoir à la somme de : cent vingt-quatre dinars et sept cent quarante millimes.',
    ]) {
      assert.ok(credit.includes(mention), `credit note PDF lacks "${mention}":\n${credit}`);
    }
  });

  it('exports an issued invoice as well-formed TEIF XML with both identifiers, the VAT per rate, the stamp and the total in words', async () => {
    const invoice = await issue(stack, admin, await createDraft(stack, admin, { lines: [{ kind: 'part', description: 'Joint <spécial> & "culasse"', quantityMilli: 2000, unitPriceMillimes: 25_500, vatRateBp: 700 }] }));
    const response = await fetch(`${stack.gateway.url}/api/v1/invoices/${String(invoice['id'])}/teif`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/xml/);
    assert.match(response.headers.get('content-disposition') ?? '', /filename="TEIF_1234567ABM000_FA-\d{4}-\d{6}\.xml"/);
    const xml = await response.text();
    const file = join(scratch, 'teif.xml');
    await writeFile(file, xml);
    await run('xmllint', ['--noout', file]);
    for (const fragment of [
      '<TEIF controlingAgency="TTN" version="1.8.8">',
      '<MessageSenderIdentifier type="I-01">1234567ABM000</MessageSenderIdentifier>',
      `<DocumentIdentifier>${String(invoice['number'])}</DocumentIdentifier>`,
      '<PartnerIdentifier type="I-01">7654321BAM000</PartnerIdentifier>',
      '<Reference refID="I-815">B01234562020</Reference>',
      '<ItemDescription>Joint &lt;spécial&gt; &amp; &quot;culasse&quot;</ItemDescription>',
      '<TaxRate>7</TaxRate>',
      '<Amount currencyIdentifier="TND">51.000</Amount>',
      '<Amount currencyIdentifier="TND">3.570</Amount>',
      '<TaxTypeName code="I-1601">droit de timbre</TaxTypeName>',
      '<Amount currencyIdentifier="TND">55.570</Amount>',
      '<AmountDescription lang="fr">cinquante-cinq dinars et cinq cent soixante-dix millimes</AmountDescription>',
    ]) {
      assert.ok(xml.includes(fragment), `TEIF lacks ${fragment}:\n${xml}`);
    }
    const customer = await fetch(`${stack.billing.url}/api/v1/invoices/${String(invoice['id'])}/teif`, { headers: { authorization: `Bearer ${stack.token('customer')}` } });
    assert.equal(customer.status, 403);
  });

  it('a draft has no PDF (it is not a fiscal document yet)', async () => {
    const draft = await createDraft(stack, admin);
    assert.equal((await call(stack.gateway.url, `/api/v1/invoices/${draft}/pdf`, { token: admin })).status, 409);
  });

  it("an invoice from a work order cites the work order's number (OR-…) from garage's event, never its UUID (issue #14)", async () => {
    const event = workOrderCompleted({ workOrderNumber: 'OR-2026-000123' });
    const workOrderId = String(event.data['workOrderId']);
    await stack.publish(event);
    const draftId = await waitFor(async () => {
      const rows: Array<{ id: string }> = await stack.billing.context.dataSource.query(`SELECT id FROM invoices WHERE work_order_id = $1`, [workOrderId]);
      return rows[0]?.id;
    }, { what: 'the draft from the completed work order' });
    const draft = expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${draftId}`, { token: admin }), 200, 'read draft');
    assert.equal(draft['workOrderNumber'], 'OR-2026-000123');
    const invoice = await issue(stack, admin, draftId);
    const text = await pdfText(`/api/v1/invoices/${String(invoice['id'])}/pdf`, admin);
    assert.match(text, /Ordre de réparation : OR-2026-000123/);
    assert.ok(!text.includes(workOrderId), 'the UUID is not printed');
  });
});
