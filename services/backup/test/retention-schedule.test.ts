/** Retention (7 daily, 4 weekly, 12 monthly) over a simulated calendar, and the Africa/Tunis schedule. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextDailyAt } from '@ecar/primitives';
import { isoWeekKey } from '../src/domain/calendar.ts';
import { setsToKeep, type BackupPoint } from '../src/domain/retention.ts';
import { isCatchUpDue, uploadRetryDelay } from '../src/domain/schedule.ts';

const POLICY = { daily: 7, weekly: 4, monthly: 12 };
const TUNIS = 'Africa/Tunis';

/** One backup a day at 02:30 Tunis time (01:30 UTC), `days` days ending on `last` (YYYY-MM-DD). */
function calendar(last: string, days: number): BackupPoint[] {
  const end = Date.parse(`${last}T01:30:00Z`);
  return Array.from({ length: days }, (_, i) => {
    const at = new Date(end - (days - 1 - i) * 86_400_000);
    return { id: at.toISOString().slice(0, 10), at, verified: true };
  });
}

describe('retention', () => {
  it('keeps exactly the expected sets over a simulated calendar of 100 days', () => {
    // 2025-12-22 … 2026-03-31 (a Tuesday).
    const points = calendar('2026-03-31', 100);
    assert.equal(points[0]!.id, '2025-12-22');
    const kept = [...setsToKeep(points, POLICY, TUNIS)].sort();
    assert.deepEqual(kept, [
      '2025-12-31', // monthly: December
      '2026-01-31', // monthly: January
      '2026-02-28', // monthly: February
      '2026-03-15', // weekly: Sunday of ISO week 11
      '2026-03-22', // weekly: Sunday of ISO week 12
      '2026-03-25', // daily ×7 …
      '2026-03-26',
      '2026-03-27',
      '2026-03-28',
      '2026-03-29', // … also the newest of ISO week 13
      '2026-03-30',
      '2026-03-31', // … also newest of week 14 and of March
    ]);
  });

  it('rolls forward day by day: after each day exactly the policy\'s sets remain, never more than 7 + 4 + 12', () => {
    let held: BackupPoint[] = [];
    for (const point of calendar('2026-06-30', 400)) {
      held.push(point);
      const keep = setsToKeep(held, POLICY, TUNIS);
      held = held.filter((candidate) => keep.has(candidate.id));
      assert.ok(held.length <= 23, `${point.id}: ${held.length} sets`);
      assert.ok(keep.has(point.id), 'the newest set is always kept');
    }
    const ids = held.map((point) => point.id).sort();
    assert.equal(ids.filter((id) => id >= '2026-06-24').length, 7, 'seven daily sets');
    assert.ok(ids.includes('2025-07-31'), '12th month back is kept');
    assert.ok(!ids.includes('2025-06-30'), '13th month back is gone');
  });

  it('keeps the newest of several sets of a day, and always the newest verified set', () => {
    const day = (hour: number, id: string, verified = true): BackupPoint => ({ id, at: new Date(`2026-03-31T${String(hour).padStart(2, '0')}:00:00Z`), verified });
    const kept = setsToKeep([day(1, 'early'), day(10, 'late'), day(12, 'unverified', false)], { daily: 1, weekly: 0, monthly: 0 }, TUNIS);
    assert.deepEqual([...kept].sort(), ['late', 'unverified'], 'the newest of the day by time, plus the newest verified');
    assert.deepEqual([...setsToKeep([], POLICY, TUNIS)], []);
  });

  it('buckets by the local date in Africa/Tunis (UTC+1), not UTC', () => {
    // 23:30 UTC on 31 March is already 1 April in Tunis.
    const kept = setsToKeep(
      [
        { id: 'a', at: new Date('2026-03-31T22:00:00Z'), verified: true },
        { id: 'b', at: new Date('2026-03-31T23:30:00Z'), verified: true },
      ],
      { daily: 2, weekly: 0, monthly: 0 },
      TUNIS,
    );
    assert.deepEqual([...kept].sort(), ['a', 'b']);
    assert.equal(isoWeekKey({ year: 2026, month: 1, day: 1 }), '2026-W01');
    assert.equal(isoWeekKey({ year: 2027, month: 1, day: 1 }), '2026-W53');
  });
});

describe('schedule', () => {
  it('runs daily at the configured Africa/Tunis time', () => {
    assert.equal(nextDailyAt(new Date('2026-03-31T00:00:00Z'), '02:30', TUNIS).toISOString(), '2026-03-31T01:30:00.000Z');
    assert.equal(nextDailyAt(new Date('2026-03-31T01:30:00Z'), '02:30', TUNIS).toISOString(), '2026-04-01T01:30:00.000Z');
    assert.equal(nextDailyAt(new Date('2026-03-31T23:30:00Z'), '00:15', TUNIS).toISOString(), '2026-04-01T23:15:00.000Z');
    assert.equal(nextDailyAt(new Date('2026-12-31T23:59:00Z'), '23:00', TUNIS).toISOString(), '2027-01-01T22:00:00.000Z');
  });

  it('catches up once after downtime longer than the period', () => {
    const now = new Date('2026-03-31T12:00:00Z');
    assert.equal(isCatchUpDue(undefined, now), true);
    assert.equal(isCatchUpDue(new Date('2026-03-31T01:30:00Z'), now), false);
    assert.equal(isCatchUpDue(new Date('2026-03-30T01:30:00Z'), now), true);
  });

  it('backs off upload retries, doubling up to an hour', () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => uploadRetryDelay(n, 60_000)), [60_000, 120_000, 240_000, 480_000]);
    assert.equal(uploadRetryDelay(20, 60_000), 3_600_000);
  });
});
