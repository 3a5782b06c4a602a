export interface SemaphoreOptions {
  /** Callers allowed to wait for a permit; beyond it `run` refuses at once. Default: unbounded. */
  maxQueue?: number;
  /** The error a refused caller gets (e.g. a 503 problem). */
  onFull?: () => Error;
}

/**
 * Caps how many operations run at once (argon2 hashes, uploads, handlers); the rest wait in
 * arrival order. With `maxQueue`, callers beyond the queue are refused at once rather than piling
 * up memory and latency.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly permits: number,
    private readonly options: SemaphoreOptions = {},
  ) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`permits must be a positive integer, got ${permits}`);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.permits) {
      if (this.options.maxQueue !== undefined && this.waiting.length >= this.options.maxQueue) {
        throw this.options.onFull?.() ?? new Error('too many operations waiting');
      }
      // The permit is handed over by the task that finishes (running stays the same).
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Resolves once nothing runs and nothing waits. */
  async idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      next();
      return;
    }
    this.running--;
    if (this.running === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
