import type { Logger } from '@ecar/logger';

/** Runs `work` every `intervalMs` (never two runs at once); `stop` waits for a run in progress. */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.schedule();
  }

  /** Runs now (tests and operators), outside the schedule. */
  async runNow(): Promise<void> {
    await this.running;
    this.running = this.work()
      .catch((error: unknown) => {
        this.logger.error('scheduled job failed', { job: this.name, error });
      })
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

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runNow().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }
}
