import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { invoicePdf } from '../src/pdf/documents.ts';
import { sampleArabicBuyerInvoice } from '../src/pdf/sample-invoice.ts';
import { buyerLanguage } from '../src/pdf/fiscal-document.ts';

const run = promisify(execFile);
let scratch: string;

async function textOf(pdf: Buffer): Promise<string> {
  const file = join(scratch, `${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  // pdftotext wraps right-to-left runs in embedding controls; the letters are in logical order.
  return stdout.replace(/[\u202a-\u202e]/g, '').replace(/[ \t]+/g, ' ');
}

describe('bilingual PDF (French and Arabic, Amiri embedded, bidi order)', () => {
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ecar-bilingual-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('an Arabic buyer name, address and line come out whole; both amounts in words are printed', async () => {
    const text = await textOf(await invoicePdf(sampleArabicBuyerInvoice()));
    for (const expected of [
      'محمد بن علي الطرابلسي',
      'نهج الحبيب بورقيبة',
      'تغيير أقراص الفرامل الأمامية',
      'ألف وأربعمائة واثنان وستون دينارا ومائتا مليم',
      'Arrêtée la présente facture à la somme de : mille quatre cent soixante-deux dinars et deux cents millimes.',
      'فاتورة',
      'FACTURE',
      '1 462,200 TND',
    ]) {
      assert.ok(text.includes(expected), `PDF text lacks "${expected}":\n${text}`);
    }
  });

  it("the buyer's language puts its title and amount in words first", async () => {
    const arabic = await textOf(await invoicePdf(sampleArabicBuyerInvoice()));
    assert.ok(arabic.indexOf('فاتورة') < arabic.indexOf('FACTURE'), 'Arabic title first');
    assert.ok(arabic.indexOf('ومائتا مليم') < arabic.indexOf('deux cents millimes'), 'Arabic words first');
    const sample = sampleArabicBuyerInvoice();
    const french = { ...sample, invoice: { ...sample.invoice, buyer: { ...sample.invoice.buyer, language: 'fr' as const } } };
    const text = await textOf(await invoicePdf(french));
    assert.ok(text.indexOf('FACTURE') < text.indexOf('فاتورة'), 'French title first');
    assert.ok(text.indexOf('deux cents millimes') < text.indexOf('ومائتا مليم'), 'French words first');
    assert.equal(buyerLanguage({ name: 'Amira Ben Salem', kind: 'person', stampExempt: false }), 'fr');
    assert.equal(buyerLanguage({ name: 'أميرة بن سالم', kind: 'person', stampExempt: false }), 'ar');
  });

  it('prints TTN’s reference and QR code once El Fatoora accepted the invoice', async () => {
    const pdf = await invoicePdf(sampleArabicBuyerInvoice(), { reference: 'TTN0000000042', qr: 'https://elfatoora.tn/cev/TTN0000000042' });
    const text = await textOf(pdf);
    assert.ok(text.includes('Référence TTN (El Fatoora) : TTN0000000042'), text);
    const file = join(scratch, 'qr.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdfimages', ['-list', file]);
    assert.match(stdout, /\n\s*1\s+\d+\s+image\s+\d+\s+\d+/, 'one image: the QR code');
    assert.ok(!(await textOf(await invoicePdf(sampleArabicBuyerInvoice()))).includes('Référence TTN'), 'no reference before acceptance');
  });
});
