/**
 * Everything a backup e2e test needs, real and in this process: the auth service (token keys),
 * two "service" databases with customers in them, a document store, a backup key pair, an sshd,
 * and the backup service wired to all of it on a private exchange.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { AMQP_URL, PG_ADMIN_URL, createBusNamespace, createTestDatabase, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import { authService, type AuthService } from '../../services/auth/src/service.ts';
import { generateBackupKeyPair, generateManifestSigningKey, type BackupKeyPair } from '../../services/backup/src/crypto/keygen.ts';
import { backupService, type BackupService } from '../../services/backup/src/service.ts';
import { startSftpServer, type TestSftpServer } from './sshd.ts';
import { currentSigningKey, signAccessToken, type SigningKey } from './tokens.ts';

export interface BackupHarness {
  auth: AuthService;
  bus: BusNamespace;
  sftp: TestSftpServer;
  keys: BackupKeyPair;
  keyDir: string;
  privateKeyPath: string;
  /** The manifest signing key (BACKUP_SIGNING_KEY) and its public half, as the restore/drill commands' `--verify-keys` file. */
  signingKeyPem: string;
  verifyKeysPath: string;
  backupDb: TestDatabase;
  /** The databases the backup dumps, with a customer whose name and e-mail are known. */
  garageDb: TestDatabase;
  billingDb: TestDatabase;
  customer: { name: string; email: string };
  documentsDir: string;
  backupDir: string;
  /** Env the backup service was started with; tests start variants of it. */
  env: NodeJS.ProcessEnv;
  startBackup(overrides?: NodeJS.ProcessEnv): Promise<BackupService>;
  token(role: 'super-admin' | 'technician' | 'customer'): Promise<string>;
  stop(): Promise<void>;
}

async function exec(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function seed(garage: TestDatabase, billing: TestDatabase, customer: { name: string; email: string }): Promise<void> {
  await exec(
    garage.url,
    `CREATE TABLE customers (id uuid PRIMARY KEY, name text NOT NULL, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
     CREATE TABLE vehicles (id serial PRIMARY KEY, customer_id uuid REFERENCES customers(id) ON DELETE CASCADE, plate text, mileage numeric(10,1), photo bytea);
     CREATE TABLE "Work Orders" (id bigserial PRIMARY KEY, notes text, due date, hours interval, price double precision);`,
  );
  await exec(garage.url, `INSERT INTO customers (id, name, email) VALUES ($1, $2, $3)`, [randomUUID(), customer.name, customer.email]);
  await exec(
    garage.url,
    `INSERT INTO customers (id, name, email) SELECT gen_random_uuid(), 'Client ' || g, 'client' || g || '@example.tn' FROM generate_series(1, 300) g;
     INSERT INTO vehicles (customer_id, plate, mileage, photo) SELECT id, (100 + row_number() OVER ()) || ' TU 2024', 12345.6, '\\x00ff10'::bytea FROM customers;
     INSERT INTO "Work Orders" (notes, due, hours, price) SELECT 'vidange ' || g, date '2026-01-01' + g, make_interval(hours => g), g / 7.0 FROM generate_series(1, 500) g;`,
  );
  await exec(
    billing.url,
    `CREATE TABLE invoices (number text PRIMARY KEY, buyer text NOT NULL, total_millimes bigint NOT NULL, lines jsonb);
     INSERT INTO invoices SELECT 'F-2026-' || lpad(g::text, 6, '0'), 'Client ' || g, g * 1000, jsonb_build_object('qty', g) FROM generate_series(1, 200) g;`,
  );
  await exec(billing.url, `INSERT INTO invoices VALUES ('F-2026-999999', $1, 5, '{}')`, [customer.name]);
}

export async function startBackupHarness(label: string, options: { drill?: boolean } = {}): Promise<BackupHarness> {
  const bus = createBusNamespace(label);
  const [authDb, backupDb, garageDb, billingDb] = await Promise.all([
    createTestDatabase(`${label}_auth`),
    createTestDatabase(`${label}_bk`),
    createTestDatabase(`${label}_garage`),
    createTestDatabase(`${label}_billing`),
  ]);
  const suffix = randomBytes(4).toString('hex');
  const customer = { name: `Zouhaier Ben Gharbia ${suffix}`, email: `zouhaier.${suffix}@garage-test.tn` };
  await seed(garageDb, billingDb, customer);

  const work = mkdtempSync(join(tmpdir(), `ecar-${label}-`));
  const documentsDir = join(work, 'documents');
  const backupDir = join(work, 'backups');
  const keyDir = join(work, 'keys');
  mkdirSync(join(documentsDir, 'invoices'), { recursive: true });
  mkdirSync(keyDir, { mode: 0o700 });
  writeFileSync(join(documentsDir, 'invoices', 'F-2026-000001.pdf'), `%PDF-1.7 facture pour ${customer.name} <${customer.email}>\n`);
  const keys = await generateBackupKeyPair();
  const privateKeyPath = join(keyDir, 'backup-private.pem');
  writeFileSync(privateKeyPath, keys.privatePem, { mode: 0o600 });
  const signing = generateManifestSigningKey();
  const signingKeyPem = signing.privatePem;
  const verifyKeysPath = join(keyDir, 'backup-verify.pem');
  writeFileSync(verifyKeysPath, signing.publicPem);

  const common = { NODE_ENV: 'test', PORT: '0', BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, LOG_LEVEL: 'error', AMQP_URL };
  const auth = await authService.start({
    ...common,
    DATABASE_URL: authDb.url,
    ARGON2_MEMORY_KIB: '19456',
    ARGON2_ITERATIONS: '2',
    ECAR_BOOTSTRAP_ADMIN_EMAIL: 'admin@ecar.test',
    ECAR_BOOTSTRAP_ADMIN_PASSWORD: 'Adm1n!-test-Passw0rd',
  });
  const sftp = await startSftpServer();
  const env: NodeJS.ProcessEnv = {
    ...common,
    DATABASE_URL: backupDb.url,
    AUTH_JWKS_URL: `${auth.url}/.well-known/jwks.json`,
    BACKUP_DIR: backupDir,
    DOCUMENTS_DIR: documentsDir,
    BACKUP_DUMP_DATABASE_URL: PG_ADMIN_URL,
    BACKUP_DATABASES: `${garageDb.name},${billingDb.name}`,
    BACKUP_PUBLIC_KEY: keys.publicPem,
    BACKUP_SIGNING_KEY: signingKeyPem,
    BACKUP_SCHEDULE_ENABLED: 'false',
    // No compression: without encryption the customer's name would be readable in the dump.
    BACKUP_PG_DUMP_COMPRESSION: '0',
    BACKUP_UPLOAD_RETRY_BASE_MS: '200',
    SFTP_HOST: sftp.host,
    SFTP_PORT: String(sftp.port),
    SFTP_USERNAME: sftp.username,
    SFTP_PRIVATE_KEY: sftp.clientPrivateKey,
    // Pinned the way compose does it (SFTP_KNOWN_HOSTS_FILE); SFTP_HOST_KEY_SHA256 is the alternative.
    SFTP_KNOWN_HOSTS: `${sftp.knownHostsLine}\n`,
    SFTP_ALLOWED_HOSTS: '127.0.0.1',
    SFTP_REMOTE_DIR: sftp.remoteDir,
    BACKUP_DRILL_ENABLED: options.drill ? 'true' : 'false',
    BACKUP_DRILL_PRIVATE_KEY: keys.privatePem,
    BACKUP_DRILL_ADMIN_URL: PG_ADMIN_URL,
  };

  let tokenKey: SigningKey | undefined;
  const services: BackupService[] = [];
  return {
    auth,
    bus,
    sftp,
    keys,
    keyDir,
    privateKeyPath,
    signingKeyPem,
    verifyKeysPath,
    backupDb,
    garageDb,
    billingDb,
    customer,
    documentsDir,
    backupDir,
    env,
    async startBackup(overrides = {}) {
      const service = await backupService.start({ ...env, ...overrides });
      services.push(service);
      return service;
    },
    async token(role) {
      tokenKey ??= await currentSigningKey(authDb.url);
      return signAccessToken(tokenKey, role);
    },
    async stop() {
      for (const service of services) await service.stop();
      await sftp.dispose();
      await auth.stop();
      await bus.cleanup([]);
      await Promise.all([authDb.drop(), backupDb.drop(), garageDb.drop(), billingDb.drop()]);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export { exec as queryDatabase };
