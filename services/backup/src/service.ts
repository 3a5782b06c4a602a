import { ConfigError } from '@ecar/config';
import { defineService, type LoadedConfig, type StartedService } from '@ecar/runtime';
import { backupRoutes } from './api/route-table.ts';
import { loadBackupConfig, pinnedHostKeys, type BackupConfig } from './config.ts';
import { developmentPublicKey } from './crypto/dev-key.ts';
import { loadBackupPrivateKey, loadBackupPublicKey, type BackupPrivateKey, type BackupPublicKey } from './crypto/key-wrap.ts';
import { backupMigrations } from './data/migrations.ts';
import { BackupCatalogue } from './domain/catalogue.ts';
import type { BackupDeps } from './domain/deps.ts';
import { BackupJobs } from './jobs/backup-jobs.ts';
import { backupMetrics } from './metrics.ts';
import type { SftpSettings } from './storage/sftp-target.ts';

/** The configuration with the keys it names, loaded and checked. */
export interface BackupSettings extends BackupConfig {
  publicKey: BackupPublicKey;
  /** Only where the restore drill runs (BACKUP_DRILL_PRIVATE_KEY). */
  drillKey: BackupPrivateKey | undefined;
}

/** Keys are checked at start, each problem naming its variable, like the rest of the configuration. */
function keysOf(config: BackupConfig, publicPem: string): { publicKey: BackupPublicKey; drillKey: BackupPrivateKey | undefined } {
  const problems: string[] = [];
  let publicKey: BackupPublicKey | undefined;
  let drillKey: BackupPrivateKey | undefined;
  try {
    publicKey = loadBackupPublicKey(publicPem);
  } catch (error) {
    problems.push(`BACKUP_PUBLIC_KEY: ${(error as Error).message}`);
  }
  if (config.BACKUP_DRILL_PRIVATE_KEY) {
    try {
      drillKey = loadBackupPrivateKey(config.BACKUP_DRILL_PRIVATE_KEY, config.BACKUP_DRILL_PRIVATE_KEY_PASSPHRASE);
      if (publicKey && drillKey.keyId !== publicKey.keyId) problems.push('BACKUP_DRILL_PRIVATE_KEY does not belong to BACKUP_PUBLIC_KEY: the drill could not open any backup');
    } catch (error) {
      problems.push(`BACKUP_DRILL_PRIVATE_KEY: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0 || !publicKey) throw new ConfigError('backup', problems);
  return { publicKey, drillKey };
}

/** Development without BACKUP_PUBLIC_KEY encrypts for a generated key pair, and says so. */
async function loadBackupSettings(env: NodeJS.ProcessEnv): Promise<LoadedConfig<BackupSettings>> {
  const loaded = loadBackupConfig(env);
  const config = loaded.values;
  const warnings = [...loaded.warnings];
  let publicPem = config.BACKUP_PUBLIC_KEY;
  if (publicPem === '') {
    const dev = await developmentPublicKey(config.BACKUP_DEV_KEY_DIR);
    publicPem = dev.publicPem;
    warnings.push(`BACKUP_PUBLIC_KEY not set: backups are encrypted for a development key pair (private key ${dev.privateKeyPath})`);
  }
  if (!config.SFTP_HOST) warnings.push('SFTP_HOST not set: backups stay on this machine only (no second copy)');
  return { values: { ...config, ...keysOf(config, publicPem) }, mode: loaded.mode, warnings };
}

function sftpOf(config: BackupConfig): SftpSettings | undefined {
  if (!config.SFTP_HOST || !config.SFTP_PRIVATE_KEY) return undefined;
  return {
    host: config.SFTP_HOST,
    port: config.SFTP_PORT,
    username: config.SFTP_USERNAME,
    privateKey: config.SFTP_PRIVATE_KEY,
    hostKeys: pinnedHostKeys(config),
    remoteDir: config.SFTP_REMOTE_DIR,
  };
}

/** What the backup service works with, built once at start. */
export interface BackupContext {
  deps: BackupDeps;
  catalogue: BackupCatalogue;
  backups: BackupJobs;
}

/**
 * The backup deployable (docs/operations/backup-restore.md): encrypted daily backup sets to
 * BACKUP_DIR and the allow-listed SFTP server, retention, restore drills, and the super-admin API.
 */
export const backupService = defineService<BackupSettings, BackupContext>({
  name: 'backup',
  config: loadBackupSettings,
  migrations: backupMigrations,
  async context(base): Promise<BackupContext> {
    const { config } = base;
    const deps: BackupDeps = {
      config,
      dataSource: base.dataSource,
      unitOfWork: base.unitOfWork,
      logger: base.logger,
      metrics: backupMetrics(base.registry),
      publicKey: config.publicKey,
      sftp: sftpOf(config),
      now: () => new Date(),
    };
    const backups = new BackupJobs(deps, config.drillKey);
    await backups.prepare();
    return { deps, catalogue: new BackupCatalogue(base.dataSource), backups };
  },
  routes: backupRoutes,
  jobs: ({ backups }) => backups.jobs(),
  onStop: ({ backups }) => backups.stop(),
});

export type BackupService = StartedService<BackupSettings, BackupContext>;
