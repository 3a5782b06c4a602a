import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@ecar/config';
import { loadBillingConfig } from '../src/config.ts';

describe('billing configuration: the seller printed on every invoice', () => {
  it('production refuses to start without the seller identity', () => {
    assert.throws(
      () => loadBillingConfig({ NODE_ENV: 'production' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of ['SELLER_NAME', 'SELLER_ADDRESS', 'SELLER_TAX_ID', 'SELLER_TRADE_REGISTER']) {
          assert.ok(error.problems.some((problem) => problem.startsWith(`${name} is required in production`)), name);
        }
        return true;
      },
    );
  });

  it('validates and normalises the seller matricule fiscal', () => {
    const loaded = loadBillingConfig({ NODE_ENV: 'test', SELLER_TAX_ID: '1234567 a b m 000' });
    assert.equal(loaded.values.SELLER_TAX_ID, '1234567/A/B/M/000');
    assert.throws(() => loadBillingConfig({ NODE_ENV: 'test', SELLER_TAX_ID: '1234567/O/B/M/000' }), /SELLER_TAX_ID is not a valid matricule fiscal/);
  });

  it('development uses an obviously fictitious garage and says so', () => {
    const loaded = loadBillingConfig({ NODE_ENV: 'development' });
    assert.equal(loaded.values.SELLER_TAX_ID, '0000000/Z/A/M/000');
    assert.ok(loaded.warnings.some((warning) => warning.includes('SELLER_NAME not set')));
    assert.deepEqual(loaded.values.WORKORDER_RETRY_DELAYS_MS, ['1000', '5000', '30000']);
    assert.throws(() => loadBillingConfig({ NODE_ENV: 'test', WORKORDER_RETRY_DELAYS_MS: '0,abc' }), /WORKORDER_RETRY_DELAYS_MS/);
  });
});
