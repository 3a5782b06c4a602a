import { commonFields, ConfigError, field, loadConfig, type ConfigOf, type Mode } from '@ecar/config';
import { developmentPublicKey, developmentSigningKey } from './crypto/dev-key.ts';
import { loadBackupPrivateKey, loadBackupPublicKey, type BackupPrivateKey, type BackupPublicKey } from './crypto/key-wrap.ts';
import { loadManifestSigner, loadVerificationKeys, type ManifestSigner, type VerificationKeyring } from './crypto/manifest.ts';
import { knownHostFingerprints } from './domain/known-hosts.ts';

/** libpq (pg_dump, pg_restore) and node-postgres both read sslmode and sslrootcert from the URL. */
const postgresTls = (url: URL) =>
  ['require', 'verify-ca', 'verify-full'].includes(url.searchParams.get('sslmode') ?? '')
    ? undefined
    : 'production connects to PostgreSQL over TLS: add ?sslmode=verify-full&sslrootcert=<CA file> (ENC-6)';
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const HOST_NAME = /^[A-Za-z0-9.:-]{1,253}$/;

export const backupConfigSpec = {
  ...commonFields('backup', 3005),
  BACKUP_DIR: field.string({ doc: 'Local backup directory (INC-4): /backups in production', default: './data/backups' }),
  DOCUMENTS_DIR: field.string({ doc: 'The encrypted document store, archived into every backup set', default: './data/documents' }),
  BACKUP_DUMP_DATABASE_URL: field.secretUrl({
    doc: 'PostgreSQL URL of the read-only dump role (ecar_backup_reader); its database part is replaced by each name of BACKUP_DATABASES',
    dev: 'postgres://ecar_backup_reader:ecar-dev-password-backup-reader@127.0.0.1:5432/postgres',
    protocols: ['postgres:', 'postgresql:'],
    productionTls: postgresTls,
  }),
  BACKUP_DATABASES: field.list({
    doc: 'Databases dumped into every backup set',
    default: ['ecar_auth', 'ecar_garage', 'ecar_billing', 'ecar_audit', 'ecar_backup'],
    item: DATABASE_NAME,
  }),
  BACKUP_PUBLIC_KEY: field.string({
    doc: 'RSA public key (PEM, ≥ 3072 bits) that wraps each backup set\'s data key; the private key stays offline. Development without it: a key pair in BACKUP_DEV_KEY_DIR',
    default: '',
  }),
  BACKUP_SIGNING_KEY: field.secretString({
    doc: 'Ed25519 private key (PKCS#8 PEM) that signs every manifest (issue 12, finding 8); required in production. Development without it: a key in BACKUP_DEV_KEY_DIR',
    minLength: 1,
    optional: true,
  }),
  BACKUP_VERIFY_KEYS: field.string({
    doc: 'Ed25519 public keys (SPKI PEM blocks) whose signatures are accepted besides the signing key\'s own: older signing keys during a rotation',
    default: '',
  }),
  BACKUP_DEV_KEY_DIR: field.string({ doc: 'Development only: where a throw-away backup key pair and signing key are created when BACKUP_PUBLIC_KEY / BACKUP_SIGNING_KEY are not set', default: './data/dev/backup-keys' }),
  BACKUP_TIME_ZONE: field.string({ doc: 'Time zone of the schedule and of the retention calendar (IANA name)', default: 'Africa/Tunis', pattern: /^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/ }),
  BACKUP_TIME: field.string({ doc: 'Daily backup time, HH:MM in BACKUP_TIME_ZONE', default: '02:30', pattern: /^([01]\d|2[0-3]):[0-5]\d$/ }),
  BACKUP_SCHEDULE_ENABLED: field.bool({ doc: 'Run the daily backup, the catch-up at start and the drill schedule (tests drive runs by hand)', default: true }),
  BACKUP_PG_DUMP_COMPRESSION: field.int({ doc: 'pg_dump -Z level (1 is ~2.5× faster than the default 6 for ~2.4 % more bytes, BASELINES.md)', default: 1, min: 0, max: 9 }),
  BACKUP_CHECKSUM_MAX_ROWS: field.int({
    doc: 'Tables estimated larger than this get a row count only, no content checksum (the checksum is a second full read)',
    default: 1_000_000,
    min: 0,
  }),
  BACKUP_KEEP_DAILY: field.int({ doc: 'Retention: newest set of each of the last N days', default: 7, min: 1, max: 366 }),
  BACKUP_KEEP_WEEKLY: field.int({ doc: 'Retention: newest set of each of the last N ISO weeks', default: 4, min: 0, max: 520 }),
  BACKUP_KEEP_MONTHLY: field.int({ doc: 'Retention: newest set of each of the last N months', default: 12, min: 0, max: 240 }),
  BACKUP_UPLOAD_RETRY_BASE_MS: field.int({ doc: 'First retry delay of a failed SFTP upload (doubles, capped at one hour)', default: 60_000, min: 10 }),
  SFTP_HOST: field.string({ doc: 'SFTP host of the second copy (INC-5); must be in SFTP_ALLOWED_HOSTS. Empty = no second copy (refused in production)', default: '' }),
  SFTP_PORT: field.port({ doc: 'SFTP port', default: 22 }),
  SFTP_USERNAME: field.string({ doc: 'SFTP user (key authentication only)', default: '' }),
  SFTP_PRIVATE_KEY: field.secretString({ doc: 'OpenSSH private key of the SFTP user (PEM/OpenSSH text)', minLength: 1, optional: true }),
  SFTP_HOST_KEY_SHA256: field.list({
    doc: 'Pinned host key fingerprints of the SFTP server, as `ssh-keygen -lf` prints them (SHA256:…); several during a key rotation',
    default: [],
    item: /^SHA256:[A-Za-z0-9+/]{43}$/,
  }),
  SFTP_KNOWN_HOSTS: field.string({
    doc: 'OpenSSH known_hosts text (SFTP_KNOWN_HOSTS_FILE in compose); the keys it lists for SFTP_HOST are pinned too',
    default: '',
  }),
  SFTP_ALLOWED_HOSTS: field.list({
    doc: 'Allow-list of SFTP hosts located in Tunisia (RES-2); SFTP_HOST must be one of them',
    default: [],
    item: HOST_NAME,
  }),
  SFTP_REMOTE_DIR: field.string({ doc: 'Directory on the SFTP server that holds the backup sets', default: 'ecar-backups', pattern: /^[A-Za-z0-9._/-]{1,200}$/ }),
  BACKUP_DRILL_ENABLED: field.bool({ doc: 'Run the restore drill (INC-6) weekly and after the first backup', default: true }),
  BACKUP_DRILL_INTERVAL_HOURS: field.int({ doc: 'Hours between restore drills', default: 168, min: 1 }),
  BACKUP_DRILL_PRIVATE_KEY: field.secretString({
    doc: 'Private key (PEM) the drill decrypts with: a drill-only key pair or a copy mounted into the drill job only (docs/operations/backup-restore.md)',
    minLength: 1,
    optional: true,
  }),
  BACKUP_DRILL_PRIVATE_KEY_PASSPHRASE: field.secretString({ doc: 'Passphrase of BACKUP_DRILL_PRIVATE_KEY when it is encrypted', minLength: 1, optional: true }),
  BACKUP_DRILL_ADMIN_URL: field.secretUrl({
    doc: 'PostgreSQL URL of a role with CREATEDB that creates and drops the drill\'s scratch databases',
    dev: 'postgres://ecar_backup_drill:ecar-dev-password-backup-drill@127.0.0.1:5432/postgres',
    protocols: ['postgres:', 'postgresql:'],
    productionTls: postgresTls,
  }),
};

export type BackupConfig = ConfigOf<typeof backupConfigSpec>;

/**
 * The rules that span several keys: the SFTP target must be on the allow-list of Tunisian hosts
 * (RES-2), pinned by its host key and reached with a key; production needs the public key and
 * the second copy.
 */
type SftpKeys = Pick<BackupConfig, 'SFTP_HOST' | 'SFTP_PORT' | 'SFTP_HOST_KEY_SHA256' | 'SFTP_KNOWN_HOSTS'>;

/** The host keys the SFTP server may present: the listed fingerprints and the known_hosts entries of SFTP_HOST. */
export function pinnedHostKeys(values: SftpKeys): string[] {
  return [...new Set([...values.SFTP_HOST_KEY_SHA256, ...knownHostFingerprints(values.SFTP_KNOWN_HOSTS, values.SFTP_HOST, values.SFTP_PORT)])];
}

export function crossFieldProblems(
  values: SftpKeys & Pick<BackupConfig, 'BACKUP_PUBLIC_KEY' | 'BACKUP_SIGNING_KEY' | 'SFTP_ALLOWED_HOSTS' | 'SFTP_USERNAME' | 'SFTP_PRIVATE_KEY'>,
  mode: Mode,
): string[] {
  const problems: string[] = [];
  if (values.BACKUP_PUBLIC_KEY === '' && mode === 'production') problems.push('BACKUP_PUBLIC_KEY is required in production (set BACKUP_PUBLIC_KEY or BACKUP_PUBLIC_KEY_FILE)');
  if (!values.BACKUP_SIGNING_KEY && mode === 'production') problems.push('BACKUP_SIGNING_KEY is required in production (set BACKUP_SIGNING_KEY or BACKUP_SIGNING_KEY_FILE): manifests are signed');
  if (values.SFTP_HOST === '') {
    if (mode === 'production') problems.push('SFTP_HOST is required in production (the second copy, INC-5)');
    return problems;
  }
  const allowed = values.SFTP_ALLOWED_HOSTS.map((host) => host.toLowerCase());
  if (!allowed.includes(values.SFTP_HOST.toLowerCase())) {
    problems.push(`SFTP_HOST "${values.SFTP_HOST}" is not in SFTP_ALLOWED_HOSTS (backups stay in Tunisia, RES-2)`);
  }
  if (pinnedHostKeys(values).length === 0) {
    problems.push('SFTP_HOST_KEY_SHA256 or SFTP_KNOWN_HOSTS (with an entry for SFTP_HOST) is required when SFTP_HOST is set (pinned host key)');
  }
  if (values.SFTP_USERNAME === '') problems.push('SFTP_USERNAME is required when SFTP_HOST is set');
  if (!values.SFTP_PRIVATE_KEY) problems.push('SFTP_PRIVATE_KEY is required when SFTP_HOST is set (key authentication only)');
  return problems;
}

export function loadBackupConfig(env: NodeJS.ProcessEnv = process.env) {
  const loaded = loadConfig('backup', backupConfigSpec, env);
  const problems = crossFieldProblems(loaded.values, loaded.mode);
  if (problems.length > 0) throw new ConfigError('backup', problems);
  return loaded;
}

/** The configuration with the keys it names, loaded and checked. */
export interface BackupSettings extends BackupConfig {
  publicKey: BackupPublicKey;
  /** Only where the restore drill runs (BACKUP_DRILL_PRIVATE_KEY). */
  drillKey: BackupPrivateKey | undefined;
  signer: ManifestSigner;
  /** The signer's public key and BACKUP_VERIFY_KEYS. */
  verificationKeys: VerificationKeyring;
}

/** Keys are checked at start, each problem naming its variable, like the rest of the configuration. */
function keysOf(config: BackupConfig, publicPem: string, signingPem: string): Pick<BackupSettings, 'publicKey' | 'drillKey' | 'signer' | 'verificationKeys'> {
  const problems: string[] = [];
  const attempt = <T>(variable: string, load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      problems.push(`${variable}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const publicKey = attempt('BACKUP_PUBLIC_KEY', () => loadBackupPublicKey(publicPem));
  const drillPem = config.BACKUP_DRILL_PRIVATE_KEY;
  const drillKey = drillPem ? attempt('BACKUP_DRILL_PRIVATE_KEY', () => loadBackupPrivateKey(drillPem, config.BACKUP_DRILL_PRIVATE_KEY_PASSPHRASE)) : undefined;
  if (publicKey && drillKey && drillKey.keyId !== publicKey.keyId) problems.push('BACKUP_DRILL_PRIVATE_KEY does not belong to BACKUP_PUBLIC_KEY: the drill could not open any backup');
  const signer = attempt('BACKUP_SIGNING_KEY', () => loadManifestSigner(signingPem));
  const older = attempt('BACKUP_VERIFY_KEYS', () => loadVerificationKeys(config.BACKUP_VERIFY_KEYS));
  if (problems.length > 0 || !publicKey || !signer || !older) throw new ConfigError('backup', problems);
  return { publicKey, drillKey, signer, verificationKeys: new Map([...older, [signer.keyId, signer.publicKey]]) };
}

/** The service's configuration loader: development without BACKUP_PUBLIC_KEY encrypts for a generated key pair, and says so. */
export async function loadBackupSettings(env: NodeJS.ProcessEnv): Promise<{ values: BackupSettings; mode: Mode; warnings: string[] }> {
  const loaded = loadBackupConfig(env);
  const config = loaded.values;
  const warnings = [...loaded.warnings];
  let publicPem = config.BACKUP_PUBLIC_KEY;
  if (publicPem === '') {
    const dev = await developmentPublicKey(config.BACKUP_DEV_KEY_DIR);
    publicPem = dev.publicPem;
    warnings.push(`BACKUP_PUBLIC_KEY not set: backups are encrypted for a development key pair (private key ${dev.privateKeyPath})`);
  }
  let signingPem = config.BACKUP_SIGNING_KEY ?? '';
  if (signingPem === '') {
    const dev = await developmentSigningKey(config.BACKUP_DEV_KEY_DIR);
    signingPem = dev.privatePem;
    warnings.push(`BACKUP_SIGNING_KEY not set: manifests are signed with a development key (${dev.privateKeyPath}); set a real one in production`);
  }
  if (!config.SFTP_HOST) warnings.push('SFTP_HOST not set: backups stay on this machine only (no second copy)');
  return { values: { ...config, ...keysOf(config, publicPem, signingPem) }, mode: loaded.mode, warnings };
}
