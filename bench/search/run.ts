// bench/search (issue 15): p50/p95/p99 of the counter search through the gateway (autocannon, 20
// connections) on a garage database of N customers (default 100,000 — the `large` profile's
// customers and vehicles, the rows scripts/seed writes, through the same repositories so names,
// phones, plates and VINs are sealed and their search terms written exactly as in production).
// The database ecar_bench_search_garage is kept between runs: seeding resumes where it stopped
// (run again after Ctrl-C); --drop removes it at the end. --seed-only stops after seeding.
// Usage: node --import tsx bench/search/run.ts [customers] [seconds] [--seed-only] [--drop]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { allConsumerQueues, consumerQueueNames, outboxMigrations } from '@ecar/bus';
import { createDataSource, runMigrationsLocked } from '@ecar/db';
import { createLogger } from '@ecar/logger';
import { adminQuery, AMQP_URL, createBusNamespace, createTestDatabase, repoRoot, startChild, terminate } from '@ecar/testkit';
import amqp from 'amqplib';
import pg from 'pg';
import { SingleBar, Presets } from 'cli-progress';
import { authService } from '../../services/auth/src/service.ts';
import { loadGarageConfig } from '../../services/garage/src/config.ts';
import { CustomerStore } from '../../services/garage/src/data/customers.ts';
import { FieldCipher } from '../../services/garage/src/data/field-cipher.ts';
import { garageMigrations } from '../../services/garage/src/data/migrations.ts';
import { VehicleStore } from '../../services/garage/src/data/vehicles.ts';
import { chunkData } from '../../scripts/seed/garage-chain.ts';
import { SEED_PROFILES } from '../../scripts/seed/profiles.ts';
import { databaseUrl } from '../../scripts/seed/targets.ts';

const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const customers = Number(args[0] ?? 100_000);
const seconds = Number(args[1] ?? 20);
const seedOnly = process.argv.includes('--seed-only');
const DATABASE = 'ecar_bench_search_garage';
const SEED = 'ecar-scale-1';
const CHUNK = 500;
const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'error' };
const url = databaseUrl(DATABASE);

if ((await adminQuery(`SELECT 1 FROM pg_database WHERE datname = $1`, [DATABASE])).rowCount === 0) await adminQuery(`CREATE DATABASE ${DATABASE}`);
const logger = createLogger({ service: 'bench-search', level: 'error' });
const dataSource = createDataSource({ url, migrations: [...outboxMigrations(), ...garageMigrations], poolMax: 2, applicationName: 'ecar-bench-search' });
await dataSource.initialize();
await runMigrationsLocked(dataSource, logger);

// Seeding: the `large` profile's customers and vehicles (vehicles per customer as there: 1.5).
const { values: config } = loadGarageConfig(env);
const cipher = new FieldCipher(config.FIELD_KEYS, config.BLIND_INDEX_KEY);
const customerStore = new CustomerStore(cipher);
const vehicleStore = new VehicleStore(cipher);
const profile = { ...SEED_PROFILES['large']!, customers, vehicles: Math.round(customers * 1.5) };
const have = Number(((await dataSource.query(`SELECT count(*) AS n FROM customers`)) as Array<{ n: string }>)[0]!.n);
const started = Date.now();
if (have < customers) {
  const bar = new SingleBar({ format: 'seeding [{bar}] {percentage}% | {value}/{total} customers | ETA {eta}s' }, Presets.shades_classic);
  bar.start(customers, have);
  for (let from = Math.floor(have / CHUNK) * CHUNK; from < customers; from += CHUNK) {
    const to = Math.min(customers, from + CHUNK);
    const data = chunkData(SEED, profile, from, to);
    await dataSource.transaction(async (db) => {
      // A chunk is one transaction: a run stopped mid-chunk left none of it.
      for (const customer of data.customers) await customerStore.insert(db, customer);
      for (const vehicle of data.vehicles) await vehicleStore.save(db, vehicle, true);
    });
    bar.update(to);
  }
  bar.stop();
  await dataSource.query(`VACUUM ANALYZE search_terms`);
  await dataSource.query(`ANALYZE customers`);
  await dataSource.query(`ANALYZE vehicles`);
}
const sizes = (await dataSource.query(
  `SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM vehicles) AS vehicles, (SELECT count(*) FROM search_terms) AS terms,
          pg_size_pretty(pg_total_relation_size('search_terms')) AS terms_size, pg_size_pretty(pg_database_size(current_database())) AS db_size`,
)) as Array<Record<string, string>>;
// Each search writes one access event (AUD-4) to the outbox. Events left by an earlier run went to
// a bus namespace that is gone: dropped, and the table vacuumed (the test server runs without
// autovacuum), so every run starts from the same outbox rather than behind its dead rows.
await dataSource.query(`DELETE FROM outbox_events`);
await dataSource.query(`VACUUM ANALYZE outbox_events`);
console.log(`dataset: ${JSON.stringify(sizes[0])}${have < customers ? `; seeded ${customers - have} customers in ${((Date.now() - started) / 1000).toFixed(0)} s` : ''}`);
await dataSource.destroy();
if (seedOnly) process.exit(0);

// The query mix the counter types: name prefixes (French and Arabic spellings of the seed's
// names), plate fragments, VIN and phone suffixes.
const QUERIES: Array<[string, string]> = [
  ['name prefix', 'ben a'],
  ['name prefix', 'trab'],
  ['name prefix', 'Mohamed Gh'],
  ['name prefix', 'sassi'],
  ['plate part', 'TU 45'],
  ['plate part', '123 TU'],
  ['plate part', '0456'],
  ['VIN suffix', '0000001234'],
  ['phone suffix', '3456'],
  ['phone suffix', '20012345'],
];
const bus = createBusNamespace('benchsearch');
// In production audit's queue takes every event (`#`); without one the access events would come
// back unroutable and the relay would retry each of them with backoff — work production never
// does. The stand-in keeps at most one message (the broker drops the rest), so nothing piles up.
const SINK = `${bus.queuePrefix}audit.sink`;
{
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(bus.exchange, 'topic', { durable: true });
  await channel.assertQueue(SINK, { durable: false, arguments: { 'x-max-length': 1, 'x-overflow': 'drop-head' } });
  await channel.bindQueue(SINK, bus.exchange, '#');
  await connection.close();
}
const authDb = await createTestDatabase('bench_s_auth');
const auth = await authService.start({ ...env, PORT: '0', DATABASE_URL: authDb.url, BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, ECAR_BOOTSTRAP_ADMIN_EMAIL: 'bench@ecar.test', ECAR_BOOTSTRAP_ADMIN_PASSWORD: 'Bench-Passw0rd!-search' });
const jwks = `${auth.url}/.well-known/jwks.json`;
const garage = await startChild('garage', 'services/garage/src/main.ts', { ...env, PORT: '3974', DATABASE_URL: url, AUTH_JWKS_URL: jwks, BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix }, 'http://127.0.0.1:3974/health/ready', 120_000);
const gateway = await startChild(
  'gateway',
  'gateway/src/main.ts',
  { ...env, PORT: '3975', AUTH_URL: auth.url, AUTH_JWKS_URL: jwks, GARAGE_URL: 'http://127.0.0.1:3974', BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, RATE_LIMIT_PER_IP: '100000000', RATE_LIMIT_PER_USER: '100000000' },
  'http://127.0.0.1:3975/health/live',
);

function load(paths: string[], duration: number, token: string): Promise<{ requests: number; rps: number; non2xx: number; errors: number; p50: number; p95: number; p99: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/search/load.ts', 'http://127.0.0.1:3975', String(duration), '20', token, ...paths], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`load exited with ${code}`)))));
}

// CPU time per request of each process (utime + stime from /proc, in clock ticks of 10 ms): unlike
// latency it hardly depends on what else the shared machine runs, so before/after compare on it.
const TICK_MS = 10;
function cpuTicks(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // gone (a PostgreSQL backend that closed)
  }
}
/** The PostgreSQL backends serving the bench database (the garage's pool and its LISTEN connection). */
async function backendPids(): Promise<number[]> {
  return (await adminQuery(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [DATABASE])).rows.map((row: { pid: number }) => row.pid);
}
async function cpuSnapshot(): Promise<Map<string, number>> {
  const snapshot = new Map<string, number>([
    ['garage', cpuTicks(garage.child.pid)],
    ['gateway', cpuTicks(gateway.child.pid)],
  ]);
  for (const pid of await backendPids()) snapshot.set(`pg:${pid}`, cpuTicks(pid));
  return snapshot;
}
function cpuPerRequest(before: Map<string, number>, after: Map<string, number>, requests: number): { garage: number; gateway: number; postgres: number } {
  const delta = (key: string) => ((after.get(key) ?? 0) - (before.get(key) ?? 0)) * TICK_MS;
  const postgres = [...after.keys()].filter((key) => key.startsWith('pg:')).reduce((sum, key) => sum + delta(key), 0);
  return { garage: delta('garage') / requests, gateway: delta('gateway') / requests, postgres: postgres / requests };
}

try {
  const token = auth.domain.signer.sign({ userId: randomUUID(), role: 'super-admin', sessionId: randomUUID(), mfa: true }).token;
  const path = (q: string) => `/api/v1/customers/search?q=${encodeURIComponent(q)}&limit=25`;
  for (const [, q] of QUERIES) {
    const probe = await fetch(`http://127.0.0.1:3975${path(q)}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await probe.json()) as { items?: unknown[] };
    if (probe.status !== 200) throw new Error(`${q}: ${probe.status} ${JSON.stringify(body)}`);
    console.log(`"${q}": ${body.items?.length ?? 0} results on the first page`);
  }
  await load(QUERIES.map(([, q]) => path(q)), 5, token);
  console.log(`\n${customers} customers; through the gateway, 20 connections, ${seconds} s per run; ${process.env['HOSTNAME'] ?? 'this machine'}`);
  console.log('| query | requests | req/s | p50 ms | p95 ms | p99 ms | non-2xx | CPU ms/request: garage, gateway, PostgreSQL | load average |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|---|');
  const kinds = [...new Set(QUERIES.map(([kind]) => kind))];
  let failed = false;
  for (const kind of [...kinds, 'mixed']) {
    const paths = QUERIES.filter(([k]) => kind === 'mixed' || k === kind).map(([, q]) => path(q));
    const cpuBefore = await cpuSnapshot();
    const loadBefore = loadavg()[0]!;
    const result = await load(paths, seconds, token);
    const cpu = cpuPerRequest(cpuBefore, await cpuSnapshot(), result.requests);
    failed ||= result.non2xx > 0 || result.errors > 0;
    console.log(
      `| ${kind} | ${result.requests} | ${result.rps.toFixed(0)} | ${result.p50} | ${result.p95} | ${result.p99} | ${result.non2xx} | ${cpu.garage.toFixed(2)}, ${cpu.gateway.toFixed(2)}, ${cpu.postgres.toFixed(2)} | ${loadBefore.toFixed(1)}–${loadavg()[0]!.toFixed(1)} |`,
    );
  }
  console.log('target: p95 ≤ 100 ms at 100,000 customers');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const outbox = (await client.query(`SELECT count(*) AS events, count(*) FILTER (WHERE published_at IS NULL) AS unpublished, count(*) FILTER (WHERE attempts > 0) AS retried FROM outbox_events`)).rows[0];
  await client.end();
  console.log(`outbox after the runs: ${JSON.stringify(outbox)}`);
  if (failed) throw new Error('non-2xx answers or errors: the figures measure failures, not the search');
} finally {
  await Promise.all([terminate(gateway), terminate(garage)]);
  await auth.stop();
  await authDb.drop();
  // Every queue the garage's consumers declared (main, retry, dead-letter), and the stand-in.
  const consumers = ['garage.users', 'garage.report-replays'].map((name) => consumerQueueNames(`${bus.queuePrefix}${name}`, [1000, 5000, 30000]));
  await bus.cleanup([...consumers.flatMap((names) => allConsumerQueues(names)), SINK]);
  if (process.argv.includes('--drop')) await adminQuery(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
}
