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

  /** Runs now (tests and operators), after a run in progress, outside the schedule. */
  async runNow(): Promise<void> {
    await this.running;
    this.running = this.options
      .run()
      .catch((error: unknown) => this.options.onError(error, this.options.name))
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
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
