// bench/billing/teif: what one issued document costs the billing process for El Fatoora — TEIF
// built, validated with xmllint, XAdES-BES signed, validated again — and one bilingual PDF
// (Amiri embedded, bidi, Arabic words). Sequential, in this process, no database or broker.
// Usage: node --import tsx bench/billing/teif.ts [documents=100]
import { invoicePdf } from '../../services/billing/src/pdf/documents.ts';
import { sampleArabicBuyerInvoice } from '../../services/billing/src/pdf/sample-invoice.ts';
import { signingIdentityFromPkcs12 } from '../../services/billing/src/signature/seller-certificate.ts';
import { signTeif } from '../../services/billing/src/signature/xades.ts';
import { validateTeif } from '../../services/billing/src/teif/schema-validation.ts';
import { invoiceTeifSource, teifXml } from '../../services/billing/src/teif/teif-document.ts';
import { createTestSigningCa } from '../../tests/support/teif-test-ca.ts';

const documents = Number(process.argv[2] ?? 100);
const ca = createTestSigningCa();
const identity = await signingIdentityFromPkcs12(ca.sellerP12, ca.password);
const view = sampleArabicBuyerInvoice();
const source = invoiceTeifSource(view);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
async function time(label: string, work: () => Promise<unknown>): Promise<void> {
  await work();
  const latencies: number[] = [];
  for (let index = 0; index < documents; index++) {
    const started = performance.now();
    await work();
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const total = latencies.reduce((sum, value) => sum + value, 0);
  console.log(`${label.padEnd(36)} p50 ${percentile(latencies, 50).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms  ${(documents / (total / 1000)).toFixed(1)} /s`);
}

console.log(`${documents} documents, load average ${(await import('node:os')).loadavg().map((value) => value.toFixed(1)).join(' ')}`);
await time('build TEIF', async () => teifXml(source));
await time('xmllint --schema', async () => validateTeif(teifXml(source)));
await time('XAdES-BES sign', async () => signTeif(teifXml(source), identity, new Date()));
await time('build + validate + sign + validate', async () => {
  const xml = teifXml(source);
  await validateTeif(xml);
  await validateTeif(await signTeif(xml, identity, new Date()));
});
await time('bilingual PDF (with QR code)', async () => invoicePdf(view, { reference: 'TTN0000000001', qr: 'https://elfatoora.tn/cev/TTN0000000001' }));
