import { serviceUnavailable } from '@ecar/errors';

/**
 * Caps how many expensive operations run at once; the rest wait in a bounded queue. Beyond the
 * queue, callers get 503 at once rather than piling up memory and latency.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly permits: number,
    private readonly maxQueue: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.permits) {
      if (this.waiting.length >= this.maxQueue) throw serviceUnavailable('Too many sign-ins in progress; try again shortly', 2);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
