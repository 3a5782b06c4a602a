import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BreachReport } from './breach-report.ts';
import { arabicDraft, frenchDraft } from './notification-drafts.ts';

const SAFE_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Writes `breach-report.json` and, per affected customer, notification drafts in French and
 * Arabic (`<customerId>.fr.txt`, `<customerId>.ar.txt`) for the garage to complete and send.
 */
export async function writeBreachReport(report: BreachReport, outputDir: string, garage = 'ECAR'): Promise<string[]> {
  await mkdir(outputDir, { recursive: true, mode: 0o700 });
  const written = [join(outputDir, 'breach-report.json')];
  await writeFile(written[0]!, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
  for (const customer of report.affectedCustomers) {
    // Customer ids come from events; never let one name a path outside the output directory.
    const name = SAFE_NAME.test(customer.customerId) ? customer.customerId : Buffer.from(customer.customerId).toString('hex').slice(0, 64);
    for (const [language, draft] of [['fr', frenchDraft(customer, report, garage)], ['ar', arabicDraft(customer, report, garage)]] as const) {
      const path = join(outputDir, `${name}.${language}.txt`);
      await writeFile(path, `${draft}\n`, { mode: 0o600 });
      written.push(path);
    }
  }
  return written;
}
