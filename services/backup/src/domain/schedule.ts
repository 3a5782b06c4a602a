import { backoffDelay } from '@ecar/primitives';

export const DAY_MS = 86_400_000;
const MAX_UPLOAD_RETRY_MS = 3_600_000;

/**
 * A run missed while the service was down is caught up once at start: when the newest successful
 * run is older than one schedule period (or there is none).
 */
export function isCatchUpDue(lastSuccess: Date | undefined, now: Date, periodMs = DAY_MS): boolean {
  return !lastSuccess || now.getTime() - lastSuccess.getTime() > periodMs;
}

/**
 * Retry delay of the n-th failed upload (1-based): doubling from `baseMs`, capped at one hour,
 * without jitter (a single uploader holds the lock, there is no herd to spread).
 */
export function uploadRetryDelay(attempt: number, baseMs: number): number {
  return backoffDelay(attempt - 1, { initialMs: baseMs, maxMs: MAX_UPLOAD_RETRY_MS }, () => 1);
}
