/** Exponential backoff bounds shared by reconnects, channel reopening and outbox retries. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (0 for the first retry): doubles each time up to `maxMs`,
 * then keeps a random half of it ("equal jitter") so that replicas which failed together do not
 * retry together.
 */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
