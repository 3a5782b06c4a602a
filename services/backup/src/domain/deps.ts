import { randomBytes } from 'node:crypto';
import type { SystemCaller } from '@ecar/contracts';
import type { DataSource } from '@ecar/db';
import type { Logger } from '@ecar/logger';
import type { UnitOfWork } from '@ecar/runtime';
import type { BackupConfig } from '../config.ts';
import type { BackupPublicKey } from '../crypto/key-wrap.ts';
import type { ManifestSigner, VerificationKeyring } from '../crypto/manifest.ts';
import type { BackupMetrics } from '../metrics.ts';
import type { SftpSettings } from '../storage/sftp-target.ts';

/** What the backup use cases work with; built once by service.ts. */
export interface BackupDeps {
  config: BackupConfig;
  dataSource: DataSource;
  /** State changes and their `backup.*` events commit together. */
  unitOfWork: UnitOfWork;
  logger: Logger;
  metrics: BackupMetrics;
  publicKey: BackupPublicKey;
  signer: ManifestSigner;
  /** Public keys a set's signature must verify against (the signer's and older ones). */
  verificationKeys: VerificationKeyring;
  /** Undefined when no second copy is configured (development only). */
  sftp: SftpSettings | undefined;
  now(): Date;
}

/** The service's own work (schedule, uploads, drills), correlated by the set or drill it concerns. */
export function scheduler(subjectId: string): SystemCaller {
  return { system: 'backup-scheduler', correlationId: `backup-${subjectId}` };
}

/** Sortable set id: UTC start time and a random suffix, e.g. `20261127T230000Z-3fa9c1`. */
export function newBackupId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 1000);
}
