// bench/login: sign-in throughput and latency with the chosen argon2id parameters, and what a
// login burst does to other requests (GET /api/v1/auth/me), with the hash semaphore at 1 (the
// default on a 2-core machine: cores − 1), at 2, and opened wide (16) for comparison. Auth runs
// as its own process against a throw-away database; autocannon runs in separate processes.
// Usage: node --import tsx bench/login/run.ts [seconds]
import { spawn } from 'node:child_process';
import argon2 from 'argon2';
import { createBusNamespace, createTestDatabase, repoRoot, startChild, terminate } from '@ecar/testkit';
import { printTable, type LoadResult } from '../lib/processes.ts';

const seconds = Number(process.argv[2] ?? 10);
const MEMORY_KIB = 19456;
const ITERATIONS = 2;
const EMAIL = 'bench@ecar.test';
const PASSWORD = 'Bench-Passw0rd!-login';

/** autocannon with a method, body and headers, from its own process. */
async function load(label: string, url: string, options: { seconds: number; connections: number; method?: string; body?: string; headers?: Record<string, string> }): Promise<LoadResult> {
  const args = ['autocannon', '-j', '-c', String(options.connections), '-d', String(options.seconds)];
  if (options.method) args.push('-m', options.method);
  if (options.body) args.push('-b', options.body);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  args.push(url);
  const child = spawn('npx', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const result = JSON.parse(output) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
  return { label, requestsPerSecond: result.requests.average, requests: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function hashCost(): Promise<number> {
  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: MEMORY_KIB, timeCost: ITERATIONS, parallelism: 1 });
  const runs = 20;
  const started = performance.now();
  for (let i = 0; i < runs; i++) await argon2.verify(hash, PASSWORD);
  return (performance.now() - started) / runs;
}

async function scenario(cap: number): Promise<LoadResult[]> {
  const db = await createTestDatabase(`bench_login_${cap}`);
  const bus = createBusNamespace(`benchlogin${cap}`);
  const port = 3910 + cap;
  const base = `http://127.0.0.1:${port}`;
  const auth = await startChild(
    'auth',
    'services/auth/src/main.ts',
    {
      NODE_ENV: 'development',
      PORT: String(port),
      DATABASE_URL: db.url,
      BUS_EXCHANGE: bus.exchange,
      BUS_QUEUE_PREFIX: bus.queuePrefix,
      ECAR_BOOTSTRAP_ADMIN_EMAIL: EMAIL,
      ECAR_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      ARGON2_MEMORY_KIB: String(MEMORY_KIB),
      ARGON2_ITERATIONS: String(ITERATIONS),
      ARGON2_MAX_CONCURRENT: String(cap),
      ARGON2_MAX_QUEUED: '10000',
      LOG_LEVEL: 'error',
    },
    `${base}/health/ready`,
  );
  try {
    const body = JSON.stringify({ email: EMAIL, password: PASSWORD, client: 'mobile' });
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const meHeaders = { authorization: `Bearer ${accessToken}` };
    await load('warm-up', `${base}/api/v1/auth/me`, { seconds: 2, connections: 10, headers: meHeaders });
    const idle = await load(`cap ${cap}: auth/me idle`, `${base}/api/v1/auth/me`, { seconds, connections: 10, headers: meHeaders });
    const [burst, busy] = await Promise.all([
      load(`cap ${cap}: login burst (c=32)`, `${base}/api/v1/auth/login`, { seconds, connections: 32, method: 'POST', body, headers: { 'content-type': 'application/json' } }),
      load(`cap ${cap}: auth/me during burst`, `${base}/api/v1/auth/me`, { seconds, connections: 10, headers: meHeaders }),
    ]);
    console.log(`cap ${cap}: auth/me p99 during burst / idle = ${(busy.p99 / idle.p99).toFixed(2)} (target < 2)`);
    return [idle, burst, busy];
  } finally {
    await terminate(auth);
    await db.drop();
    await bus.cleanup([]);
  }
}

console.log(`argon2id m=${MEMORY_KIB} KiB t=${ITERATIONS} p=1: one verify takes ${(await hashCost()).toFixed(1)} ms on this machine`);
const results = [...(await scenario(1)), ...(await scenario(2)), ...(await scenario(16))];
printTable(results);
const failed = results.filter((result) => result.non2xx > 0 || result.errors > 0);
if (failed.length > 0) console.log(`non-2xx or errors in: ${failed.map((result) => `${result.label} (${result.non2xx}/${result.errors})`).join(', ')}`);
