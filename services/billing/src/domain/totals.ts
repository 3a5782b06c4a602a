import { divideRoundHalfUp, toSafeNumber } from './money.ts';

export interface LineInput {
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp: number;
}

export interface VatBucket {
  rateBp: number;
  baseMillimes: number;
  vatMillimes: number;
}

export interface Totals {
  vat: VatBucket[];
  totalHtMillimes: number;
  totalVatMillimes: number;
  stampMillimes: number;
  totalTtcMillimes: number;
}

/** A line's amount excluding VAT: quantity (thousandths) × unit price, rounded half up to the millime. */
export function lineAmountMillimes(line: LineInput): number {
  return toSafeNumber(divideRoundHalfUp(BigInt(line.quantityMilli) * BigInt(line.unitPriceMillimes), 1000n), 'line amount');
}

/** VAT of a base at a rate in basis points, rounded half up to the millime. */
export function vatOf(baseMillimes: number, rateBp: number): number {
  return toSafeNumber(divideRoundHalfUp(BigInt(baseMillimes) * BigInt(rateBp), 10_000n), 'VAT amount');
}

/** Sums the lines per VAT rate (highest rate first): the base of each rate is the sum of its lines. */
export function vatBases(lines: readonly LineInput[]): Map<number, number> {
  const bases = new Map<number, number>();
  for (const line of lines) bases.set(line.vatRateBp, (bases.get(line.vatRateBp) ?? 0) + lineAmountMillimes(line));
  return new Map([...bases.entries()].sort(([a], [b]) => b - a));
}

/** Assembles totals from per-rate buckets and the stamp: every total is exactly the sum of its parts. */
export function totalsOf(vat: VatBucket[], stampMillimes: number): Totals {
  const totalHtMillimes = vat.reduce((sum, bucket) => sum + bucket.baseMillimes, 0);
  const totalVatMillimes = vat.reduce((sum, bucket) => sum + bucket.vatMillimes, 0);
  const totalTtcMillimes = totalHtMillimes + totalVatMillimes + stampMillimes;
  if (!Number.isSafeInteger(totalTtcMillimes)) throw new RangeError('invoice total is too large');
  return { vat, totalHtMillimes, totalVatMillimes, stampMillimes, totalTtcMillimes };
}

/**
 * DOMAIN.md: VAT is computed per rate on the sum of the lines at that rate (not line by line),
 * rounded half up to the millime; then the fiscal stamp; total TTC = HT + VAT + stamp.
 */
export function computeTotals(lines: readonly LineInput[], stampMillimes: number): Totals {
  const buckets = [...vatBases(lines)].map(([rateBp, baseMillimes]) => ({ rateBp, baseMillimes, vatMillimes: vatOf(baseMillimes, rateBp) }));
  return totalsOf(buckets, stampMillimes);
}
