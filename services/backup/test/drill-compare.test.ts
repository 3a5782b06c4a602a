/** INC-6: what the drill reports when a restore differs from the manifest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareChainEnd, compareTables } from '../src/domain/drill-compare.ts';

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

  it('the restored audit chain must end exactly at the manifest head: same seq, same chain value', () => {
    const head = { database: 'ecar_audit', seq: '42', hash: 'a'.repeat(64), chainKeyId: 'hmac-sha256:0123456789abcdef', recordedAt: '2026-12-01T01:30:00.000Z' };
    assert.deepEqual(compareChainEnd(head, { seq: '42', hash: 'a'.repeat(64) }), []);
    assert.deepEqual(compareChainEnd(head, { seq: '41', hash: 'a'.repeat(64) }), ["ecar_audit: the restored audit chain ends at seq 41, the manifest's head is seq 42"]);
    assert.deepEqual(compareChainEnd(head, { seq: '42', hash: 'b'.repeat(64) }), ["ecar_audit: the restored audit entry at seq 42 carries another chain value than the manifest's head"]);
    assert.deepEqual(compareChainEnd(head, undefined), ["ecar_audit: the restored audit chain is empty, the manifest's head is seq 42"]);
  });
});
