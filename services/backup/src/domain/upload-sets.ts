import { join } from 'node:path';
import { LOCKS, tryLock } from '../data/backup-lock.ts';
import { countPendingUploads, countUploadAttempt, dueUploads, markUploaded, markUploadFailed } from '../data/backup-runs.ts';
import { newEvent } from '@ecar/contracts';
import { uploadSet } from '../storage/sftp-target.ts';
import { messageOf, scheduler, type BackupDeps } from './deps.ts';
import { uploadRetryDelay } from './schedule.ts';

/**
 * Copies one locally stored set to the SFTP server (INC-5). On failure the local copy stays, the
 * set is "upload pending" with the next attempt after a doubling delay, and
 * `backup.upload.failed` is published; a later attempt publishes `backup.upload.succeeded`.
 */
async function uploadOne(deps: BackupDeps, id: string): Promise<boolean> {
  const sftp = deps.sftp!;
  const attempts = await countUploadAttempt(deps.dataSource.manager, id);
  try {
    await uploadSet(sftp, join(deps.config.BACKUP_DIR, id), id);
  } catch (error) {
    const nextAt = new Date(deps.now().getTime() + uploadRetryDelay(attempts, deps.config.BACKUP_UPLOAD_RETRY_BASE_MS));
    const reason = messageOf(error);
    deps.logger.warn('backup upload failed', { backupId: id, attempts, nextAttemptAt: nextAt.toISOString(), error: reason });
    await deps.unitOfWork.run(async (db) => {
      await markUploadFailed(db, id, reason, nextAt);
      const data = { backupId: id, host: sftp.host, attempts, nextAttemptAt: nextAt.toISOString(), reason };
      return { result: undefined, events: [newEvent(scheduler(id), 'backup.upload.failed', { type: 'backup', id }, data)] };
    });
    deps.metrics.uploads.inc({ result: 'failed' });
    return false;
  }
  await deps.unitOfWork.run(async (db) => {
    await markUploaded(db, id);
    return { result: undefined, events: [newEvent(scheduler(id), 'backup.upload.succeeded', { type: 'backup', id }, { backupId: id, host: sftp.host, attempts })] };
  });
  deps.metrics.uploads.inc({ result: 'succeeded' });
  deps.logger.info('backup uploaded', { backupId: id, attempts });
  return true;
}

/** Uploads every set whose (next) attempt is due, one uploader across replicas; answers how many went up. */
export async function uploadDueSets(deps: BackupDeps): Promise<number> {
  if (!deps.sftp) return 0;
  const lock = await tryLock(deps.dataSource, LOCKS.upload);
  if (!lock) return 0;
  let uploaded = 0;
  try {
    for (const run of await dueUploads(deps.dataSource.manager, deps.now())) if (await uploadOne(deps, run.id)) uploaded += 1;
    return uploaded;
  } finally {
    await lock.release();
    deps.metrics.uploadsPending.set(await countPendingUploads(deps.dataSource.manager));
  }
}
