// bench/reports: latency of GET /api/v1/reports (the Reports screen and the dashboard's key
// figures) on a billing database the size of the `medium` seed profile (scripts/seed/profiles.ts):
// 40,000 issued invoices over the last 365 days (3 lines each), 28,000 payments, 800 credit notes,
// and a read model of 50,000 work orders with 200,000 clock events (100,000 time entries). auth and billing run as their
// own processes (real entry points) on throw-away databases; the rows are written with SQL
// (generate_series) straight into the bench's own billing database, with the number and line
// guards of that database switched off for the bulk insert (they check one document at a time).
// Each query is requested sequentially `runs` times after 3 warm-up requests, then by 5 clients
// (exports: 10 times, one client).
// Usage: node --import tsx bench/reports/run.ts [runs=30]
import pg from 'pg';
import { startBenchStack } from '../lib/stack.ts';
import { REPORT_SEED } from './seed.ts';

const runs = Number(process.argv[2] ?? 30);
const stack = await startBenchStack({ label: 'benchrep', services: ['billing'] });
const base = stack.urls.billing!;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}


try {
  const db = new pg.Client({ connectionString: stack.databases.billing });
  await db.connect();
  const seeding = performance.now();
  for (const statement of REPORT_SEED) await db.query(statement);
  const counts = (await db.query(`SELECT (SELECT count(*) FROM invoices)::int AS invoices, (SELECT count(*) FROM payments)::int AS payments, (SELECT count(*) FROM credit_notes)::int AS notes,
                                         (SELECT count(*) FROM report_work_orders)::int AS orders, (SELECT count(*) FROM report_time_events)::int AS events, (SELECT count(*) FROM report_time_entries)::int AS entries`)).rows[0] as Record<string, number>;
  await db.end();
  console.log(`seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);

  const token = stack.token('super-admin');
  const headers = { authorization: `Bearer ${token}` };
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Tunis' }).format(new Date());
  const [year, month] = today.split('-');
  const lastYear = `${Number(year) - 1}-${month}-01`;
  const get = async (path: string) => {
    const t0 = performance.now();
    const response = await fetch(`${base}${path}`, { headers });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
    return performance.now() - t0;
  };
  const cases = [
    { label: 'dashboard: this month by day', path: `/api/v1/reports?from=${year}-${month}-01&to=${today}&granularity=day` },
    { label: 'reports: last 12 months by month', path: `/api/v1/reports?from=${lastYear}&to=${today}&granularity=month` },
    { label: 'export: last 12 months, XLSX', path: `/api/v1/reports/export?from=${lastYear}&to=${today}&format=xlsx` },
    { label: 'export: last 12 months, PDF', path: `/api/v1/reports/export?from=${lastYear}&to=${today}&format=pdf` },
  ];
  console.log('| request | clients | requests | p50 ms | p95 ms | max ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const { label, path } of cases) {
    const exporting = path.includes('/export');
    const count = exporting ? Math.min(runs, 10) : runs;
    for (let i = 0; i < 3; i++) await get(path);
    const sequential: number[] = [];
    for (let i = 0; i < count; i++) sequential.push(await get(path));
    sequential.sort((a, b) => a - b);
    console.log(`| ${label} | 1 | ${count} | ${percentile(sequential, 50).toFixed(0)} | ${percentile(sequential, 95).toFixed(0)} | ${sequential.at(-1)!.toFixed(0)} |`);
    if (exporting) continue;
    const concurrent: number[] = [];
    await Promise.all(Array.from({ length: 5 }, async () => {
      for (let i = 0; i < Math.ceil(runs / 5); i++) concurrent.push(await get(path));
    }));
    concurrent.sort((a, b) => a - b);
    console.log(`| ${label} | 5 | ${concurrent.length} | ${percentile(concurrent, 50).toFixed(0)} | ${percentile(concurrent, 95).toFixed(0)} | ${concurrent.at(-1)!.toFixed(0)} |`);
  }
} finally {
  await stack.stop();
}
