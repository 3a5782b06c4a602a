import { defineService, type StartedService } from '@ecar/runtime';
import { backupRoutes } from './api/route-table.ts';
import { loadBackupSettings, pinnedHostKeys, type BackupConfig, type BackupSettings } from './config.ts';
import { backupMigrations } from './data/migrations.ts';
import { BackupCatalogue } from './domain/catalogue.ts';
import type { BackupDeps } from './domain/deps.ts';
import { BackupJobs } from './jobs/backup-jobs.ts';
import { backupMetrics } from './metrics.ts';
import type { SftpSettings } from './storage/sftp-target.ts';

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
      signer: config.signer,
      verificationKeys: config.verificationKeys,
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
