import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createHousehold, expectStatus } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { createPart } from '../support/stock-fixtures.ts';

/**
 * The estimate PDF the customer reads before deciding (issue #14): numbered DV-… (its last version
 * sent), citing the work order OR-…, its lines with selling prices and answers, the totals; French,
 * Arabic (Amiri, right to left) or English; the customer reads theirs once sent, staff a draft too.
 */

const run = promisify(execFile);
let stack: GarageStack;
let admin: string;
let scratch: string;

const post = (path: string, token: string, json?: unknown) => stack.call(path, { method: 'POST', token, ...(json === undefined ? {} : { json }) });

async function pdfText(path: string, token: string): Promise<{ text: string; disposition: string }> {
  const response = await fetch(`${stack.garage.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(response.headers.get('content-type'), 'application/pdf');
  assert.equal(response.headers.get('cache-control'), 'private, no-store');
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const file = join(scratch, `${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(file, bytes);
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  return { text: stdout.replace(/[\u202a-\u202e]/g, '').replace(/[ \t]+/g, ' '), disposition: response.headers.get('content-disposition') ?? '' };
}

describe('garage estimate PDF (fr/ar/en, issue #14)', () => {
  before(async () => {
    stack = await startGarageStack('garageestpdf');
    admin = stack.token('super-admin');
    scratch = await mkdtemp(join(tmpdir(), 'ecar-estimate-pdf-'));
  });
  after(async () => {
    await stack?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('the customer reads the sent estimate in French, Arabic and English: DV and OR numbers, lines, totals, never purchase prices', async () => {
    const h = await createHousehold(stack, admin);
    const wo = `/api/v1/work-orders/${h.workOrderId}`;
    const customer = stack.token('customer', h.userId);
    const part = await createPart(stack, admin);
    await expectStatus(post(`${wo}/lines`, admin, { kind: 'labour', description: 'Remplacement plaquettes', quantityMilli: 1500, unitPriceMillimes: 40_000 }), 201);
    await expectStatus(post(`${wo}/lines`, admin, { kind: 'part', description: 'زيت المحرك', quantityMilli: 2000, unitPriceMillimes: 18_250, vatRateBp: 700 }), 201);
    await expectStatus(post(`${wo}/parts`, admin, { partId: part['id'], quantityMilli: 1000, consume: false }), 201);

    assert.equal((await stack.call(`${wo}/estimate/pdf`, { token: customer })).status, 409, 'no estimate sent yet: the customer has nothing to read');
    const draft = await pdfText(`${wo}/estimate/pdf`, admin);
    assert.match(draft.text, /Projet \(non envoyé\)/);

    await expectStatus(post(`${wo}/status`, admin, { status: 'estimate_sent' }), 200);
    const order = await expectStatus(stack.call(wo, { token: admin }), 200);
    const versions = await expectStatus(stack.call(`${wo}/estimate/versions`, { token: admin }), 200);
    const dv = String((versions['items'] as Array<{ kind: string; number: string | null }>).filter((v) => v.kind === 'sent').at(-1)!.number);

    const fr = await pdfText(`${wo}/estimate/pdf`, customer);
    assert.match(fr.disposition, new RegExp(`^attachment; filename="${dv}\\.pdf"$`));
    for (const expected of ['DEVIS', `N° ${dv}`, `Ordre de réparation : ${String(order['number'])}`, 'Remplacement plaquettes', 'زيت المحرك', '60,000 TND', '36,500 TND', 'à valider', 'Total TTC']) {
      assert.ok(fr.text.includes(expected), `French PDF has "${expected}":\n${fr.text}`);
    }
    const totals = order['totals'] as { netMillimes: number; grossMillimes: number };
    const tnd = (millimes: number) => `${Math.floor(millimes / 1000).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${String(millimes % 1000).padStart(3, '0')} TND`;
    assert.ok(fr.text.includes(tnd(totals.grossMillimes)), `the gross total ${tnd(totals.grossMillimes)}`);
    assert.ok(fr.text.includes('14,500 TND') && !fr.text.includes('8,000 TND'), 'the part at its selling price (14,500), never its purchase price (8,000)');

    const ar = await pdfText(`${wo}/estimate/pdf?lang=ar`, customer);
    for (const expected of ['تقدير الإصلاح', dv, String(order['number']), 'زيت المحرك', 'في انتظار الموافقة', tnd(totals.grossMillimes)]) {
      assert.ok(ar.text.includes(expected), `Arabic PDF has "${expected}":\n${ar.text}`);
    }
    const en = await pdfText(`${wo}/estimate/pdf?lang=en`, customer);
    for (const expected of ['ESTIMATE', `Work order : ${String(order['number'])}`, 'awaiting approval', 'Total incl. VAT']) assert.ok(en.text.includes(expected), `English PDF has "${expected}"`);

    assert.equal((await stack.call(`${wo}/estimate/pdf?lang=de`, { token: customer })).status, 400, 'an unknown language is a clear 400');
    assert.equal((await stack.call(`${wo}/estimate/pdf`, { token: stack.token('customer') })).status, 404, "another customer's estimate");
    assert.equal((await stack.call(`${wo}/estimate/pdf`, { token: stack.token('technician', h.technicianId) })).status, 403);
  });
});
