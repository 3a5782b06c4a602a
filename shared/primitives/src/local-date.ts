/**
 * Calendar dates in a configured IANA time zone (the garages' zone comes from configuration,
 * e.g. BILLING_TIME_ZONE; no service names a zone in code).
 */
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

/** The calendar date of `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): LocalDate {
  const p = parts(at, timeZone);
  return { year: p['year']!, month: p['month']!, day: p['day']! };
}

/** `YYYY-MM-DD`. */
export function dayKey(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** The calendar date (`YYYY-MM-DD`) of `at` in `timeZone`: what dates an invoice, a backup, a report. */
export function localDateString(at: Date, timeZone: string): string {
  return dayKey(localDate(at, timeZone));
}

/** Milliseconds the zone is ahead of UTC at `at`. */
function offsetMs(at: Date, timeZone: string): number {
  const p = parts(at, timeZone);
  const asUtc = Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant of local `date` at `hh:mm` in the zone. */
export function instantAt(date: LocalDate, time: string, timeZone: string): Date {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(date.year, date.month - 1, date.day, hours, minutes);
  return new Date(guess - offsetMs(new Date(guess), timeZone));
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const at = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
}

/** The next instant strictly after `now` at `time` (HH:MM) local time in `timeZone`. */
export function nextDailyAt(now: Date, time: string, timeZone: string): Date {
  const today = localDate(now, timeZone);
  const candidate = instantAt(today, time, timeZone);
  return candidate.getTime() > now.getTime() ? candidate : instantAt(addDays(today, 1), time, timeZone);
}
