// bench/gateway: authenticated GET /api/v1/auth/me straight to the auth service, through a bare
// pipe proxy (the cost of one extra hop), and through the gateway (JWT verify + rate limits +
// routing + breaker + metrics), in one run on this machine.
//
// The targets are measured in interleaved rounds (the order rotates each round), so a change of
// the machine's load between targets does not skew the ratios: each round's ratios are printed,
// then their medians. The proxies' CPU per request (user + system from /proc, measured from
// outside the process) is printed too: on a loaded machine it moves much less than req/s.
//
// Usage: node --import tsx bench/gateway/run.ts [seconds per target per round = 5] [rounds = 3]
// GATEWAY_TREES=/work/wt/a,/work/main starts the gateway of each worktree listed (same auth, same
// Redis) and measures them in the same rounds (A/B of two branches under the same load); run it
// with the list both ways round, as an A/A run shows a bias between the slots of up to ~20 %.
// GATEWAY_CPU_PROF_DIR=dir profiles the gateway(s) (bench/lib/cpu-profile.mjs), written at exit.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createBusNamespace, createTestDatabase, repoRoot, startChild, terminate, type ChildService } from '@ecar/testkit';
import { autocannon, cpuMs, printTable, type LoadResult } from '../lib/processes.ts';

const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 3);
const trees = (process.env['GATEWAY_TREES'] ?? repoRoot).split(',').map((tree) => tree.trim()).filter(Boolean);
const profileDir = process.env['GATEWAY_CPU_PROF_DIR'];
const profiled: NodeJS.ProcessEnv = profileDir ? { NODE_OPTIONS: `--import=${join(repoRoot, 'bench/lib/cpu-profile.mjs')}`, ECAR_CPU_PROF_DIR: profileDir } : {};

const db = await createTestDatabase('bench_gateway');
const bus = createBusNamespace('benchgw');
const password = 'Bench-Passw0rd!-gateway';
const authEnv = {
  NODE_ENV: 'development',
  PORT: '3901',
  DATABASE_URL: db.url,
  BUS_EXCHANGE: bus.exchange,
  BUS_QUEUE_PREFIX: bus.queuePrefix,
  ECAR_BOOTSTRAP_ADMIN_EMAIL: 'bench@ecar.test',
  ECAR_BOOTSTRAP_ADMIN_PASSWORD: password,
};
const gatewayEnv = (port: number) => ({
  NODE_ENV: 'development',
  PORT: String(port),
  AUTH_URL: 'http://127.0.0.1:3901',
  AUTH_JWKS_URL: 'http://127.0.0.1:3901/.well-known/jwks.json',
  BUS_EXCHANGE: bus.exchange,
  BUS_QUEUE_PREFIX: bus.queuePrefix,
  RATE_LIMIT_PER_IP: '100000000',
  RATE_LIMIT_PER_USER: '100000000',
  REDIS_KEY_PREFIX: bus.queuePrefix,
  ...profiled,
});

interface Target {
  label: string;
  url: string;
  /** The process whose CPU per request is reported (the proxies; auth's is the same for all). */
  process?: ChildService;
}

const children: ChildService[] = [];
try {
  const auth = await startChild('auth', 'services/auth/src/main.ts', authEnv, 'http://127.0.0.1:3901/health/ready');
  children.push(auth);
  const pipe = await startChild('pipe-proxy', 'bench/gateway/pipe-proxy.ts', { PORT: '3990', TARGET: 'http://127.0.0.1:3901' }, 'http://127.0.0.1:3990/health/live');
  children.push(pipe);
  const path = '/api/v1/auth/me';
  const targets: Target[] = [
    { label: 'direct → auth', url: `http://127.0.0.1:3901${path}` },
    { label: 'bare pipe proxy → auth', url: `http://127.0.0.1:3990${path}`, process: pipe },
  ];
  for (const [index, tree] of trees.entries()) {
    const port = 3980 + index;
    const gateway = await startChild(`gateway ${index + 1}`, join(tree, 'gateway/src/main.ts'), gatewayEnv(port), `http://127.0.0.1:${port}/health/revocations`);
    children.push(gateway);
    targets.push({ label: trees.length === 1 ? 'gateway → auth' : `gateway of ${tree} → auth`, url: `http://127.0.0.1:${port}${path}`, process: gateway });
  }

  const login = await fetch('http://127.0.0.1:3901/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@ecar.test', password }),
  });
  // The bootstrap super-admin has not enrolled MFA: its token is good for auth/me (and enrolment),
  // which is the request measured here.
  const { accessToken } = (await login.json()) as { accessToken: string };
  const headers = { authorization: `Bearer ${accessToken}` };
  for (const target of targets.slice(1)) await autocannon('warm-up', target.url, headers, 3);

  const results = new Map<Target, Array<LoadResult & { cpuPerRequest?: number }>>(targets.map((target) => [target, []]));
  const ratio = (round: number, a: Target, b: Target) => results.get(a)![round]!.requestsPerSecond / results.get(b)![round]!.requestsPerSecond;
  const [direct, floor, ...gateways] = targets as [Target, Target, ...Target[]];
  console.log(`${rounds} rounds × ${targets.length} targets × ${seconds} s, 50 connections; load average before: ${loadavg().map((n) => n.toFixed(2)).join(' / ')}\n`);
  for (let round = 0; round < rounds; round++) {
    // Rotating the order: no target is always measured first (or last) in a round.
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const target of order) {
      const before = target.process ? cpuMs(target.process.child.pid!) : 0;
      const result = await autocannon(target.label, target.url, headers, seconds);
      const cpuPerRequest = target.process ? (cpuMs(target.process.child.pid!) - before) / Math.max(1, result.requests) : undefined;
      results.get(target)!.push({ ...result, ...(cpuPerRequest === undefined ? {} : { cpuPerRequest }) });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers and ${result.errors} errors in ${target.label} — the figures would measure failures, not the path`);
    }
    const ratios = gateways.map((g) => `${g.label.replace(' → auth', '')} / pipe ${ratio(round, g, floor).toFixed(2)}`).join(', ');
    const cpu = targets
      .filter((t) => t.process)
      .map((t) => `${t.label.replace(' → auth', '')} ${results.get(t)![round]!.cpuPerRequest!.toFixed(2)}`)
      .join(', ');
    console.log(`round ${round + 1}: pipe / direct ${ratio(round, floor, direct).toFixed(2)}, ${ratios}; CPU ms/request: ${cpu}; load ${loadavg()[0]!.toFixed(2)}`);
  }

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const rows = Array.from({ length: rounds }, (_, round) => round);
  console.log('\nmedian of the rounds:');
  printTable(targets.map((target) => {
    const own = results.get(target)!;
    return { ...own[0]!, label: target.label, requestsPerSecond: median(own.map((r) => r.requestsPerSecond)), p50: median(own.map((r) => r.p50)), p99: median(own.map((r) => r.p99)) };
  }));
  console.log(`pipe proxy / direct: ${median(rows.map((round) => ratio(round, floor, direct))).toFixed(2)}`);
  for (const target of gateways) {
    console.log(`${target.label.replace(' → auth', '')} / direct: ${median(rows.map((round) => ratio(round, target, direct))).toFixed(2)}`);
    console.log(`${target.label.replace(' → auth', '')} / pipe proxy: ${median(rows.map((round) => ratio(round, target, floor))).toFixed(2)} (rounds: ${rows.map((round) => ratio(round, target, floor).toFixed(2)).join(', ')})`);
  }
  if (gateways.length > 1) console.log(`${gateways[0]!.label} / ${gateways[1]!.label}: ${median(rows.map((round) => ratio(round, gateways[0]!, gateways[1]!))).toFixed(2)}`);
  for (const target of targets.filter((t) => t.process)) {
    console.log(`CPU ms/request, ${target.label.replace(' → auth', '')}: median ${median(results.get(target)!.map((r) => r.cpuPerRequest!)).toFixed(3)}`);
  }
  console.log(`load average after: ${loadavg().map((n) => n.toFixed(2)).join(' / ')}`);
} finally {
  await Promise.all(children.reverse().map((child) => terminate(child)));
  await db.drop();
  await bus.cleanup([]);
}
