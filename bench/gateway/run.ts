// bench/gateway: authenticated GET /api/v1/auth/me straight to the auth service, through a bare
// pipe proxy (the cost of one extra hop), and through the gateway (JWT verify + rate limits +
// routing + breaker + metrics), in one run on this machine. Prints req/s, p50/p99 and ratios.
// Usage: node --import tsx bench/gateway/run.ts [seconds]
import { createBusNamespace, createTestDatabase, startChild, terminate } from '@ecar/testkit';
import { autocannon, printTable } from '../lib/processes.ts';

const seconds = Number(process.argv[2] ?? 10);
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
const auth = await startChild('auth', 'services/auth/src/main.ts', authEnv, 'http://127.0.0.1:3901/health/ready');
const gateway = await startChild(
  'gateway',
  'gateway/src/main.ts',
  {
    NODE_ENV: 'development',
    PORT: '3980',
    AUTH_URL: 'http://127.0.0.1:3901',
    AUTH_JWKS_URL: 'http://127.0.0.1:3901/.well-known/jwks.json',
    BUS_EXCHANGE: bus.exchange,
    BUS_QUEUE_PREFIX: bus.queuePrefix,
    RATE_LIMIT_PER_IP: '100000000',
    RATE_LIMIT_PER_USER: '100000000',
  },
  'http://127.0.0.1:3980/health/live',
);
const pipe = await startChild('pipe-proxy', 'bench/gateway/pipe-proxy.ts', { PORT: '3990', TARGET: 'http://127.0.0.1:3901' }, 'http://127.0.0.1:3990/health/live');

try {
  const login = await fetch('http://127.0.0.1:3980/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@ecar.test', password }),
  });
  // The bootstrap super-admin has not enrolled MFA: its token is good for auth/me (and enrolment),
  // which is the request measured here.
  const { accessToken } = (await login.json()) as { accessToken: string };
  const headers = { authorization: `Bearer ${accessToken}` };
  const path = '/api/v1/auth/me';
  await autocannon('warm-up', `http://127.0.0.1:3980${path}`, headers, 3);
  const direct = await autocannon('direct → auth', `http://127.0.0.1:3901${path}`, headers, seconds);
  const floor = await autocannon('bare pipe proxy → auth', `http://127.0.0.1:3990${path}`, headers, seconds);
  const viaGateway = await autocannon('gateway → auth', `http://127.0.0.1:3980${path}`, headers, seconds);
  printTable([direct, floor, viaGateway]);
  const failed = [direct, floor, viaGateway].filter((result) => result.non2xx > 0 || result.errors > 0);
  if (failed.length > 0) throw new Error(`non-2xx answers or errors in: ${failed.map((r) => r.label).join(', ')} — the figures measure failures, not the path`);
  console.log(`gateway / direct:     ${(viaGateway.requestsPerSecond / direct.requestsPerSecond).toFixed(2)}`);
  console.log(`pipe proxy / direct:  ${(floor.requestsPerSecond / direct.requestsPerSecond).toFixed(2)}`);
  console.log(`gateway / pipe proxy: ${(viaGateway.requestsPerSecond / floor.requestsPerSecond).toFixed(2)}`);
} finally {
  await Promise.all([terminate(gateway), terminate(pipe), terminate(auth)]);
  await db.drop();
  await bus.cleanup([]);
}
