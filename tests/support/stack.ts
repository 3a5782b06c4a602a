import { AMQP_URL, TcpProxy, createBusNamespace, createTestDatabase, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import type { RunningService } from '@ecar/runtime';
import { auditService } from '../../services/audit/src/service.ts';
import { authService, type AuthService } from '../../services/auth/src/service.ts';
import { startGateway, type Gateway } from '../../gateway/src/gateway.ts';
import { sharedMailbox } from './fake-smtp.ts';
import { newAuthenticator, signInWithMfa, useMailbox, type Authenticator } from './mfa.ts';

export const ADMIN_EMAIL = 'admin@ecar.test';
export const ADMIN_PASSWORD = 'Adm1n!-test-Passw0rd';
/** Cheapest argon2id parameters the config accepts (OWASP minimum), to keep tests fast. */
const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2' };
/**
 * TOTP step of the test stacks: 1 s instead of 30 so that many sign-ins of the one admin (each
 * needs a code of an unused step: replay protection) do not wait half a minute. A stack may
 * override it (MFA tests use the real 30 s).
 */
const TEST_TOTP_PERIOD_SECONDS = '1';
/** The stack admin's authenticator, per gateway URL (the admin enrols on its first sign-in). */
const adminAuthenticators = new Map<string, Authenticator>();
const adminSignIns = new Map<string, Promise<unknown>>();

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
export async function startStack(
  label: string,
  gatewayOverrides: NodeJS.ProcessEnv = {},
  authOverrides: NodeJS.ProcessEnv = {},
  auditOverrides: NodeJS.ProcessEnv = {},
): Promise<Stack> {
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
    MFA_TOTP_PERIOD_SECONDS: TEST_TOTP_PERIOD_SECONDS,
    // Account e-mails (MFA enrolment codes) go to the process's fake mailbox unless the test reads its own.
    SMTP_URL: (await sharedMailbox()).url,
    ...authOverrides,
  };
  const auth = await authService.start(authEnv);
  const jwks = `${auth.url}/.well-known/jwks.json`;
  const auditEnv = { ...common, DATABASE_URL: auditDb.url, AMQP_URL, AUTH_JWKS_URL: jwks, ...auditOverrides };
  const audit = await auditService.start(auditEnv);
  const gatewayEnv = {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'error',
    AUTH_URL: auth.url,
    AUDIT_URL: audit.url,
    AUTH_JWKS_URL: jwks,
    AMQP_URL,
    BUS_EXCHANGE: bus.exchange,
    BUS_QUEUE_PREFIX: bus.queuePrefix,
    REDIS_KEY_PREFIX: bus.queuePrefix,
    TRUST_PROXY_HOPS: '0',
    BREAKER_RESET_MS: '300',
    CORS_ORIGINS: 'https://portal.ecar.test',
    // Every test request comes from 127.0.0.1 and an MFA sign-in is two login calls: roomier
    // limits than production, unless a test sets its own (gateway-rate-limit does).
    RATE_LIMIT_PER_IP: '3000',
    RATE_LIMIT_LOGIN_PER_IP: '200',
    ...gatewayOverrides,
  };
  const gateway = await startGateway(gatewayEnv);
  useAdminAuthenticator(gateway.url, Number(authEnv.MFA_TOTP_PERIOD_SECONDS));
  useMailbox(gateway.url, String(authEnv.SMTP_URL));
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

/**
 * Signs the stack's super-admin in through the real flow (password, then TOTP; enrolment on the
 * first call) and returns full-MFA mobile tokens.
 */
export async function loginAsAdmin(gatewayUrl: string, headers: Record<string, string> = {}): Promise<{ accessToken: string; refreshToken: string }> {
  let authenticator = adminAuthenticators.get(gatewayUrl);
  if (!authenticator) {
    authenticator = newAuthenticator(Number(TEST_TOTP_PERIOD_SECONDS));
    adminAuthenticators.set(gatewayUrl, authenticator);
  }
  const enrolled = authenticator;
  // One sign-in at a time per admin: codes must reach auth in time-step order (replay protection).
  const previous = adminSignIns.get(gatewayUrl) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(() => signInWithMfa(gatewayUrl, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, enrolled, headers));
  adminSignIns.set(gatewayUrl, current);
  const { accessToken, refreshToken } = await current;
  return { accessToken, refreshToken };
}

/** Registers the authenticator of a stack's super-admin, with the TOTP step its auth uses. */
export function useAdminAuthenticator(gatewayUrl: string, periodSeconds: number): void {
  adminAuthenticators.set(gatewayUrl, newAuthenticator(periodSeconds));
}

/** The stack admin's authenticator (its TOTP secret and recovery codes once enrolled). */
export function adminAuthenticator(gatewayUrl: string): Authenticator | undefined {
  return adminAuthenticators.get(gatewayUrl);
}
