/** Calendar arithmetic in the garages' time zone (backups are scheduled and kept by local date). */
export const BACKUP_TIME_ZONE = 'Africa/Tunis';

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let value = formatters.get(timeZone);
  if (!value) {
    value = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, value);
  }
  return value;
}

function parts(at: Date, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return out;
}

export function localDate(at: Date, timeZone = BACKUP_TIME_ZONE): LocalDate {
  const p = parts(at, timeZone);
  return { year: p['year']!, month: p['month']!, day: p['day']! };
}

/** Milliseconds the zone is ahead of UTC at `at`. */
function offsetMs(at: Date, timeZone: string): number {
  const p = parts(at, timeZone);
  const asUtc = Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant of local `date` at `hh:mm` in the zone. */
export function instantAt(date: LocalDate, time: string, timeZone = BACKUP_TIME_ZONE): Date {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(date.year, date.month - 1, date.day, hours, minutes);
  return new Date(guess - offsetMs(new Date(guess), timeZone));
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const at = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
}

export function dayKey(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

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
