/** Admin working hours in the garages' time zone (INC-1: admin actions outside them raise an alert). */
export interface WorkingHours {
  /** Minutes after local midnight. */
  startMinute: number;
  endMinute: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: ReadonlySet<number>;
  timeZone: string;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function parseWorkingHours(range: string, days: readonly string[], timeZone: string): WorkingHours {
  const [start = '', end = ''] = range.split('-');
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return { startMinute: minutes(start), endMinute: minutes(end), days: new Set(days.map(Number)), timeZone };
}

export function isWithinWorkingHours(at: Date, hours: WorkingHours): boolean {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: hours.timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = WEEKDAYS[part('weekday')] ?? 0;
  const minute = Number(part('hour')) * 60 + Number(part('minute'));
  const inRange = hours.startMinute <= hours.endMinute
    ? minute >= hours.startMinute && minute < hours.endMinute
    : minute >= hours.startMinute || minute < hours.endMinute;
  return hours.days.has(weekday) && inRange;
}
