// bench/reports/explain: the plans of the queries behind the dashboard's figures (this month, by
// day), on the database of bench/reports. Runs billing's own report code (buildReport) with a
// database handle that answers each query with `EXPLAIN (ANALYZE, BUFFERS)` of it, then prints
// the plans, slowest first. Usage: node --import tsx bench/reports/explain.ts [from to granularity]
import pg from 'pg';
import type { Caller } from '@ecar/contracts';
import { startBenchStack } from '../lib/stack.ts';
import { buildReport } from '../../services/billing/src/domain/reports.ts';
import type { BillingContext } from '../../services/billing/src/domain/context.ts';
import { REPORT_SEED } from './seed.ts';

const stack = await startBenchStack({ label: 'benchrepx', services: ['billing'] });
const db = new pg.Client({ connectionString: stack.databases.billing });
try {
  await db.connect();
  for (const statement of REPORT_SEED) await db.query(statement);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Tunis' }).format(new Date());
  const [from = `${today.slice(0, 8)}01`, to = today, granularity = 'day'] = process.argv.slice(2);
  const plans: Array<{ ms: number; plan: string }> = [];
  const explaining = {
    async query(sql: string, params: unknown[] = []) {
      const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      const plan = rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
      plans.push({ ms: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? 0), plan });
      return [];
    },
  };
  const context = { dataSource: { manager: explaining }, timeZone: 'Africa/Tunis', now: () => new Date() } as unknown as BillingContext;
  const caller = { userId: '00000000-0000-4000-8000-000000000001', role: 'super-admin', correlationId: 'explain' } as unknown as Caller;
  // One query after another (the service runs them concurrently): each plan's time is its own.
  await buildReport(context, caller, { from, to, granularity: granularity as 'day' });
  for (const { ms, plan } of plans.sort((a, b) => b.ms - a.ms)) console.log(`\n--- ${ms.toFixed(1)} ms\n${plan}`);
} finally {
  await db.end();
  await stack.stop();
}
