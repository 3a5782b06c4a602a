/** When a job runs next: a fixed interval, or a computed instant (e.g. `nextDailyAt`). */
export type JobSchedule = { everyMs: number } | { next(now: Date): Date };

export interface PeriodicJobOptions {
  name: string;
  schedule: JobSchedule;
  run(): Promise<void>;
  /** A failed run is reported here; the schedule goes on. */
  onError(error: unknown, job: string): void;
  now?: () => Date;
}

/**
 * Runs `run` on its schedule, never two runs at once; `stop` waits for a run in progress. An
 * interval of 0 or less disables the schedule (`runNow` still works).
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: PeriodicJobOptions) {}

  get name(): string {
    return this.options.name;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Runs now (tests and operators), after the run in progress and those already asked for, outside the schedule. */
  runNow(): Promise<void> {
    // Chained synchronously: two callers at once get two runs one after the other, never together.
    const run = (this.running ?? Promise.resolve()).then(() => this.options.run().catch((error: unknown) => this.options.onError(error, this.options.name)));
    const tracked: Promise<void> = run.finally(() => {
      if (this.running === tracked) this.running = undefined;
    });
    this.running = tracked;
    return tracked;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private delayMs(): number | undefined {
    const { schedule } = this.options;
    if ('everyMs' in schedule) return schedule.everyMs > 0 ? schedule.everyMs : undefined;
    const now = (this.options.now ?? (() => new Date()))();
    return Math.max(0, schedule.next(now).getTime() - now.getTime());
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = this.delayMs();
    if (delay === undefined) return;
    this.timer = setTimeout(() => {
      void this.runNow().finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }
}
