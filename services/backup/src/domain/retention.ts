import { BACKUP_TIME_ZONE, dayKey, isoWeekKey, localDate, monthKey, type LocalDate } from './calendar.ts';

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface BackupPoint {
  id: string;
  at: Date;
  /** Written and verified completely (a set still uploading is verified locally). */
  verified: boolean;
}

/**
 * The sets to keep (restic's --keep-daily/weekly/monthly): for each of the last `daily` days that
 * have a backup, the newest one of that day; likewise for ISO weeks and months, in local time.
 * The newest verified set is always kept, whatever the policy says. Everything else may go.
 */
export function setsToKeep(points: readonly BackupPoint[], policy: RetentionPolicy, timeZone = BACKUP_TIME_ZONE): Set<string> {
  const newestFirst = [...points].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1));
  const dated = newestFirst.map((point) => ({ point, date: localDate(point.at, timeZone) }));
  const keep = new Set<string>();
  const bucket = (limit: number, key: (date: LocalDate) => string) => {
    const seen = new Set<string>();
    for (const { point, date } of dated) {
      if (seen.size >= limit) break;
      const name = key(date);
      if (seen.has(name)) continue;
      seen.add(name);
      keep.add(point.id);
    }
  };
  bucket(policy.daily, dayKey);
  bucket(policy.weekly, isoWeekKey);
  bucket(policy.monthly, monthKey);
  const newestVerified = newestFirst.find((point) => point.verified);
  if (newestVerified) keep.add(newestVerified.id);
  return keep;
}
