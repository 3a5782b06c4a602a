import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { markLocalDeleted, storedRuns } from '../data/backup-runs.ts';
import { dayKey, localDate, type LocalDate } from '@ecar/primitives';
import { isoWeekKey, monthKey } from './calendar.ts';
import type { BackupDeps } from './deps.ts';

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface BackupPoint {
  id: string;
  at: Date;
  /** Written and verified completely (a set still uploading is verified locally). */
  verified: boolean;
}

/**
 * The sets to keep (restic's --keep-daily/weekly/monthly): for each of the last `daily` days that
 * have a backup, the newest one of that day; likewise for ISO weeks and months, in local time.
 * The newest verified set is always kept, whatever the policy says. Everything else may go.
 */
export function setsToKeep(points: readonly BackupPoint[], policy: RetentionPolicy, timeZone: string): Set<string> {
  const newestFirst = [...points].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1));
  const dated = newestFirst.map((point) => ({ point, date: localDate(point.at, timeZone) }));
  const keep = new Set<string>();
  const bucket = (limit: number, key: (date: LocalDate) => string) => {
    const seen = new Set<string>();
    for (const { point, date } of dated) {
      if (seen.size >= limit) break;
      const name = key(date);
      if (seen.has(name)) continue;
      seen.add(name);
      keep.add(point.id);
    }
  };
  bucket(policy.daily, dayKey);
  bucket(policy.weekly, isoWeekKey);
  bucket(policy.monthly, monthKey);
  const newestVerified = newestFirst.find((point) => point.verified);
  if (newestVerified) keep.add(newestVerified.id);
  return keep;
}

function policyOf(deps: BackupDeps): RetentionPolicy {
  return { daily: deps.config.BACKUP_KEEP_DAILY, weekly: deps.config.BACKUP_KEEP_WEEKLY, monthly: deps.config.BACKUP_KEEP_MONTHLY };
}

/**
 * Applies the retention policy to the sets in BACKUP_DIR. A set still waiting for its upload is
 * never deleted locally (it is the only copy), and the newest verified set is always kept
 * (setsToKeep). The SFTP copy is append-only (issue 12, finding 8): this service cannot delete
 * there, and its retention is the storage owner's, on the SFTP host (docs/operations/backup-restore.md).
 */
export async function applyRetention(deps: BackupDeps): Promise<{ local: string[] }> {
  const runs = await storedRuns(deps.dataSource.manager);
  const local = runs.filter((run) => run.localStatus === 'stored');
  const keepLocal = setsToKeep(local.map((run) => ({ id: run.id, at: run.startedAt, verified: true })), policyOf(deps), deps.config.BACKUP_TIME_ZONE);
  const dropLocal = local.filter((run) => !keepLocal.has(run.id) && run.uploadStatus !== 'pending').map((run) => run.id);
  for (const id of dropLocal) await rm(join(deps.config.BACKUP_DIR, id), { recursive: true, force: true });
  await markLocalDeleted(deps.dataSource.manager, dropLocal);
  if (dropLocal.length) deps.logger.info('backup retention applied', { deletedLocal: dropLocal });
  return { local: dropLocal };
}
