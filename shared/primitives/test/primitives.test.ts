import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, localDate, localDateString, nextDailyAt, pageById, pageOf, PeriodicJob, rowsForPage, Semaphore } from '../src/index.ts';

describe('backoffDelay', () => {
  it('doubles from initialMs up to maxMs; with full jitter it keeps between half and all of it', () => {
    const plain = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, { initialMs: 500, maxMs: 10_000 }, () => 1));
    assert.deepEqual(plain, [500, 1000, 2000, 4000, 8000, 10_000]);
    assert.equal(backoffDelay(3, { initialMs: 500, maxMs: 10_000 }, () => 0), 2000);
    assert.equal(backoffDelay(1_000, { initialMs: 500, maxMs: 10_000 }, () => 1), 10_000, 'huge attempt numbers stay capped');
    assert.equal(backoffDelay(-1, { initialMs: 500, maxMs: 10_000 }, () => 1), 500);
  });
});

describe('Semaphore', () => {
  it('runs at most `permits` at once, the rest in arrival order, and refuses beyond the queue', async () => {
    const semaphore = new Semaphore(2, { maxQueue: 1, onFull: () => new Error('full') });
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const release: Array<() => void> = [];
    const task = (n: number) =>
      semaphore.run(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => release.push(resolve));
        order.push(n);
        running--;
      });
    const tasks = [task(1), task(2), task(3)];
    await assert.rejects(task(4), /full/);
    while (release.length < 2) await new Promise((resolve) => setImmediate(resolve));
    release.shift()!();
    while (release.length < 2) await new Promise((resolve) => setImmediate(resolve));
    for (const resolve of release.splice(0)) resolve();
    await Promise.all(tasks);
    await semaphore.idle();
    assert.equal(most, 2);
    assert.deepEqual(order, [1, 2, 3]);
    assert.throws(() => new Semaphore(0), RangeError);
  });
});

describe('paging', () => {
  it('fetches limit + 1 and turns the extra row into the next cursor', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    assert.equal(rowsForPage(2), 3);
    assert.deepEqual(pageById(rows, 2), { items: [{ id: 'a' }, { id: 'b' }], nextCursor: 'b' });
    assert.deepEqual(pageById(rows, 3), { items: rows, nextCursor: null });
    assert.deepEqual(pageOf(rows, 1, (row) => row.id.toUpperCase(), (row) => `after:${row.id}`), { items: ['A'], nextCursor: 'after:a' });
    assert.deepEqual(pageById([], 5), { items: [], nextCursor: null });
  });
});

describe('local dates in a configured time zone', () => {
  it('dates an instant by the calendar of the zone, not of UTC', () => {
    const newYearInTunis = new Date('2026-12-31T23:30:00Z');
    assert.equal(localDateString(newYearInTunis, 'Africa/Tunis'), '2027-01-01');
    assert.equal(localDateString(newYearInTunis, 'UTC'), '2026-12-31');
    assert.deepEqual(localDate(newYearInTunis, 'Africa/Tunis'), { year: 2027, month: 1, day: 1 });
  });

  it('finds the next daily run strictly after now, at local time', () => {
    assert.equal(nextDailyAt(new Date('2026-06-01T00:00:00Z'), '02:30', 'Africa/Tunis').toISOString(), '2026-06-01T01:30:00.000Z');
    assert.equal(nextDailyAt(new Date('2026-06-01T01:30:00Z'), '02:30', 'Africa/Tunis').toISOString(), '2026-06-02T01:30:00.000Z');
  });
});

describe('PeriodicJob', () => {
  it('runs on its interval, reports a failed run and goes on, never two runs at once, and stop waits', async () => {
    const errors: string[] = [];
    let runs = 0;
    let overlapping = false;
    let inRun = false;
    const job = new PeriodicJob({
      name: 'test-job',
      schedule: { everyMs: 5 },
      run: async () => {
        if (inRun) overlapping = true;
        inRun = true;
        runs++;
        await new Promise((resolve) => setTimeout(resolve, 10));
        inRun = false;
        if (runs === 1) throw new Error('first run fails');
      },
      onError: (error, name) => errors.push(`${name}: ${(error as Error).message}`),
    });
    job.start();
    await Promise.all([job.runNow(), job.runNow()]);
    while (runs < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    await job.stop();
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(runs, after, 'no run after stop');
    assert.equal(overlapping, false);
    assert.deepEqual(errors, ['test-job: first run fails']);
  });

  it('does not schedule with an interval of 0, yet runs on demand', async () => {
    let runs = 0;
    const job = new PeriodicJob({ name: 'off', schedule: { everyMs: 0 }, run: async () => void runs++, onError: () => undefined });
    job.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(runs, 0);
    await job.runNow();
    assert.equal(runs, 1);
    await job.stop();
  });
});
