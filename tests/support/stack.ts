import { AMQP_URL, TcpProxy, createBusNamespace, createTestDatabase, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import type { RunningService } from '@ecar/runtime';
import { startAuditService } from '../../services/audit/src/service.ts';
import { startAuthService, type AuthService } from '../../services/auth/src/service.ts';
import { startGateway, type Gateway } from '../../gateway/src/gateway.ts';

export const ADMIN_EMAIL = 'admin@ecar.test';
export const ADMIN_PASSWORD = 'Adm1n!-test-Passw0rd';
/** Cheapest argon2id parameters the config accepts (OWASP minimum), to keep tests fast. */
const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2' };

export interface Stack {
  auth: AuthService;
  audit: RunningService;
  gateway: Gateway;
  databases: { auth: TestDatabase; audit: TestDatabase };
  bus: BusNamespace;
  /** The broker link of the auth service: stop it to simulate a broker outage for auth alone. */
  authBrokerLink: TcpProxy;
  env: { auth: NodeJS.ProcessEnv; audit: NodeJS.ProcessEnv; gateway: NodeJS.ProcessEnv };
  stop(): Promise<void>;
}

/**
 * auth + audit + gateway in this process, each on port 0 with its own throw-away database and a
 * private exchange on the real broker. auth reaches the broker through a TCP proxy the test owns.
 */
export async function startStack(label: string, gatewayOverrides: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const bus = createBusNamespace(label);
  const [authDb, auditDb] = await Promise.all([createTestDatabase(`${label}_auth`), createTestDatabase(`${label}_audit`)]);
  const brokerUrl = new URL(AMQP_URL);
  const authBrokerLink = new TcpProxy(brokerUrl.hostname, Number(brokerUrl.port || 5672));
  await authBrokerLink.start();
  const viaProxy = new URL(AMQP_URL);
  viaProxy.port = String(authBrokerLink.port);

  const common = { NODE_ENV: 'test', PORT: '0', BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, LOG_LEVEL: 'error' };
  const authEnv = {
    ...common,
    ...FAST_ARGON2,
    DATABASE_URL: authDb.url,
    AMQP_URL: viaProxy.toString(),
    ECAR_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    ECAR_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
  const auth = await startAuthService(authEnv);
  const jwks = `${auth.url}/.well-known/jwks.json`;
  const auditEnv = { ...common, DATABASE_URL: auditDb.url, AMQP_URL, AUTH_JWKS_URL: jwks };
  const audit = await startAuditService(auditEnv);
  const gatewayEnv = {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'error',
    AUTH_URL: auth.url,
    AUDIT_URL: audit.url,
    AUTH_JWKS_URL: jwks,
    TRUST_PROXY_HOPS: '0',
    BREAKER_RESET_MS: '300',
    CORS_ORIGINS: 'https://portal.ecar.test',
    ...gatewayOverrides,
  };
  const gateway = await startGateway(gatewayEnv);
  const stack: Stack = {
    auth,
    audit,
    gateway,
    databases: { auth: authDb, audit: auditDb },
    bus,
    authBrokerLink,
    env: { auth: authEnv, audit: auditEnv, gateway: gatewayEnv },
    // Tests may replace a service (stop and restart it): stop whatever the stack holds now.
    async stop() {
      await stack.gateway.stop();
      await stack.audit.stop();
      await stack.auth.stop();
      await authBrokerLink.stop();
      const queue = `${bus.queuePrefix}audit.all`;
      await bus.cleanup([queue, `${queue}.dlq`, `${queue}.retry.1000`, `${queue}.retry.5000`, `${queue}.retry.30000`]);
      await Promise.all([authDb.drop(), auditDb.drop()]);
    },
  };
  return stack;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  elapsedMs: number;
}

export async function call(base: string, path: string, init: RequestInit & { json?: unknown; token?: string } = {}): Promise<JsonResponse> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const started = performance.now();
  const response = await fetch(`${base}${path}`, { ...init, headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { raw: text };
  }
  return { status: response.status, headers: response.headers, body, elapsedMs: performance.now() - started };
}

export async function loginAsAdmin(gatewayUrl: string): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await call(gatewayUrl, '/api/v1/auth/login', { method: 'POST', json: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { accessToken: String(response.body['accessToken']), refreshToken: String(response.body['refreshToken']) };
}
