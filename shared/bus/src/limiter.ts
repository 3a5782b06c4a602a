import { Semaphore } from '@ecar/primitives';

/** Runs at most `limit` tasks at once without waiting for them; the others wait their turn in arrival order. */
export class TaskLimiter {
  private readonly semaphore: Semaphore;

  constructor(
    limit: number,
    /** Tasks are expected to handle their own errors; anything escaping lands here. */
    private readonly onError: (error: unknown) => void,
  ) {
    this.semaphore = new Semaphore(limit);
  }

  run(task: () => Promise<void>): void {
    void this.semaphore.run(task).catch(this.onError);
  }

  /** Resolves once no task is running or waiting. */
  idle(): Promise<void> {
    return this.semaphore.idle();
  }
}
