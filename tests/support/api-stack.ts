import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allConsumerQueues, consumerQueueNames } from '@ecar/bus';
import type { Role } from '@ecar/contracts';
import type { Route } from '@ecar/runtime';
import { AMQP_URL, PG_ADMIN_URL, createBusNamespace, createTestDatabase, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import { auditService, type AuditService } from '../../services/audit/src/service.ts';
import { authService, type AuthService } from '../../services/auth/src/service.ts';
import { generateBackupKeyPair, generateManifestSigningKey } from '../../services/backup/src/crypto/keygen.ts';
import { backupService, type BackupService } from '../../services/backup/src/service.ts';
import { billingService, type BillingService } from '../../services/billing/src/service.ts';
import { WORKORDER_QUEUE } from '../../services/billing/src/messaging/subscriptions.ts';
import { REPORTS_QUEUE } from '../../services/billing/src/messaging/report-subscriptions.ts';
import { garageService, type GarageService } from '../../services/garage/src/service.ts';
import { startGateway, type Gateway } from '../../gateway/src/gateway.ts';

/** Cheapest argon2id parameters auth accepts: the bootstrap admin is hashed once per stack. */
const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2' };

export interface ApiStack {
  auth: AuthService;
  audit: AuditService;
  backup: BackupService;
  garage: GarageService;
  billing: BillingService;
  gateway: Gateway;
  bus: BusNamespace;
  /** The route tables of the services (all on the service kit), with each service's own URL. */
  routeTables: Array<{ service: string; url: string; routes: readonly Route[] }>;
  /** A fresh access token from auth's signer (new session each time: a logout revokes only it). */
  token(role: Role): string;
  stop(): Promise<void>;
}

/**
 * auth, audit, backup, garage and billing behind the gateway, in this process, each with a throw-away
 * database. Backup has no second (SFTP) copy here, which test mode allows: its API is the same, and
 * a manual backup dumps the garage and billing databases of this stack into a temporary directory.
 */
export async function startApiStack(label: string): Promise<ApiStack> {
  const bus = createBusNamespace(label);
  const databases: TestDatabase[] = await Promise.all(['auth', 'audit', 'garage', 'billing', 'backup'].map((name) => createTestDatabase(`${label}_${name}`)));
  const [authDb, auditDb, garageDb, billingDb, backupDb] = databases as [TestDatabase, TestDatabase, TestDatabase, TestDatabase, TestDatabase];
  const documentsDir = await mkdtemp(join(tmpdir(), 'ecar-api-docs-'));
  const backupDir = await mkdtemp(join(tmpdir(), 'ecar-api-backups-'));
  const common = { NODE_ENV: 'test', PORT: '0', AMQP_URL, BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, LOG_LEVEL: 'error' };
  const auth = await authService.start({ ...common, ...FAST_ARGON2, DATABASE_URL: authDb.url, ECAR_BOOTSTRAP_ADMIN_EMAIL: 'admin@ecar.test', ECAR_BOOTSTRAP_ADMIN_PASSWORD: 'Adm1n!-test-Passw0rd' });
  const jwks = `${auth.url}/.well-known/jwks.json`;
  const audit = await auditService.start({ ...common, DATABASE_URL: auditDb.url, AUTH_JWKS_URL: jwks });
  const garage = await garageService.start({ ...common, DATABASE_URL: garageDb.url, AUTH_JWKS_URL: jwks, DOCUMENTS_DIR: documentsDir, MAX_DOCUMENT_BYTES: String(256 * 1024) });
  const billing = await billingService.start({ ...common, DATABASE_URL: billingDb.url, AUTH_JWKS_URL: jwks });
  const backup = await backupService.start({
    ...common,
    DATABASE_URL: backupDb.url,
    AUTH_JWKS_URL: jwks,
    BACKUP_DIR: backupDir,
    DOCUMENTS_DIR: documentsDir,
    BACKUP_DUMP_DATABASE_URL: PG_ADMIN_URL,
    BACKUP_DATABASES: `${garageDb.name},${billingDb.name}`,
    BACKUP_PUBLIC_KEY: (await generateBackupKeyPair()).publicPem,
    BACKUP_SIGNING_KEY: generateManifestSigningKey().privatePem,
    BACKUP_SCHEDULE_ENABLED: 'false',
    BACKUP_DRILL_ENABLED: 'false',
  });
  const gateway = await startGateway({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'error',
    AUTH_URL: auth.url,
    AUDIT_URL: audit.url,
    BACKUP_URL: backup.url,
    GARAGE_URL: garage.url,
    BILLING_URL: billing.url,
    AUTH_JWKS_URL: jwks,
    AMQP_URL,
    BUS_EXCHANGE: bus.exchange,
    BUS_QUEUE_PREFIX: bus.queuePrefix,
    TRUST_PROXY_HOPS: '0',
    RATE_LIMIT_PER_IP: '1000000',
    RATE_LIMIT_PER_USER: '1000000',
    RATE_LIMIT_LOGIN_PER_IP: '1000000',
  });
  return {
    auth,
    audit,
    backup,
    garage,
    billing,
    gateway,
    bus,
    routeTables: [
      { service: 'auth', url: auth.url, routes: auth.routes },
      { service: 'audit', url: audit.url, routes: audit.routes },
      { service: 'backup', url: backup.url, routes: backup.routes },
      { service: 'garage', url: garage.url, routes: garage.routes },
      { service: 'billing', url: billing.url, routes: billing.routes },
    ],
    token: (role) => auth.domain.signer.sign({ userId: randomUUID(), role, sessionId: randomUUID(), mfa: role === 'super-admin' }).token,
    async stop() {
      await gateway.stop();
      await billing.stop();
      await garage.stop();
      await backup.stop();
      await audit.stop();
      await auth.stop();
      const standard = [1000, 5000, 30000];
      const queues = [
        ...['garage.users', 'garage.report-replays', 'audit.all', 'audit.alert-notifications', REPORTS_QUEUE].map((name) => consumerQueueNames(`${bus.queuePrefix}${name}`, standard)),
        consumerQueueNames(`${bus.queuePrefix}${WORKORDER_QUEUE}`, billing.config.WORKORDER_RETRY_DELAYS_MS.map(Number)),
      ];
      await bus.cleanup(queues.flatMap((names) => allConsumerQueues(names)));
      await Promise.all(databases.map((database) => database.drop()));
      await rm(documentsDir, { recursive: true, force: true });
      await rm(backupDir, { recursive: true, force: true });
    },
  };
}
