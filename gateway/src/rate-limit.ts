/**
 * Fixed-window counters in process memory. One gateway replica per VPS keeps this exact; with
 * replicas the limits apply per replica (docs/architecture.md: move the store to PostgreSQL or
 * Redis when scaling out).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(windowMs, 10_000));
    this.sweeper.unref();
  }

  /** Counts one hit; answers whether it is allowed and how long until the window resets. */
  hit(key: string, now = Date.now()): { allowed: boolean; remaining: number; retryAfterMs: number } {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= this.limit, remaining: Math.max(0, this.limit - window.count), retryAfterMs: window.resetAt - now };
  }

  get max(): number {
    return this.limit;
  }

  private sweep(now = Date.now()): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
