// bench/billing: invoices issued per second, gapless numbering, under 20 concurrent clients.
// auth and billing run as their own processes (real entry points) on throw-away databases; the
// clients call billing directly with a super-admin token. Phase 1 creates the drafts (timed
// separately); phase 2 issues them all at once from 20 clients, so every issue contends for the
// same FOR UPDATE counter row; phase 3 does draft + issue per iteration. Then the numbers are
// checked: 1..N, no gap, no duplicate. A one-row authenticated read is measured in the same run
// as the baseline of this machine at that moment.
// Usage: node --import tsx bench/billing/run.ts [invoices=2000] [clients=20]
import pg from 'pg';
import { startBenchStack } from '../lib/stack.ts';

const invoices = Number(process.argv[2] ?? 2000);
const clients = Number(process.argv[3] ?? 20);
const stack = await startBenchStack({ label: 'benchbill', services: ['billing'] });
const base = stack.urls.billing!;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `work(i)` for i in 0..count-1 from `clients` concurrent loops; returns wall time and per-call latencies. */
async function drive(count: number, work: (index: number) => Promise<void>): Promise<{ seconds: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let index = next++; index < count; index = next++) {
        const t0 = performance.now();
        await work(index);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

const line = { kind: 'labour', description: 'Main-d’œuvre', quantityMilli: 1500, unitPriceMillimes: 45_000, vatRateBp: 1900 };
const draftBody = JSON.stringify({ buyer: { name: 'Client Bench', kind: 'company', taxId: '1234567/A/B/M/000', stampExempt: false }, lines: [line, { ...line, vatRateBp: 700 }] });

try {
  const token = stack.token('super-admin');
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post = async (path: string, body?: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers, ...(body ? { body } : {}) });
    if (response.status !== 200 && response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };

  await drive(50, async () => void (await post(`/api/v1/invoices/${String((await post('/api/v1/invoices', draftBody))['id'])}/issue`)));
  // Baseline in the same run: an authenticated read of one row (HTTP + JWT verify + one query +
  // the AUD-4 access event: one small transaction).
  const baseline = await drive(invoices, async () => {
    const response = await fetch(`${base}/api/v1/invoices?limit=1`, { headers });
    if (response.status !== 200) throw new Error(`baseline: ${response.status}`);
    await response.arrayBuffer();
  });
  const ids: string[] = [];
  const drafting = await drive(invoices, async (index) => void (ids[index] = String((await post('/api/v1/invoices', draftBody))['id'])));
  const issuing = await drive(invoices, async (index) => void (await post(`/api/v1/invoices/${ids[index]}/issue`)));
  const mixed = await drive(Math.floor(invoices / 2), async () => void (await post(`/api/v1/invoices/${String((await post('/api/v1/invoices', draftBody))['id'])}/issue`)));

  const db = new pg.Client({ connectionString: stack.databases.billing });
  await db.connect();
  const { rows } = await db.query<{ n: number; distinct: number; max: number; min: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT number)::int AS distinct, max(seq) AS max, min(seq) AS min FROM invoices WHERE status = 'issued'`,
  );
  await db.end();
  const check = rows[0]!;
  const expected = 50 + invoices + Math.floor(invoices / 2);
  const gapless = check.n === expected && check.distinct === expected && check.min === 1 && check.max === expected;

  const row = (label: string, count: number, result: { seconds: number; latencies: number[] }) =>
    `| ${label} | ${count} | ${clients} | ${(count / result.seconds).toFixed(0)} | ${percentile(result.latencies, 50).toFixed(1)} | ${percentile(result.latencies, 99).toFixed(1)} |`;
  console.log('| phase | operations | clients | per second | p50 ms | p99 ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  console.log(row('baseline: GET /api/v1/invoices?limit=1', invoices, baseline));
  console.log(row('create draft (2 lines)', invoices, drafting));
  console.log(row('issue (number allocated, FOR UPDATE counter)', invoices, issuing));
  console.log(row('create + issue', Math.floor(invoices / 2), mixed));
  console.log(`numbering: ${check.n} issued, ${check.distinct} distinct numbers, seq ${check.min}..${check.max} → ${gapless ? 'gapless, no duplicate' : 'GAP OR DUPLICATE'}`);
  if (!gapless) process.exitCode = 1;
} finally {
  await stack.stop();
}
