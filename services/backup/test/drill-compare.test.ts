/** INC-6: what the drill reports when a restore differs from the manifest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareTables } from '../src/domain/drill-compare.ts';

describe('drill comparison', () => {
  const expected = [
    { table: 'public.customers', rows: '301', checksum: '123' },
    { table: 'public.huge', rows: '9000000', checksum: null },
    { table: 'public.vehicles', rows: '301', checksum: '456' },
  ];

  it('finds nothing when counts and checksums match (a count-only table compares by count)', () => {
    const actual = [expected[0]!, { table: 'public.huge', rows: '9000000', checksum: null }, expected[2]!];
    assert.deepEqual(compareTables('garage', expected, actual), []);
  });

  it('reports missing and extra tables, different counts and different content', () => {
    const actual = [
      { table: 'public.customers', rows: '300', checksum: '123' },
      { table: 'public.vehicles', rows: '301', checksum: '999' },
      { table: 'public.intruder', rows: '1', checksum: '1' },
    ];
    assert.deepEqual(compareTables('garage', expected, actual), [
      'garage: public.customers has 300 rows, the backup recorded 301',
      'garage: table public.huge is missing after restore',
      'garage: public.vehicles content checksum differs',
      'garage: unexpected table public.intruder after restore',
    ]);
  });
});
