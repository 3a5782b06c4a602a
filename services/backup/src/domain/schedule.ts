import { addDays, BACKUP_TIME_ZONE, instantAt, localDate } from './calendar.ts';

export const DAY_MS = 86_400_000;

/** The next daily run strictly after `now`, at `time` (HH:MM) local time in Africa/Tunis. */
export function nextDailyRun(now: Date, time: string, timeZone = BACKUP_TIME_ZONE): Date {
  const today = localDate(now, timeZone);
  const candidate = instantAt(today, time, timeZone);
  return candidate.getTime() > now.getTime() ? candidate : instantAt(addDays(today, 1), time, timeZone);
}

/**
 * A run missed while the service was down is caught up once at start: when the newest successful
 * run is older than one schedule period (or there is none).
 */
export function isCatchUpDue(lastSuccess: Date | undefined, now: Date, periodMs = DAY_MS): boolean {
  return !lastSuccess || now.getTime() - lastSuccess.getTime() > periodMs;
}

/** Retry delay of the n-th failed upload (1-based): doubling from `baseMs`, capped at one hour. */
export function uploadRetryDelay(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
}
