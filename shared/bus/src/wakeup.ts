/**
 * A wake-up call for a polling loop: `wait` returns after `ms` or as soon as `notify` is called.
 * A notification that arrives while the loop is busy is remembered, so it is never lost.
 */
export class Wakeup {
  private pending = false;
  private wakeWaiter: (() => void) | undefined;

  notify(): void {
    if (this.wakeWaiter) this.wakeWaiter();
    else this.pending = true;
  }

  /** Forgets a remembered notification: the caller is about to look anyway. */
  clear(): void {
    this.pending = false;
  }

  async wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeWaiter = undefined;
    this.pending = false;
  }
}
