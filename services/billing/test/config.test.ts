import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
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

describe('billing configuration: TEIF signing and El Fatoora', () => {
  it('production refuses to start without the seller certificate, its password and the TTN web service', () => {
    assert.throws(
      () => loadBillingConfig({ NODE_ENV: 'production' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of ['TEIF_SIGNING_P12', 'TEIF_SIGNING_P12_PASSWORD', 'TTN_URL', 'TTN_LOGIN', 'TTN_PASSWORD']) {
          assert.ok(error.problems.some((problem) => problem.startsWith(`${name} is required in production`)), name);
        }
        return true;
      },
    );
  });

  it('refuses a weak password, a TTN URL over http or with credentials in production, and a file that is not a PKCS#12', () => {
    assert.throws(() => loadBillingConfig({ NODE_ENV: 'production', TEIF_SIGNING_P12_PASSWORD: 'changeme' }), /TEIF_SIGNING_P12_PASSWORD/);
    assert.throws(() => loadBillingConfig({ NODE_ENV: 'production', TTN_URL: 'http://webservice.elfatoora.tn/ws' }), /TTN_URL must use https in production/);
    assert.throws(() => loadBillingConfig({ NODE_ENV: 'test', TTN_URL: 'https://user:pw@webservice.elfatoora.tn/ws' }), /TTN_URL must not carry credentials/);
    assert.throws(() => loadBillingConfig({ NODE_ENV: 'test', TEIF_SIGNING_P12: Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64') }), /TEIF_SIGNING_P12 is not a PKCS#12 file/);
  });

  it('development signs with a throw-away certificate and sends nothing, and says both', () => {
    const loaded = loadBillingConfig({ NODE_ENV: 'development' });
    assert.equal(loaded.values.TEIF_SIGNING_P12, undefined);
    assert.equal(loaded.values.TTN_URL, undefined);
    assert.ok(loaded.warnings.some((warning) => warning.includes('TEIF_SIGNING_P12 not set')));
    assert.ok(loaded.warnings.some((warning) => warning.includes('TTN_URL not set')));
  });
});

describe('billing configuration: the schema owner (issue 12, finding 2)', () => {
  it('production refuses to start without DATABASE_MIGRATION_URL: the runtime role could disable the invoice guards', () => {
    assert.throws(
      () => loadBillingConfig({ NODE_ENV: 'production' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(error.problems.some((problem) => problem.startsWith('DATABASE_MIGRATION_URL is required in production')), error.problems.join('\n'));
        return true;
      },
    );
    const owner = `postgres://ecar_billing_owner:${randomBytes(32).toString('hex')}@postgres:5432/ecar_billing?sslmode=verify-full`;
    assert.throws(
      () => loadBillingConfig({ NODE_ENV: 'production', DATABASE_MIGRATION_URL: owner }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(!error.problems.some((problem) => problem.startsWith('DATABASE_MIGRATION_URL')), error.problems.join('\n'));
        return true;
      },
    );
    assert.equal(loadBillingConfig({ NODE_ENV: 'test' }).values.DATABASE_MIGRATION_URL, undefined);
  });
});
