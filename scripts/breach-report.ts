/** Thin wrapper: see services/audit/src/cli/breach-report.ts for the options. */
import { runBreachReport } from '../services/audit/src/cli/breach-report.ts';

try {
  const summary = await runBreachReport(process.argv.slice(2));
  console.log(`${summary.affectedCustomers} affected customer(s); files written:`);
  for (const file of summary.files) console.log(`  ${file}`);
} catch (error) {
  console.error(`breach report failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
