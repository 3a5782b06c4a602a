import type { EventAuthor } from '@ecar/contracts';
import { nextDailyAt } from '@ecar/primitives';
import type { Job } from '@ecar/runtime';
import type { BackupPrivateKey } from '../crypto/key-wrap.ts';
import { LOCKS, tryLock } from '../data/backup-lock.ts';
import { lastSuccessAt, type Trigger } from '../data/backup-runs.ts';
import { lastDrill } from '../data/drills.ts';
import { messageOf, type BackupDeps } from '../domain/deps.ts';
import { applyRetention } from '../domain/retention.ts';
import { runRestoreDrill, type DrillResult } from '../domain/restore-drill.ts';
import { BackupRunner, type RunOutcome } from '../domain/run-backup.ts';
import { isCatchUpDue } from '../domain/schedule.ts';
import { uploadDueSets } from '../domain/upload-sets.ts';

const HOUR_MS = 3_600_000;

/**
 * The backup service's background work: the daily run at BACKUP_TIME (BACKUP_TIME_ZONE), a
 * catch-up run at start when the last success is older than a day, upload retries, retention
 * after every run, and the restore drill after the first backup and then every
 * BACKUP_DRILL_INTERVAL_HOURS. The runtime runs `jobs()` on their schedules.
 */
export class BackupJobs {
  readonly runner: BackupRunner;
  private drilling = false;
  /** Retention runs one at a time, each seeing what the previous one deleted. */
  private retention: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: BackupDeps,
    private readonly drillKey: BackupPrivateKey | undefined,
  ) {
    this.runner = new BackupRunner(deps, (outcome) => this.afterRun(outcome));
  }

  /** A run asked for by `by` (a super-admin, a test); 409 while one runs. */
  requestBackup(trigger: Trigger, by: EventAuthor): Promise<{ id: string }> {
    return this.runner.start(trigger, by);
  }

  /** At start: the gauges from the catalogue, and the catch-up run, recorded before the service reports itself started. */
  async prepare(): Promise<void> {
    const db = this.deps.dataSource.manager;
    const last = await lastSuccessAt(db);
    if (last) this.deps.metrics.lastSuccess.set(last.getTime() / 1000);
    const drill = await lastDrill(db, 'succeeded');
    if (drill?.finishedAt) this.deps.metrics.drillLastSuccess.set(drill.finishedAt.getTime() / 1000);
    if (this.deps.config.BACKUP_SCHEDULE_ENABLED && isCatchUpDue(last, this.deps.now())) await this.scheduledRun('catch-up');
  }

  /** Upload retries always run (tests drive backups by hand); the daily run and the drill only with the schedule on. */
  jobs(): Job[] {
    const { config } = this.deps;
    const jobs: Job[] = [
      {
        name: 'backup-upload-retry',
        schedule: { everyMs: Math.min(Math.max(Math.floor(config.BACKUP_UPLOAD_RETRY_BASE_MS / 2), 20), 60_000) },
        run: () => this.uploadDue(),
      },
    ];
    if (!config.BACKUP_SCHEDULE_ENABLED) return jobs;
    jobs.push({
      name: 'backup-daily',
      schedule: { next: (now) => nextDailyAt(now, config.BACKUP_TIME, config.BACKUP_TIME_ZONE) },
      run: () => this.scheduledRun('schedule'),
    });
    if (config.BACKUP_DRILL_ENABLED && this.drillKey) jobs.push({ name: 'backup-drill', schedule: { everyMs: HOUR_MS }, run: () => this.drillIfDue() });
    return jobs;
  }

  /** Runs the drill now (also used by the schedule); undefined when one is already running. */
  async drill(): Promise<DrillResult | undefined> {
    if (!this.drillKey) throw new Error('no drill private key configured (BACKUP_DRILL_PRIVATE_KEY)');
    if (this.drilling) return undefined;
    const lock = await tryLock(this.deps.dataSource, LOCKS.drill);
    if (!lock) return undefined;
    this.drilling = true;
    try {
      return await runRestoreDrill(this.deps, this.drillKey);
    } finally {
      this.drilling = false;
      await lock.release();
    }
  }

  /** Waits for a run in progress (and the upload, retention and drill after it). */
  async stop(): Promise<void> {
    await this.runner.idle();
  }

  private async scheduledRun(trigger: Trigger): Promise<void> {
    try {
      await this.runner.start(trigger);
    } catch (error) {
      this.deps.logger.warn('scheduled backup not started', { trigger, error: messageOf(error) });
    }
  }

  /**
   * Retention on the SFTP side counts only uploaded sets, so it runs again after every upload:
   * the upload of a new set may be this job's rather than the one right after the run.
   */
  private async uploadDue(): Promise<void> {
    if ((await uploadDueSets(this.deps)) > 0) await this.applyRetention();
  }

  private async afterRun(outcome: RunOutcome): Promise<void> {
    if (!outcome.ok) return;
    await uploadDueSets(this.deps);
    await this.applyRetention();
    if (this.deps.config.BACKUP_DRILL_ENABLED && this.drillKey && !(await lastDrill(this.deps.dataSource.manager))) await this.drill();
  }

  private async applyRetention(): Promise<void> {
    const next = this.retention.catch(() => undefined).then(() => applyRetention(this.deps));
    this.retention = next;
    await next;
  }

  private async drillIfDue(): Promise<void> {
    const last = await lastDrill(this.deps.dataSource.manager);
    const dueAfter = this.deps.config.BACKUP_DRILL_INTERVAL_HOURS * HOUR_MS;
    if (!last || this.deps.now().getTime() - last.startedAt.getTime() >= dueAfter) await this.drill();
  }
}
