import { dayKey, type LocalDate } from '@ecar/primitives';

/** Retention buckets by local calendar date (the dates come from @ecar/primitives' `localDate`). */
export function monthKey(date: LocalDate): string {
  return dayKey(date).slice(0, 7);
}

/** ISO 8601 week, e.g. `2026-W05` (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeekKey(date: LocalDate): string {
  const at = new Date(Date.UTC(date.year, date.month - 1, date.day));
  const weekday = at.getUTCDay() || 7;
  at.setUTCDate(at.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(at.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((at.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${at.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
