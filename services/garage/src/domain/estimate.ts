/** A line's amounts: quantity in thousandths × unit price in millimes, VAT in basis points. */
export interface PricedLine {
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp: number;
}

/** `n / d` rounded half up, for non-negative integers. */
function divideRoundHalfUp(n: bigint, d: bigint): bigint {
  return (n * 2n + d) / (d * 2n);
}

export function lineNetMillimes(line: PricedLine): number {
  return Number(divideRoundHalfUp(BigInt(line.quantityMilli) * BigInt(line.unitPriceMillimes), 1000n));
}

/**
 * The estimate's totals in integer millimes. VAT is computed per rate on the sum of the lines at
 * that rate and rounded half up to the millime (DOMAIN.md: Tunisian invoicing rules), the way
 * billing will compute the invoice.
 */
export function estimateTotals(lines: readonly PricedLine[]): { netMillimes: number; vatMillimes: number; grossMillimes: number; vatByRate: Array<{ vatRateBp: number; baseMillimes: number; vatMillimes: number }> } {
  const byRate = new Map<number, bigint>();
  for (const line of lines) byRate.set(line.vatRateBp, (byRate.get(line.vatRateBp) ?? 0n) + BigInt(lineNetMillimes(line)));
  const vatByRate = [...byRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([vatRateBp, base]) => ({ vatRateBp, baseMillimes: Number(base), vatMillimes: Number(divideRoundHalfUp(base * BigInt(vatRateBp), 10_000n)) }));
  const netMillimes = vatByRate.reduce((sum, rate) => sum + rate.baseMillimes, 0);
  const vatMillimes = vatByRate.reduce((sum, rate) => sum + rate.vatMillimes, 0);
  return { netMillimes, vatMillimes, grossMillimes: netMillimes + vatMillimes, vatByRate };
}
