/**
 * Money is integer millimes (1 TND = 1000 millimes) from end to end; floats never touch amounts.
 * Display follows the French locale of Tunisian invoices: `1 234,560 TND`.
 */

/** `1 234,560 TND` (space thousands separator, comma decimals, always 3 decimals). */
export function formatTnd(millimes: number, separator = ' '): string {
  if (!Number.isSafeInteger(millimes)) throw new RangeError(`not an integer amount of millimes: ${millimes}`);
  const sign = millimes < 0 ? '-' : '';
  const absolute = Math.abs(millimes);
  const dinars = Math.floor(absolute / 1000);
  const rest = String(absolute % 1000).padStart(3, '0');
  const grouped = String(dinars).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return `${sign}${grouped},${rest} TND`;
}

/** `19 %`, `7 %`, `12,5 %` from basis points. */
export function formatRate(rateBp: number): string {
  const whole = Math.floor(rateBp / 100);
  const fraction = rateBp % 100;
  return fraction === 0 ? `${whole} %` : `${whole},${String(fraction).padStart(2, '0').replace(/0$/, '')} %`;
}

/** `1,5` from 1500 thousandths (quantities are kept in thousandths). */
export function formatQuantity(quantityMilli: number): string {
  const whole = Math.floor(quantityMilli / 1000);
  const fraction = String(quantityMilli % 1000).padStart(3, '0').replace(/0+$/, '');
  return fraction ? `${whole},${fraction}` : String(whole);
}

/** round(numerator / denominator) with halves rounded up, on non-negative BigInts. */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) throw new RangeError('divideRoundHalfUp takes a non-negative numerator and a positive denominator');
  return (numerator * 2n + denominator) / (denominator * 2n);
}

export function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`${what} is too large`);
  return Number(value);
}
