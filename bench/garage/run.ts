// bench/garage: GET /api/v1/customers (a page of 25) and GET /api/v1/customers/:id against two
// garage processes on the same machine: one with field encryption (AES-256-GCM per value, blind
// indexes), one storing the same columns in plaintext. Prints req/s, p50/p99 and the cost.
// Usage: node --import tsx bench/garage/run.ts [seconds per run] [customers]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createBusNamespace, createTestDatabase, waitFor } from '@ecar/testkit';
import { authService } from '../../services/auth/src/service.ts';

const seconds = Number(process.argv[2] ?? 5);
const customers = Number(process.argv[3] ?? 1000);
const root = new URL('../..', import.meta.url).pathname;

interface Result {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** CPU time the garage process spent per request (user + system), in ms. */
  cpuMsPerRequest: number;
}

/** user + system CPU time of a process, in ms (from /proc: robust to other load on the machine). */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Starts a garage process on a free port and resolves with its URL (fails if the process dies first). */
function startGarage(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/garage/server.ts'], { cwd: root, env: { ...process.env, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`garage exited with ${code} before listening`)));
  });
}

async function load(label: string, url: string, token: string, pid: number): Promise<Result> {
  const cpuBefore = await cpuMs(pid);
  const child = spawn('npx', ['autocannon', '-j', '-c', '20', '-d', String(seconds), '-H', `authorization=Bearer ${token}`, url], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const cpu = (await cpuMs(pid)) - cpuBefore;
  const result = JSON.parse(output) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number };
  return {
    label,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    cpuMsPerRequest: cpu / Math.max(1, result.requests.total),
  };
}

async function seed(base: string, token: string): Promise<string> {
  let firstId = '';
  for (let start = 0; start < customers; start += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, customers - start) }, async (_, offset) => {
        const n = String(10_000_000 + start + offset);
        const response = await fetch(`${base}/api/v1/customers`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'person', name: `Bench ${n}`, phone: `+216${n}`, email: `b${n}@bench.tn`, address: `${n} avenue de la Liberté, Tunis`, cin: n }),
        });
        if (response.status !== 201) throw new Error(`seed failed: ${response.status} ${await response.text()}`);
        return String(((await response.json()) as { id: string }).id);
      }),
    );
    firstId ||= batch[0]!;
  }
  return firstId;
}

const bus = createBusNamespace('benchgarage');
const [authDb, encDb, plainDb] = await Promise.all([createTestDatabase('bench_g_auth'), createTestDatabase('bench_g_enc'), createTestDatabase('bench_g_plain')]);
const common = { NODE_ENV: 'development', BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, LOG_LEVEL: 'error' };
const auth = await authService.start({ ...common, PORT: '0', DATABASE_URL: authDb.url, ECAR_BOOTSTRAP_ADMIN_EMAIL: 'bench@ecar.test', ECAR_BOOTSTRAP_ADMIN_PASSWORD: 'Bench-Passw0rd!-garage' });
const garageEnv = { ...common, AUTH_JWKS_URL: `${auth.url}/.well-known/jwks.json` };
const encrypted = await startGarage({ ...garageEnv, DATABASE_URL: encDb.url });
const plaintext = await startGarage({ ...garageEnv, DATABASE_URL: plainDb.url, BENCH_PLAINTEXT: '1' });

try {
  for (const { url } of [encrypted, plaintext]) {
    await waitFor(async () => ((await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200 ? true : undefined), { timeoutMs: 60_000, what: `garage at ${url}` });
  }
  const token = auth.domain.signer.sign({ userId: randomUUID(), role: 'super-admin', sessionId: randomUUID(), mfa: true }).token;
  const encId = await seed(encrypted.url, token);
  const plainId = await seed(plaintext.url, token);
  console.log(`seeded ${customers} customers in each database; ${seconds}s per run, 20 connections, ${process.env['HOSTNAME'] ?? 'this machine'}`);
  const encPid = encrypted.child.pid!;
  const plainPid = plaintext.child.pid!;
  await load('warm-up', `${encrypted.url}/api/v1/customers?limit=25`, token, encPid);
  await load('warm-up', `${plaintext.url}/api/v1/customers?limit=25`, token, plainPid);
  // Plaintext and encrypted runs alternate, three rounds each; the median of each side is kept,
  // so a load change on the machine during the run hits both sides alike.
  const endpoints: Array<[string, string, string]> = [
    ['list of 25', `${plaintext.url}/api/v1/customers?limit=25`, `${encrypted.url}/api/v1/customers?limit=25`],
    ['detail', `${plaintext.url}/api/v1/customers/${plainId}`, `${encrypted.url}/api/v1/customers/${encId}`],
    ['lookup by e-mail', `${plaintext.url}/api/v1/customers?email=b10000500%40bench.tn`, `${encrypted.url}/api/v1/customers?email=b10000500%40bench.tn`],
  ];
  const median = (runs: Result[]) => [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[1]!;
  const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[1]!;
  console.log('| endpoint | plaintext req/s | encrypted req/s | throughput cost | plaintext p50/p99 ms | encrypted p50/p99 ms | CPU ms/req plaintext | CPU ms/req encrypted | CPU cost |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [label, plainUrl, encUrl] of endpoints) {
    const plainRuns: Result[] = [];
    const encRuns: Result[] = [];
    for (let round = 0; round < 3; round++) {
      plainRuns.push(await load(`${label} plaintext`, plainUrl, token, plainPid));
      encRuns.push(await load(`${label} encrypted`, encUrl, token, encPid));
    }
    const plain = median(plainRuns);
    const enc = median(encRuns);
    if ([...plainRuns, ...encRuns].some((run) => run.non2xx > 0)) throw new Error(`${label}: non-2xx answers`);
    const cost = (1 - enc.requestsPerSecond / plain.requestsPerSecond) * 100;
    const cpuPlain = medianOf(plainRuns.map((run) => run.cpuMsPerRequest));
    const cpuEnc = medianOf(encRuns.map((run) => run.cpuMsPerRequest));
    const cpuCost = (1 - cpuPlain / cpuEnc) * 100;
    console.log(
      `| ${label} | ${plain.requestsPerSecond.toFixed(0)} | ${enc.requestsPerSecond.toFixed(0)} | ${cost.toFixed(1)} % | ${plain.p50}/${plain.p99} | ${enc.p50}/${enc.p99} | ${cpuPlain.toFixed(2)} | ${cpuEnc.toFixed(2)} | ${cpuCost.toFixed(1)} % |`,
    );
  }
  console.log('target: throughput cost ≤ 15 %. CPU cost = 1 − (CPU per request plaintext / encrypted): the throughput a CPU-bound garage would lose, independent of other load on the machine.');
} finally {
  for (const { child } of [encrypted, plaintext]) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await auth.stop();
  const queue = `${bus.queuePrefix}garage.users`;
  await bus.cleanup([queue, `${queue}.dlq`, `${queue}.retry.1000`, `${queue}.retry.5000`, `${queue}.retry.30000`]);
  await Promise.all([authDb.drop(), encDb.drop(), plainDb.drop()]);
}
