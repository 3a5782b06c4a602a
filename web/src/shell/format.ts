import { INTL_LOCALE, type Language } from './i18n/languages.ts';

/** Tunisia's time zone: every date and time is shown there, whatever the device's zone. */
export const TIME_ZONE = 'Africa/Tunis';
const NBSP = '\u00a0';

/**
 * Amounts arrive in millimes (integers; 1 TND = 1000 millimes) and are shown as
 * `1 234,560 TND`: thousands separated by a no-break space, a decimal comma and three decimals,
 * in every language (the format on Tunisian invoices).
 */
export function formatMoney(millimes: number | bigint | string): string {
  const value = BigInt(millimes);
  const negative = value < 0n;
  const absolute = negative ? -value : value;
  const dinars = (absolute / 1000n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const rest = (absolute % 1000n).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${dinars},${rest}${NBSP}TND`;
}

function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

export function formatDate(value: string | number | Date, language: Language): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[language], { timeZone: TIME_ZONE, dateStyle: 'medium' }).format(toDate(value));
}

/** 24-hour clock in every language (CLDR's fr-TN default is 12-hour, not what garages use). */
export function formatDateTime(value: string | number | Date, language: Language): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[language], { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(toDate(value));
}

export function formatTime(value: string | number | Date, language: Language): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[language], { timeZone: TIME_ZONE, timeStyle: 'short', hourCycle: 'h23' }).format(toDate(value));
}

/** The calendar day (YYYY-MM-DD) of an instant in Tunis. */
export function tunisDay(value: string | number | Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(toDate(value));
}

/** Start and end (exclusive) of the Tunis calendar day containing `instant`, as ISO instants. */
export function tunisDayBounds(instant: Date = new Date()): { from: string; to: string } {
  const day = tunisDay(instant);
  const offsetOf = (at: Date) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' }).formatToParts(at);
    const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    return name === 'GMT' ? '+00:00' : name.replace('GMT', '');
  };
  const start = new Date(`${day}T00:00:00${offsetOf(instant)}`);
  const next = new Date(start.getTime() + 36 * 3600_000);
  const nextDay = tunisDay(next);
  const end = new Date(`${nextDay}T00:00:00${offsetOf(next)}`);
  return { from: start.toISOString(), to: end.toISOString() };
}
