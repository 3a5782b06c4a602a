import { randomBytes } from 'node:crypto';
import { enqueueEvent } from '@ecar/bus';
import { buildEvent, type Actor, type EventData, type EventType } from '@ecar/contracts';
import type { DataSource, EntityManager } from '@ecar/db';
import { currentContext, type Logger } from '@ecar/logger';
import type { BackupConfig } from '../config.ts';
import type { BackupPublicKey } from '../crypto/key-wrap.ts';
import type { BackupMetrics } from '../metrics.ts';
import type { SftpSettings } from '../storage/sftp-target.ts';

/** What the backup use cases work with; built once by service.ts. */
export interface BackupDeps {
  config: BackupConfig;
  dataSource: DataSource;
  logger: Logger;
  metrics: BackupMetrics;
  publicKey: BackupPublicKey;
  /** Undefined when no second copy is configured (development only). */
  sftp: SftpSettings | undefined;
  now(): Date;
}

export const SCHEDULER: Actor = { system: 'backup-scheduler' };

/** Sortable set id: UTC start time and a random suffix, e.g. `20261127T230000Z-3fa9c1`. */
export function newBackupId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function publish<T extends EventType>(
  db: EntityManager,
  type: T,
  subject: { type: string; id: string },
  data: EventData<T>,
  actor: Actor,
): Promise<void> {
  const correlationId = currentContext()?.correlationId ?? `backup-${subject.id}`;
  await enqueueEvent(db, buildEvent({ type, producer: 'backup', correlationId, actor, subject, data }));
}

export function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 1000);
}
