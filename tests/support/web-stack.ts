import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { allConsumerQueues, consumerQueueNames } from '@ecar/bus';
import type { Role } from '@ecar/contracts';
import { AMQP_URL, PG_ADMIN_URL, createBusNamespace, createTestDatabase, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import { auditService, type AuditService } from '../../services/audit/src/service.ts';
import { authService, type AuthService } from '../../services/auth/src/service.ts';
import { generateBackupKeyPair, generateManifestSigningKey } from '../../services/backup/src/crypto/keygen.ts';
import { backupService, type BackupService } from '../../services/backup/src/service.ts';
import { TEIF_QUEUE } from '../../services/billing/src/messaging/teif-subscriptions.ts';
import { REPORTS_QUEUE } from '../../services/billing/src/messaging/report-subscriptions.ts';
import { billingService, type BillingService } from '../../services/billing/src/service.ts';
import { garageService, type GarageService } from '../../services/garage/src/service.ts';
import { WEB_DIST_DIR } from '../../gateway/src/web.ts';
import { startGateway, type Gateway } from '../../gateway/src/gateway.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, loginAsAdmin, useAdminAuthenticator, type JsonResponse } from './stack.ts';
import { sharedMailbox } from './fake-smtp.ts';
import { useMailbox } from './mfa.ts';

/** TOTP step of the web stacks' auth, in seconds (see MFA_TOTP_PERIOD_SECONDS below). */
export const WEB_TOTP_PERIOD_SECONDS = 2;

export { ADMIN_EMAIL, ADMIN_PASSWORD, adminAuthenticator } from './stack.ts';

/** Cheapest argon2id parameters auth accepts (every user created by a test is hashed once). */
const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2' };

export interface WebStack {
  /** The gateway's base URL: it serves web/dist and routes the API, as in production behind nginx. */
  url: string;
  gateway: Gateway;
  auth: AuthService;
  garage: GarageService;
  billing: BillingService;
  audit: AuditService;
  backup: BackupService;
  bus: BusNamespace;
  databases: Record<'auth' | 'garage' | 'billing' | 'audit' | 'backup', TestDatabase>;
  /** A full-MFA bearer token of the stack's super-admin (already enrolled in TOTP). */
  adminToken(): Promise<string>;
  /** An API call through the gateway, as the super-admin unless `token` is given. */
  api(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<JsonResponse>;
  stop(): Promise<void>;
}

export interface Account {
  id: string;
  email: string;
  password: string;
  displayName: string;
  role: Role;
}

export interface CustomerAccount extends Account {
  /** The garage's customer record linked to the account. */
  customerId: string;
}

/** Environment overrides per process, on top of the stack's test settings. */
export interface WebStackOptions {
  auth?: NodeJS.ProcessEnv;
  garage?: NodeJS.ProcessEnv;
  billing?: NodeJS.ProcessEnv;
  audit?: NodeJS.ProcessEnv;
  backup?: NodeJS.ProcessEnv;
  gateway?: NodeJS.ProcessEnv;
}

/** A loopback port free right now: the gateway's, known before auth starts (links in e-mails). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * The whole back end in this process (auth, garage, billing, audit, backup, each with its own
 * throw-away database, on a private exchange of the real broker) and the gateway serving the
 * built web app. Start it once per test file (before), stop it after. The super-admin
 * (ADMIN_EMAIL) is enrolled in TOTP already: sign in with signInAsAdmin (tests/support/browser.ts).
 * auth's e-mail links point at the public shell (`PUBLIC_BASE_URL` = `<gateway>/app`); pass
 * `{ auth: { SMTP_URL } }` with a FakeSmtpServer to read them.
 */
export async function startWebStack(label: string, options: WebStackOptions = {}): Promise<WebStack> {
  if (!existsSync(join(WEB_DIST_DIR, 'admin', 'index.html'))) throw new Error('web/dist is missing: run `npm run build -w web` (npm test does it)');
  const bus = createBusNamespace(label);
  const names = ['auth', 'garage', 'billing', 'audit', 'backup'] as const;
  const created = await Promise.all(names.map((name) => createTestDatabase(`${label}_${name}`)));
  const databases = Object.fromEntries(names.map((name, index) => [name, created[index]!])) as WebStack['databases'];
  const work = mkdtempSync(join(tmpdir(), `ecar-${label}-`));
  // garage stores documents there; backup archives it into every set.
  mkdirSync(join(work, 'documents'), { mode: 0o700 });
  const gatewayPort = await freePort();
  const common = { NODE_ENV: 'test', PORT: '0', AMQP_URL, BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, LOG_LEVEL: 'error' };
  const auth = await authService.start({
    ...common,
    ...FAST_ARGON2,
    DATABASE_URL: databases.auth.url,
    ECAR_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    ECAR_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // 2 s TOTP steps: many sign-ins of one admin without waiting 30 s (tests/support/stack.ts), and
    // a code typed by a slow page on a loaded machine still in its window (at least 3 s, see nextCode).
    MFA_TOTP_PERIOD_SECONDS: String(WEB_TOTP_PERIOD_SECONDS),
    PUBLIC_BASE_URL: `http://127.0.0.1:${gatewayPort}/app`,
    // Account e-mails (MFA enrolment codes) go to the process's fake mailbox unless the test reads its own.
    SMTP_URL: (await sharedMailbox()).url,
    // Cookies keep Secure: Chromium accepts Secure cookies from http://127.0.0.1 (a secure context).
    ...options.auth,
  });
  const jwks = `${auth.url}/.well-known/jwks.json`;
  const withJwks = { ...common, AUTH_JWKS_URL: jwks };
  const keys = await generateBackupKeyPair();
  const [garage, billing, audit, backup] = await Promise.all([
    garageService.start({ ...withJwks, DATABASE_URL: databases.garage.url, DOCUMENTS_DIR: join(work, 'documents'), ...options.garage }),
    billingService.start({ ...withJwks, DATABASE_URL: databases.billing.url, ...options.billing }),
    auditService.start({ ...withJwks, DATABASE_URL: databases.audit.url, ...options.audit }),
    backupService.start({
      ...withJwks,
      DATABASE_URL: databases.backup.url,
      BACKUP_DIR: join(work, 'backups'),
      DOCUMENTS_DIR: join(work, 'documents'),
      BACKUP_DUMP_DATABASE_URL: PG_ADMIN_URL,
      BACKUP_DATABASES: `${databases.garage.name},${databases.billing.name}`,
      BACKUP_PUBLIC_KEY: keys.publicPem,
      BACKUP_SIGNING_KEY: generateManifestSigningKey().privatePem,
      BACKUP_SCHEDULE_ENABLED: 'false',
      BACKUP_DRILL_ENABLED: 'true',
      BACKUP_DRILL_PRIVATE_KEY: keys.privatePem,
      BACKUP_DRILL_ADMIN_URL: PG_ADMIN_URL,
      ...options.backup,
    }),
  ]);
  const gateway = await startGateway({
    NODE_ENV: 'test',
    PORT: String(gatewayPort),
    LOG_LEVEL: 'error',
    AUTH_URL: auth.url,
    GARAGE_URL: garage.url,
    BILLING_URL: billing.url,
    AUDIT_URL: audit.url,
    BACKUP_URL: backup.url,
    AUTH_JWKS_URL: jwks,
    AMQP_URL,
    BUS_EXCHANGE: bus.exchange,
    BUS_QUEUE_PREFIX: bus.queuePrefix,
    REDIS_KEY_PREFIX: bus.queuePrefix,
    TRUST_PROXY_HOPS: '0',
    RATE_LIMIT_PER_IP: '100000',
    RATE_LIMIT_PER_USER: '100000',
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    ...options.gateway,
  });
  const url = gateway.url;
  useMailbox(url, String(options.auth?.['SMTP_URL'] ?? (await sharedMailbox()).url));
  // Enrols the super-admin (first sign-in) so browser tests go through the TOTP step.
  useAdminAuthenticator(url, WEB_TOTP_PERIOD_SECONDS);
  let admin = await loginAsAdmin(url);
  let adminIssuedAt = Date.now();
  const stack: WebStack = {
    url,
    gateway,
    auth,
    garage,
    billing,
    audit,
    backup,
    bus,
    databases,
    async adminToken() {
      // Access tokens live minutes; sign in again well before that.
      if (Date.now() - adminIssuedAt > 60_000) {
        admin = await loginAsAdmin(url);
        adminIssuedAt = Date.now();
      }
      return admin.accessToken;
    },
    async api(path, init = {}) {
      return call(url, path, { ...init, token: init.token ?? (await stack.adminToken()) });
    },
    async stop() {
      await gateway.stop();
      await Promise.all([backup.stop(), audit.stop(), billing.stop(), garage.stop()]);
      await auth.stop();
      await bus.cleanup(consumerQueuesOf(bus.queuePrefix));
      await Promise.all(Object.values(databases).map((database) => database.drop()));
      rmSync(work, { recursive: true, force: true });
    },
  };
  return stack;
}

/**
 * Every consumer queue the five services declare under the stack's prefix (and the delays any of
 * them retries with): deleted at stop, or the shared broker piles up quorum queues.
 */
function consumerQueuesOf(prefix: string): string[] {
  const delays = [1000, 5000, 30000, 60000, 300000];
  return ['audit.all', 'audit.alert-notifications', 'billing.workorders', TEIF_QUEUE, 'garage.users', 'garage.report-replays', REPORTS_QUEUE].flatMap((name) => allConsumerQueues(consumerQueueNames(`${prefix}${name}`, delays)));
}

function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** A staff or customer account created by the super-admin through the API. */
export async function createAccount(stack: WebStack, role: Role, displayName = `${role} ${uniqueSuffix()}`): Promise<Account> {
  const email = `${role}.${uniqueSuffix()}@web.test`;
  const password = `Web-${uniqueSuffix()}-Passw0rd!`;
  const response = await stack.api('/api/v1/users', { method: 'POST', json: { email, password, displayName, role } });
  if (response.status !== 201) throw new Error(`creating a ${role} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: String(response.body['id']), email, password, displayName, role };
}

export function createTechnician(stack: WebStack, displayName?: string): Promise<Account> {
  return createAccount(stack, 'technician', displayName);
}

/**
 * A customer account and its garage customer profile. Garage creates the profile itself from
 * auth's `auth.user.created` event (over the real broker): wait until it is there.
 */
export async function createCustomer(stack: WebStack, displayName = `Client ${uniqueSuffix()}`): Promise<CustomerAccount> {
  const account = await createAccount(stack, 'customer', displayName);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const found = await stack.api(`/api/v1/customers?email=${encodeURIComponent(account.email)}`);
    const items = found.body['items'];
    if (found.status === 200 && Array.isArray(items) && items.length === 1) return { ...account, customerId: String((items[0] as { id: string }).id) };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`garage created no customer profile for ${account.email}`);
}
