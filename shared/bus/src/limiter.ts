/** Runs at most `limit` tasks at once; the others wait their turn in arrival order. */
export class TaskLimiter {
  private running = 0;
  private readonly waiting: (() => Promise<void>)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    /** Tasks are expected to handle their own errors; anything escaping lands here. */
    private readonly onError: (error: unknown) => void,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  run(task: () => Promise<void>): void {
    this.waiting.push(task);
    this.startWaiting();
  }

  /** Resolves once no task is running or waiting. */
  async idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private startWaiting(): void {
    while (this.running < this.limit) {
      const task = this.waiting.shift();
      if (!task) break;
      this.running++;
      void task()
        .catch(this.onError)
        .finally(() => {
          this.running--;
          this.startWaiting();
          if (this.running === 0 && this.waiting.length === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const resolve of waiters) resolve();
          }
        });
    }
  }
}
