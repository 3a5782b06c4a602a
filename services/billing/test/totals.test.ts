import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeTotals, lineAmountMillimes, type LineInput } from '../src/domain/totals.ts';

interface Case {
  name: string;
  lines: LineInput[];
  stamp: number;
  vat: Array<[rateBp: number, base: number, vat: number]>;
  ht: number;
  totalVat: number;
  ttc: number;
}

const line = (quantityMilli: number, unitPriceMillimes: number, vatRateBp: number): LineInput => ({ quantityMilli, unitPriceMillimes, vatRateBp });

const CASES: Case[] = [
  {
    name: 'two rates, a decimal quantity, the 1,000 TND stamp',
    lines: [line(1500, 45_000, 1900), line(1000, 18_500, 1900), line(2000, 10_000, 700)],
    stamp: 1000,
    vat: [[1900, 86_000, 16_340], [700, 20_000, 1_400]],
    ht: 106_000,
    totalVat: 17_740,
    ttc: 124_740,
  },
  {
    name: 'VAT on the sum of the lines of a rate, not line by line (3 × 63,27 → 190, not 189)',
    lines: [line(333, 1000, 1900), line(333, 1000, 1900), line(333, 1000, 1900)],
    stamp: 1000,
    vat: [[1900, 999, 190]],
    ht: 999,
    totalVat: 190,
    ttc: 2_189,
  },
  {
    name: 'half a millime of VAT rounds up (50 × 19 % = 9,5 → 10)',
    lines: [line(1000, 50, 1900)],
    stamp: 600,
    vat: [[1900, 50, 10]],
    ht: 50,
    totalVat: 10,
    ttc: 660,
  },
  {
    name: 'a line amount of half a millime rounds up (1,5 × 0,333 = 0,4995 → 0,500)',
    lines: [line(1500, 333, 700)],
    stamp: 1000,
    vat: [[700, 500, 35]],
    ht: 500,
    totalVat: 35,
    ttc: 1_535,
  },
  {
    name: '13 %, quantity 2,25, stamp-exempt buyer',
    lines: [line(2250, 12_345, 1300)],
    stamp: 0,
    vat: [[1300, 27_776, 3_611]],
    ht: 27_776,
    totalVat: 3_611,
    ttc: 31_387,
  },
  {
    name: 'three rates, highest first, small quantities',
    lines: [line(1, 999_999, 700), line(125, 7_999, 1300), line(3000, 1_111, 1900), line(10, 100_001, 1300)],
    stamp: 1000,
    vat: [[1900, 3_333, 633], [1300, 2_000, 260], [700, 1_000, 70]],
    ht: 6_333,
    totalVat: 963,
    ttc: 8_296,
  },
];

describe('invoice totals (DOMAIN.md rounding)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const totals = computeTotals(c.lines, c.stamp);
      assert.deepEqual(totals.vat.map((b) => [b.rateBp, b.baseMillimes, b.vatMillimes]), c.vat);
      assert.equal(totals.totalHtMillimes, c.ht);
      assert.equal(totals.totalVatMillimes, c.totalVat);
      assert.equal(totals.stampMillimes, c.stamp);
      assert.equal(totals.totalTtcMillimes, c.ttc);
      // The parts add up to the millime: lines → bases, bases + VAT + stamp → TTC.
      assert.equal(c.lines.reduce((sum, l) => sum + lineAmountMillimes(l), 0), totals.totalHtMillimes);
      assert.equal(totals.vat.reduce((sum, b) => sum + b.baseMillimes + b.vatMillimes, 0) + totals.stampMillimes, totals.totalTtcMillimes);
    });
  }

  it('keeps amounts exact beyond float precision (BigInt arithmetic)', () => {
    assert.equal(lineAmountMillimes(line(10_000_000, 1_000_000_000, 1900)), 10_000_000_000_000);
    assert.equal(lineAmountMillimes(line(3, 333_333_333, 1900)), 1_000_000);
  });

  it('refuses a total that a JavaScript number cannot hold exactly', () => {
    assert.throws(() => computeTotals([line(1_000_000_000, 1_000_000_000_000, 1900)], 0), RangeError);
  });
});
