// bench/scale (issue 16): the screens people use all day, through the gateway, on a seeded
// garage chain (scripts/seed: encrypted fields, blind indexes and the audit chain as production
// writes them). Auth, garage, billing, audit and the gateway run as their own processes (bench/lib/stack.ts)
// on the seeded databases (auth on a throw-away one): the real gateway (JWT check, deny-list,
// rate limits set out of the way) in front, as in production; the load
// comes from a second process (bench/scale/load.ts): `connections` keep-alive clients for
// `seconds` per screen, URLs varied round robin. Prints p50/p95/p99 and req/s per screen, then
// the audit chain's full and incremental verification and the sizes of the databases.
// Usage: node --import tsx bench/scale/run.ts [small|medium|large] [seconds] [connections]
//   (seeds the profile first if needed: resumable, see docs/performance/scale.md)
// Optional, for A/B runs and profiles: SCALE_SCREENS=phone,plate,… runs only the screens whose label
// contains one of the words (and skips the dashboard and the verifications); SCALE_CPU_PROF_DIR=dir
// profiles every process of the stack (bench/lib/cpu-profile.mjs) into that directory (written when the stack stops).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { adminQuery, repoRoot } from '@ecar/testkit';
import { createDataSource } from '@ecar/db';
import { startBenchStack } from '../lib/stack.ts';
import { cpuMs } from '../lib/processes.ts';
import { auditChainHasher } from '../../services/audit/src/cli/database.ts';
import { chainRowAt, insertCheckpoint } from '../../services/audit/src/data/chain.ts';
import { sealCheckpoint } from '../../services/audit/src/domain/verify.ts';
import { phoneOf, plateOf, seedId } from '../../scripts/seed/garage-chain.ts';
import { SEED_PROFILES } from '../../scripts/seed/profiles.ts';
import { databaseUrl, seedDatabaseNames } from '../../scripts/seed/targets.ts';

const profile = SEED_PROFILES[process.argv[2] ?? 'medium'];
if (!profile) throw new Error(`unknown profile ${process.argv[2]}: ${Object.keys(SEED_PROFILES).join(', ')}`);
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 20);
const SEED = 'ecar-16';
const only = (process.env['SCALE_SCREENS'] ?? '').split(',').map((word) => word.trim()).filter(Boolean);
const profileDir = process.env['SCALE_CPU_PROF_DIR'];
// NODE_OPTIONS may not carry --cpu-prof: a preload starts the profiler and writes it at exit.
const profiled: NodeJS.ProcessEnv = profileDir ? { NODE_OPTIONS: `--import=${join(repoRoot, 'bench/lib/cpu-profile.mjs')}`, ECAR_CPU_PROF_DIR: profileDir } : {};

console.log(`[scale] seeding profile ${profile.name} (resumes or skips what is there)`);
const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed/run.ts', profile.name, '--seed', SEED], { cwd: repoRoot, stdio: 'inherit' });
if (seeded.status !== 0) throw new Error('seeding failed');

const names = seedDatabaseNames(profile.name);
// Statistics, as autovacuum keeps them in production (it is off on the shared test server, and the
// seed's bulk inserts leave tables never analysed: the planner then scans work_orders for one
// vehicle's history). Cheap: ANALYZE samples at most 30,000 rows a table.
for (const database of Object.values(names)) {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

const work = mkdtempSync(join(tmpdir(), 'ecar-bench-scale-'));
mkdirSync(join(work, 'documents'), { mode: 0o700 });
// The seeded rows are keyed for the development keys (scripts/seed/targets.ts): the services start in that mode.
const stack = await startBenchStack({
  label: 'benchscale',
  services: ['garage', 'billing', 'audit'],
  databases: { garage: databaseUrl(names.garage), billing: databaseUrl(names.billing), audit: databaseUrl(names.audit) },
  env: { NODE_ENV: process.env['NODE_ENV'] ?? 'development', LOG_LEVEL: 'error', ...profiled },
  // The seed gives issued invoices no TEIF record, so billing's submitter (every TTN_POLL_INTERVAL_MS)
  // would sign them by the thousand in the background of the screens: its first run is put after the bench.
  serviceEnv: { garage: { DOCUMENTS_DIR: join(work, 'documents') }, billing: { TTN_POLL_INTERVAL_MS: '600000' }, audit: { AUDIT_VERIFY_INTERVAL_MS: '0' } },
  gateway: true,
});

interface Figures {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  firstFailures: Record<string, string>;
}

function load(urls: string[], token: string): Promise<Figures> {
  const config = JSON.stringify({ urls, headers: { authorization: `Bearer ${token}` }, seconds, connections });
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scale/load.ts', config], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as Figures) : reject(new Error(`load exited with ${code}`)))));
}

/** Deterministic spread of indexes over [0, n): the look-ups hit the whole table, not its start. */
const spread = (n: number, count: number) => Array.from({ length: count }, (_, i) => Math.floor(((i * 7919) % 1000) * (n / 1000)) % n);

try {
  const token = stack.token('super-admin');
  const base = stack.urls.gateway!;
  const issued = await billingInvoiceIds(1000);
  // The first 200 are read (and their PDFs rendered once, in the warm-up) before they are measured;
  // the other 800 are measured on their first PDF (a render each, cache or not: more than a run reaches).
  const billingRows = issued.slice(0, 200);
  const unrendered = issued.slice(200);
  const statuses = ['open', 'estimate_sent', 'approved', 'in_progress', 'completed'];
  const allScreens: Array<[string, string[], string]> = [
    ['customer look-up by phone', spread(profile.customers, 500).map((c) => `${base}/api/v1/customers?phone=${encodeURIComponent(phoneOf(c))}`), '≤ 50'],
    ['vehicle look-up by plate', spread(profile.vehicles, 500).map((v) => `${base}/api/v1/vehicles?plate=${encodeURIComponent(plateOf(v))}`), '≤ 50'],
    ['work-order board, first page per status', statuses.map((s) => `${base}/api/v1/work-orders?status=${s}&limit=20`), '≤ 50'],
    ["a vehicle's history", spread(profile.vehicles, 500).map((v) => `${base}/api/v1/vehicles/${seedId(SEED, 'vehicle', v)}/history`), '≤ 50'],
    ["a customer's vehicles", spread(profile.customers, 500).map((c) => `${base}/api/v1/vehicles?customerId=${seedId(SEED, 'customer', c)}`), '≤ 50'],
    ['issued invoices, first page', [`${base}/api/v1/invoices?status=issued&limit=25`], '≤ 50'],
    ['an invoice', billingRows.map((id) => `${base}/api/v1/invoices/${id}`), '≤ 50'],
    ['the invoice PDF', billingRows.map((id) => `${base}/api/v1/invoices/${id}/pdf`), '≤ 50'],
    ['the invoice PDF, first download (a render each)', unrendered.map((id) => `${base}/api/v1/invoices/${id}/pdf`), '—'],
    ['audit log filtered by subject (a customer)', spread(profile.customers, 500).map((c) => `${base}/api/v1/audit/events?subject=customer:${seedId(SEED, 'customer', c)}&limit=25`), '≤ 50'],
    ['who accessed a customer', spread(profile.customers, 500).map((c) => `${base}/api/v1/audit/access?subject=customer:${seedId(SEED, 'customer', c)}&limit=25`), '≤ 50'],
    ['audit log, first page', [`${base}/api/v1/audit/events?limit=25`], '≤ 50'],
  ];
  const screens = only.length === 0 ? allScreens : allScreens.filter(([label]) => only.some((word) => label.includes(word)));
  // Warm the pools and caches once per screen (one request each), then measure; the PDFs of the
  // measured invoices are each downloaded once first (a PDF is read again after its first download).
  const warm = (url: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.arrayBuffer());
  for (const [label, urls] of screens) {
    if (label !== 'the invoice PDF') await warm(urls[0]!);
    else for (let i = 0; i < urls.length; i += 4) await Promise.all(urls.slice(i, i + 4).map(warm));
  }
  console.log(`\nprofile ${profile.name}: ${profile.customers} customers, ${profile.vehicles} vehicles, ${profile.workOrders} work orders, ${profile.invoices} invoices, ${profile.auditEvents} audit events`);
  console.log(`${connections} concurrent clients, ${seconds} s per screen, through the gateway; load average before: ${(await loadAverage()).join(' / ')}\n`);
  // CPU per request of each process of the stack (user + system, from /proc): under a shared
  // machine's load the latencies move by 2×, the CPU a request costs much less.
  const processes = stackProcesses();
  console.log(`| screen | req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx | target p95 ms | CPU ms/request ${processes.map(({ name }) => name).join(' / ')} |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const [label, urls, target] of screens) {
    const before = processes.map(({ pid }) => cpuMs(pid));
    const f = await load(urls, token);
    const cpu = processes.map(({ pid }, i) => ((cpuMs(pid) - before[i]!) / Math.max(1, f.requests)).toFixed(2)).join(' / ');
    console.log(`| ${label} | ${f.requestsPerSecond.toFixed(0)} | ${f.p50} | ${f.p95} | ${f.p99} | ${f.max} | ${f.non2xx + f.errors} | ${target} | ${cpu} |`);
    if (f.non2xx + f.errors > 0) console.log(`  failures: ${JSON.stringify(f.firstFailures)}`);
  }
  if (only.length > 0) {
    console.log(`\nload average after: ${(await loadAverage()).join(' / ')} (SCALE_SCREENS: dashboard and verifications skipped)`);
  } else await dashboardAndVerification(token, base, statuses);
} finally {
  await stack.stop();
}

async function dashboardAndVerification(token: string, base: string, statuses: string[]): Promise<void> {
  // The dashboard as the back office loads it: its eight GETs at once, timed as one screen.
  const dashboard = [...statuses.map((s) => `/api/v1/work-orders?status=${s}&limit=20`), '/api/v1/invoices?status=issued&limit=20', '/api/v1/audit/alerts?status=open&limit=10'];
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    await Promise.all(dashboard.map((path) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.arrayBuffer())));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`| dashboard (its ${dashboard.length} GETs in parallel, 1 user, 30 loads) | — | ${times[15]!.toFixed(1)} | ${times[28]!.toFixed(1)} | — | ${times[29]!.toFixed(1)} | 0 | ≤ 500 |`);

  // Full verification of the audit chain through the audit API (the gateway gives a request 10 s:
  // a large chain is verified by the CLI or the schedule); it leaves a checkpoint at the head.
  const full = await verifyThroughApi('full');
  console.log(`\naudit chain, full verification: HTTP ${full.status}, ${full.checked} rows in ${full.seconds.toFixed(2)} s = ${(full.checked / full.seconds).toFixed(0)} rows/s (target ≥ 100,000 rows/s); load average ${(await loadAverage()).join(' / ')}`);
  console.log(`  ${full.body.slice(0, 300)}`);
  // Incremental: a checkpoint DAY_ROWS rows before the head, sealed with the (development) chain key
  // as a verification would have left it (bench only: nothing else writes checkpoints).
  const DAY_ROWS = 100_000;
  const auditDb = createDataSource({ url: databaseUrl(names.audit), migrations: [], poolMax: 1 });
  await auditDb.initialize();
  try {
    const hash = auditChainHasher({ NODE_ENV: 'development' });
    const [{ seq: head }] = (await auditDb.query(`SELECT max(seq)::text AS seq FROM audit_events`)) as [{ seq: string }];
    const at = (BigInt(head) - BigInt(DAY_ROWS)).toString();
    const row = await chainRowAt(auditDb.manager, at);
    if (!row) throw new Error(`no audit row ${at}`);
    await insertCheckpoint(auditDb.manager, sealCheckpoint(hash, { throughSeq: at, headHash: row.hash, mode: 'full', checkedRows: Number(at), verifiedAt: new Date().toISOString() }));
  } finally {
    await auditDb.destroy();
  }
  const incremental = await verifyThroughApi('incremental');
  console.log(`audit chain, incremental verification of the last ${DAY_ROWS} rows: HTTP ${incremental.status}, ${incremental.checked} rows in ${incremental.seconds.toFixed(2)} s (target: a day's events ≤ 5 s)`);
  console.log(`  ${incremental.body.slice(0, 300)}`);
  for (const database of Object.values(names)) {
    const size = await adminQuery(`SELECT pg_database_size($1)::bigint AS bytes`, [database]);
    console.log(`${database}: ${(Number(size.rows[0].bytes) / 1024 / 1024).toFixed(1)} MB`);
  }
}

/** The stack's processes (this process's children running a deployable's main.ts), by name. */
function stackProcesses(): Array<{ name: string; pid: number }> {
  const found: Array<{ name: string; pid: number }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const main = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').find((arg) => arg.endsWith('/src/main.ts'));
      if (main) found.push({ name: basename(dirname(dirname(main))), pid: Number(entry) });
    } catch {
      // gone meanwhile
    }
  }
  const order = ['gateway', 'auth', 'garage', 'billing', 'audit'];
  return found.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

async function billingInvoiceIds(count: number): Promise<string[]> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: databaseUrl(names.billing) });
  await client.connect();
  try {
    const result = await client.query<{ id: string }>(`SELECT id FROM invoices WHERE status = 'issued' ORDER BY id LIMIT $1`, [count]);
    return result.rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

async function verifyThroughApi(mode: 'full' | 'incremental'): Promise<{ status: number; checked: number; seconds: number; body: string }> {
  const started = performance.now();
  const response = await fetch(`${stack.urls.audit}/api/v1/audit/verify?mode=${mode}`, { headers: { authorization: `Bearer ${stack.token('super-admin')}` } });
  const body = await response.text();
  const seconds = (performance.now() - started) / 1000;
  return { status: response.status, checked: Number((JSON.parse(body) as { checkedRows?: number }).checkedRows ?? NaN), seconds, body };
}

async function loadAverage(): Promise<string[]> {
  const { loadavg } = await import('node:os');
  return loadavg().map((value) => value.toFixed(2));
}
