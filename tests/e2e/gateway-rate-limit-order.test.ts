import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@ecar/logger';
import { Registry } from 'prom-client';
import { RateLimitStore } from '../../gateway/src/rate-limit.ts';

// Every limit of a request is counted in one Redis script call (gateway/src/rate-limit.ts); these
// prove it keeps what separate calls in order did, against the real Redis.
const REDIS_URL = process.env['ECAR_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `t-rlorder-${randomBytes(4).toString('hex')}:`;
let store: RateLimitStore;

describe('gateway rate limits counted in one call, in order (NET-4, NET-5)', () => {
  before(async () => {
    store = new RateLimitStore(REDIS_URL, prefix, createLogger({ service: 'rl-order-test', silent: true }), new Registry());
    assert.equal(await store.connected(5_000), true, 'Redis answers');
  });
  after(async () => {
    const keys = await store.client.keys(`${prefix}*`);
    if (keys.length > 0) await store.client.del(...keys);
    await store.close();
  });

  it('counts the address and the user in one call; a request refused per address is not counted against its user', async () => {
    const perIp = store.limiter('ip', 2, 60_000);
    const perUser = store.limiter('user', 5, 60_000);
    const hits = [{ limiter: perIp, key: '10.0.0.1' }, { limiter: perUser, key: 'user-a' }];
    for (let n = 1; n <= 2; n++) {
      const { limiter, verdict } = await store.hitInOrder(hits);
      assert.equal(limiter, perUser, 'the last limiter counted answers');
      assert.deepEqual([verdict.allowed, verdict.remaining], [true, 5 - n]);
      assert.ok(verdict.retryAfterMs > 0 && verdict.retryAfterMs <= 60_000);
    }
    const refused = await store.hitInOrder(hits);
    assert.equal(refused.limiter, perIp);
    assert.deepEqual([refused.verdict.allowed, refused.verdict.remaining], [false, 0]);
    assert.equal(await store.client.get(perUser.redisKey('user-a')), '2', 'the refused request left the user counter alone');
    assert.equal(await store.client.get(perIp.redisKey('10.0.0.1')), '3');
    assert.ok((await store.client.pttl(perIp.redisKey('10.0.0.1'))) > 0, 'the window expires');
  });

  it('refuses a user over its budget from any address, each address counted', async () => {
    const perIp = store.limiter('ip2', 100, 60_000);
    const perUser = store.limiter('user2', 3, 60_000);
    const verdicts = [];
    for (let n = 0; n < 5; n++) verdicts.push(await store.hitInOrder([{ limiter: perIp, key: `10.0.1.${n}` }, { limiter: perUser, key: 'user-b' }]));
    assert.deepEqual(verdicts.map(({ verdict }) => verdict.allowed), [true, true, true, false, false]);
    assert.ok(verdicts.slice(3).every(({ limiter }) => limiter === perUser));
    for (let n = 0; n < 5; n++) assert.equal(await store.client.get(perIp.redisKey(`10.0.1.${n}`)), '1');
  });
});
