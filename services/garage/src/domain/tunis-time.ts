/** Wall-clock time of the garage (Africa/Tunis): working hours are kept in it, instants in UTC. */
export const GARAGE_TIME_ZONE = 'Africa/Tunis';

const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: GARAGE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export interface LocalTime {
  /** `YYYY-MM-DD` in Tunis. */
  date: string;
  /** Minutes since local midnight. */
  minute: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

export function localTime(instant: Date): LocalTime {
  const bits = Object.fromEntries(parts.formatToParts(instant).map((part) => [part.type, part.value]));
  const date = `${bits['year']}-${bits['month']}-${bits['day']}`;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return { date, minute: Number(bits['hour']) * 60 + Number(bits['minute']), weekday: weekday === 0 ? 7 : weekday };
}

/** Local minus UTC, in minutes, at `instant`. */
function offsetMinutes(instant: Date): number {
  const local = localTime(instant);
  const asUtc = Date.parse(`${local.date}T00:00:00Z`) + local.minute * 60_000;
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/** The instant of `minute` (0…1440) after local midnight of `date` in Tunis. */
export function instantAt(date: string, minute: number): Date {
  const guess = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  const first = guess - offsetMinutes(new Date(guess)) * 60_000;
  return new Date(guess - offsetMinutes(new Date(first)) * 60_000);
}

/** The next local date after `date`. */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export const clockMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
export const clockTime = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
