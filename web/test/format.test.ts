import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDateTime, formatMoney, tunisDay, tunisDayBounds } from '../src/shell/format.ts';

const NBSP = '\u00a0';

describe('formatting for Tunisia', () => {
  it('shows millimes as dinars with three decimals: 1 234,560 TND', () => {
    assert.equal(formatMoney(1_234_560), `1${NBSP}234,560${NBSP}TND`);
    assert.equal(formatMoney(0), `0,000${NBSP}TND`);
    assert.equal(formatMoney(5), `0,005${NBSP}TND`);
    assert.equal(formatMoney(-1_500), `-1,500${NBSP}TND`);
    assert.equal(formatMoney('123456789012'), `123${NBSP}456${NBSP}789,012${NBSP}TND`);
    assert.equal(formatMoney(1_000_000_000n), `1${NBSP}000${NBSP}000,000${NBSP}TND`);
  });

  it('shows instants in Africa/Tunis whatever the machine zone', () => {
    // 23:30 UTC on 31 December is already 1 January in Tunis (UTC+1).
    assert.equal(tunisDay('2026-12-31T23:30:00Z'), '2027-01-01');
    assert.match(formatDateTime('2026-06-01T08:00:00Z', 'fr'), /09:00/);
    assert.match(formatDateTime('2026-06-01T08:00:00Z', 'en'), /09:00/);
  });

  it('gives the bounds of the Tunis day around an instant', () => {
    assert.deepEqual(tunisDayBounds(new Date('2026-12-01T10:00:00Z')), { from: '2026-11-30T23:00:00.000Z', to: '2026-12-01T23:00:00.000Z' });
    assert.deepEqual(tunisDayBounds(new Date('2026-12-01T23:30:00Z')), { from: '2026-12-01T23:00:00.000Z', to: '2026-12-02T23:00:00.000Z' });
  });
});
