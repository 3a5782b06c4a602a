import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '@ecar/testkit';
import { BusConnection, RevokedSessions, type RevokedSession } from '../src/index.ts';
import { logger } from './helpers.ts';

/*
 * The deny-list fails closed (finding 4 of issue 12). The broker connection here is never
 * started, so the list can only be fed by polling the snapshot: it is not current before the
 * first snapshot, current while polls succeed, and not current once they have failed for longer
 * than the grace period.
 */
describe('revoked sessions: current only while fed', () => {
  it('is not current before a snapshot, current after one, and not current once unfed beyond the grace period', async () => {
    const connection = new BusConnection({ url: 'amqp://guest:guest@127.0.0.1:1', name: 'revoked-sessions-test', logger });
    let answer: 'fail' | RevokedSession[] = 'fail';
    const feed = new RevokedSessions({
      connection,
      exchange: 'ecar.test.revoked-sessions',
      queue: 'unused',
      logger,
      graceMs: 400,
      pollMs: 50,
      loadSnapshot: async () => {
        if (answer === 'fail') throw new Error('auth unreachable');
        return answer;
      },
    });
    await feed.start();
    try {
      assert.equal(feed.subscribed, false);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(feed.current(), false, 'never loaded: not current');

      answer = [{ sessionId: 'revoked-1', revokedAt: new Date() }];
      await waitFor(() => (feed.current() ? true : undefined), { timeoutMs: 2_000, what: 'the polled snapshot' });
      assert.equal(feed.isRevoked('revoked-1'), true);
      assert.equal(feed.isRevoked('other'), false);

      answer = 'fail';
      const lostAt = Date.now();
      await waitFor(() => (feed.current() ? undefined : true), { timeoutMs: 3_000, what: 'the grace period to run out' });
      assert.ok(Date.now() - lostAt >= 300, 'trusted for its grace period after the last good poll');
      assert.equal(feed.isRevoked('revoked-1'), true, 'what it knew stays known');
    } finally {
      feed.stop();
      await connection.close();
    }
  });
});
