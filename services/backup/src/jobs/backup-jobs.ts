import type { Actor } from '@ecar/contracts';
import type { BackupPrivateKey } from '../crypto/key-wrap.ts';
import { LOCKS, tryLock } from '../data/backup-lock.ts';
import { lastSuccessAt, type Trigger } from '../data/backup-runs.ts';
import { lastDrill } from '../data/drills.ts';
import { isCatchUpDue, nextDailyRun } from '../domain/schedule.ts';
import { messageOf, SCHEDULER, type BackupDeps } from '../domain/deps.ts';
import { applyRetention } from '../domain/retention.ts';
import { runRestoreDrill, type DrillResult } from '../domain/restore-drill.ts';
import { BackupRunner, type RunOutcome } from '../domain/run-backup.ts';
import { uploadDueSets } from '../domain/upload-sets.ts';

const HOUR_MS = 3_600_000;

/**
 * The backup service's background work: the daily run at BACKUP_TIME (Africa/Tunis), a catch-up
 * run at start when the last success is older than a day, upload retries, retention after every
 * run, and the restore drill after the first backup and then every BACKUP_DRILL_INTERVAL_HOURS.
 */
export class BackupJobs {
  readonly runner: BackupRunner;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;
  private drilling = false;

  constructor(
    private readonly deps: BackupDeps,
    private readonly drillKey: BackupPrivateKey | undefined,
  ) {
    this.runner = new BackupRunner(deps, (outcome) => this.afterRun(outcome));
  }

  requestBackup(trigger: Trigger, actor: Actor): Promise<{ id: string }> {
    return this.runner.start(trigger, actor);
  }

  async start(): Promise<void> {
    const db = this.deps.dataSource.manager;
    const last = await lastSuccessAt(db);
    if (last) this.deps.metrics.lastSuccess.set(last.getTime() / 1000);
    const drill = await lastDrill(db, 'succeeded');
    if (drill?.finishedAt) this.deps.metrics.drillLastSuccess.set(drill.finishedAt.getTime() / 1000);

    const retryEvery = Math.min(Math.max(Math.floor(this.deps.config.BACKUP_UPLOAD_RETRY_BASE_MS / 2), 20), 60_000);
    this.every(retryEvery, () => uploadDueSets(this.deps));
    if (!this.deps.config.BACKUP_SCHEDULE_ENABLED) return;
    // Awaited: the catch-up run is recorded before the service reports itself started.
    if (isCatchUpDue(last, this.deps.now())) await this.scheduledRun('catch-up');
    this.scheduleDaily();
    if (this.deps.config.BACKUP_DRILL_ENABLED && this.drillKey) this.every(HOUR_MS, () => this.drillIfDue());
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

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.runner.idle();
    await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(work: Promise<T>): void {
    this.inFlight.add(work);
    work.catch((error: unknown) => this.deps.logger.error('backup job failed', { error: messageOf(error) })).finally(() => this.inFlight.delete(work));
  }

  private every(ms: number, work: () => Promise<unknown>): void {
    const tick = () => {
      if (this.stopped) return;
      const run = work();
      this.track(run);
      void run.catch(() => undefined).finally(() => this.later(ms, tick));
    };
    this.later(ms, tick);
  }

  private later(ms: number, work: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    this.timers.add(timer);
  }

  private scheduleDaily(): void {
    const now = this.deps.now();
    const next = nextDailyRun(now, this.deps.config.BACKUP_TIME);
    // setTimeout holds at most ~24.8 days; a day is far below that.
    this.later(next.getTime() - now.getTime(), () => {
      this.track(this.scheduledRun('schedule'));
      this.scheduleDaily();
    });
  }

  private async scheduledRun(trigger: Trigger): Promise<void> {
    try {
      await this.runner.start(trigger, SCHEDULER);
    } catch (error) {
      this.deps.logger.warn('scheduled backup not started', { trigger, error: messageOf(error) });
    }
  }

  private async afterRun(outcome: RunOutcome): Promise<void> {
    if (!outcome.ok) return;
    await uploadDueSets(this.deps);
    await applyRetention(this.deps);
    if (this.deps.config.BACKUP_DRILL_ENABLED && this.drillKey && !(await lastDrill(this.deps.dataSource.manager))) await this.drill();
  }

  private async drillIfDue(): Promise<void> {
    const last = await lastDrill(this.deps.dataSource.manager);
    const dueAfter = this.deps.config.BACKUP_DRILL_INTERVAL_HOURS * HOUR_MS;
    if (!last || this.deps.now().getTime() - last.startedAt.getTime() >= dueAfter) await this.drill();
  }
}
