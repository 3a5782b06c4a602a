import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@ecar/errors';
import { hashingGate } from '../src/domain/password-hasher.ts';

describe('hash semaphore', () => {
  it('runs at most `permits` tasks at once, queues the rest in order, and refuses beyond the queue with 503', async () => {
    const gate = hashingGate(2, 2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const task = (id: number) =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        order.push(id);
        running--;
      });
    const tasks = [task(1), task(2), task(3), task(4)];
    await assert.rejects(task(5), (error: unknown) => error instanceof AppError && error.status === 503);
    for (let turn = 0; turn < 1000 && order.length < 4; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    await Promise.all(tasks);
    assert.equal(peak, 2);
    assert.deepEqual(order, [1, 2, 3, 4]);
  });
});
