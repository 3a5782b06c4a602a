import { newEvent, type EventAuthor } from '@ecar/contracts';
import { isUniqueViolation } from '@ecar/db';
import { conflict } from '@ecar/errors';
import { LOCKS, tryLock, type HeldLock } from '../data/backup-lock.ts';
import { ABANDONED, failAbandonedRuns, insertRunningRun, markRunFailed, markRunSucceeded, type Trigger } from '../data/backup-runs.ts';
import { removePartialSets, writeBackupSet } from '../storage/backup-writer.ts';
import { checksumBelow } from '../storage/table-checksums.ts';
import { messageOf, newBackupId, scheduler, type BackupDeps } from './deps.ts';

export interface RunOutcome {
  id: string;
  ok: boolean;
}

const alreadyRunning = () => conflict('A backup is already running; wait for it to finish');

/**
 * Starts backup runs, one at a time: a second request while one runs is a 409 problem, in this
 * process (flag) and across replicas (advisory lock, then a unique index on the running row).
 * `start` returns once the run is recorded; the run goes on in the background and `afterRun`
 * is called with its outcome (upload, retention, first drill).
 */
export class BackupRunner {
  private current: Promise<void> | undefined;

  constructor(
    private readonly deps: BackupDeps,
    private readonly afterRun: (outcome: RunOutcome) => Promise<void>,
  ) {}

  get running(): boolean {
    return this.current !== undefined;
  }

  /** `by` is who asked: a super-admin (manual) or the scheduler; without `by`, the scheduler of this run. */
  async start(trigger: Trigger, by?: EventAuthor): Promise<{ id: string }> {
    if (this.current) throw alreadyRunning();
    const lock = await tryLock(this.deps.dataSource, LOCKS.backup);
    if (!lock) throw alreadyRunning();
    if (this.current) {
      await lock.release();
      throw alreadyRunning();
    }
    const id = newBackupId(this.deps.now());
    const author = by ?? scheduler(id);
    try {
      await this.deps.unitOfWork.run(async (db) => {
        // Holding the lock, a row still `running` belongs to a process that died mid-run.
        const events = (await failAbandonedRuns(db)).map((abandoned) =>
          newEvent(scheduler(abandoned.id), 'backup.run.failed', { type: 'backup', id: abandoned.id }, {
            backupId: abandoned.id,
            trigger: abandoned.trigger,
            durationMs: abandoned.durationMs,
            reason: ABANDONED,
          }),
        );
        await insertRunningRun(db, { id, trigger, requestedBy: 'userId' in author ? author.userId : null });
        return { result: undefined, events: [...events, newEvent(author, 'backup.run.started', { type: 'backup', id }, { backupId: id, trigger })] };
      });
    } catch (error) {
      await lock.release();
      if (isUniqueViolation(error)) throw alreadyRunning();
      throw error;
    }
    this.current = this.execute(id, trigger, author, lock).finally(() => {
      this.current = undefined;
    });
    return { id };
  }

  /** Resolves when no run is in progress (the service waits for it before closing). */
  async idle(): Promise<void> {
    await this.current;
  }

  private async execute(id: string, trigger: Trigger, author: EventAuthor, lock: HeldLock): Promise<void> {
    const { config, logger, metrics } = this.deps;
    const started = Date.now();
    let ok = false;
    try {
      logger.info('backup started', { backupId: id, trigger });
      const removed = await removePartialSets(config.BACKUP_DIR);
      if (removed.length) logger.warn('removed partial backup directories of an interrupted run', { removed });
      const manifest = await writeBackupSet({
        id,
        backupDir: config.BACKUP_DIR,
        documentsDir: config.DOCUMENTS_DIR,
        dumpUrl: config.BACKUP_DUMP_DATABASE_URL,
        databases: config.BACKUP_DATABASES,
        publicKey: this.deps.publicKey,
        signer: this.deps.signer,
        compression: config.BACKUP_PG_DUMP_COMPRESSION,
        checksums: checksumBelow(config.BACKUP_CHECKSUM_MAX_ROWS),
        onStep: (step) => logger.debug('backup step', { backupId: id, step }),
      });
      const sizeBytes = manifest.files.reduce((sum, file) => sum + file.size, 0);
      const durationMs = Date.now() - started;
      await this.deps.unitOfWork.run(async (db) => {
        await markRunSucceeded(db, id, { sizeBytes, keyId: manifest.keyId, files: manifest.files, uploadStatus: this.deps.sftp ? 'pending' : 'disabled' });
        const data = { backupId: id, trigger, sizeBytes, durationMs, files: manifest.files.length, keyId: manifest.keyId };
        return { result: undefined, events: [newEvent(author, 'backup.run.succeeded', { type: 'backup', id }, data)] };
      });
      metrics.runs.inc({ result: 'succeeded' });
      metrics.lastSuccess.set(Date.now() / 1000);
      metrics.lastDuration.set(durationMs / 1000);
      metrics.lastSize.set(sizeBytes);
      logger.info('backup succeeded', { backupId: id, sizeBytes, durationMs });
      ok = true;
    } catch (error) {
      const reason = messageOf(error);
      logger.error('backup failed', { backupId: id, error: reason });
      metrics.runs.inc({ result: 'failed' });
      await this.deps.unitOfWork
        .run(async (db) => {
          await markRunFailed(db, id, reason);
          return { result: undefined, events: [newEvent(author, 'backup.run.failed', { type: 'backup', id }, { backupId: id, trigger, durationMs: Date.now() - started, reason })] };
        })
        .catch((recordError: unknown) => logger.error('could not record the failed backup', { backupId: id, error: messageOf(recordError) }));
    } finally {
      await lock.release().catch(() => undefined);
    }
    await this.afterRun({ id, ok }).catch((error: unknown) => logger.error('after-backup work failed', { backupId: id, error: messageOf(error) }));
  }
}
