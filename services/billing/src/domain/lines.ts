import { lineAmountMillimes } from './totals.ts';
import type { InvoiceLine, NewLine } from './types.ts';

/** Numbers the lines and computes each line's amount excluding VAT. */
export function numberLines(lines: readonly NewLine[]): InvoiceLine[] {
  return lines.map((line, index) => ({ ...line, position: index + 1, amountHtMillimes: lineAmountMillimes(line) }));
}
