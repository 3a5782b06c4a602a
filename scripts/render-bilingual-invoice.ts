/**
 * Renders a bilingual invoice for a buyer with an Arabic name — accepted by TTN, so with its
 * reference and QR code — and writes its first page as PNG into docs/screenshots/ (poppler's
 * pdftoppm), to look at the Arabic shaping and right-to-left order by eye.
 *   node --import tsx scripts/render-bilingual-invoice.ts [output-dir]
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { invoicePdf } from '../services/billing/src/pdf/documents.ts';
import { sampleArabicBuyerInvoice } from '../services/billing/src/pdf/sample-invoice.ts';

const run = promisify(execFile);
const outputDir = resolve(process.argv[2] ?? 'docs/screenshots');
const scratch = await mkdtemp(join(tmpdir(), 'ecar-invoice-png-'));
try {
  const pdf = await invoicePdf(sampleArabicBuyerInvoice(), { reference: 'TTN-2026-0000012345', qr: 'https://www.elfatoora.tn/verify?ref=TTN-2026-0000012345' });
  const pdfPath = join(scratch, 'invoice.pdf');
  await writeFile(pdfPath, pdf);
  await mkdir(outputDir, { recursive: true });
  await run('pdftoppm', ['-png', '-r', '110', '-f', '1', '-l', '1', '-singlefile', pdfPath, join(outputDir, 'invoice-bilingual-arabic-buyer')]);
  process.stdout.write(`${join(outputDir, 'invoice-bilingual-arabic-buyer.png')}\n`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
