/** Exponential backoff bounds: reconnects, channel reopening, outbox and upload retries, database start. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/**
 * The one backoff formula. Delay before retry number `attempt` (0 for the first retry): doubles
 * each time up to `maxMs`, then keeps a random half of it ("equal jitter") so that replicas which
 * failed together do not retry together. Pass `random: () => 1` for the plain doubling.
 */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
