import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, commonFields, developmentBanner, devSecret, field, loadConfig } from '../src/index.ts';

const spec = {
  ...commonFields('auth', 3001),
  KEY: field.secretKey({ doc: 'a key', bytes: 32 }),
};
const strongKey = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)).toString('base64');
const strongProduction = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://ecar_auth:Zq8%23vT2pLm9xW4rB7nK1@db:5432/ecar_auth?sslmode=verify-full',
  AMQP_URL: 'amqps://ecar_auth:Hs6%21yU3kQw8eR1tZp0M@mq:5671/ecar',
  KEY: strongKey,
  ECAR_TLS_CERT: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  ECAR_TLS_KEY: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  ECAR_TLS_CA: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('config', () => {
  it('development falls back to defaults and says so loudly', () => {
    const loaded = loadConfig('auth', spec, {});
    assert.equal(loaded.mode, 'development');
    assert.equal(loaded.values.PORT, 3001);
    assert.equal(loaded.values.KEY.length, 32);
    assert.ok(loaded.warnings.some((w) => w.includes('KEY')));
    assert.match(developmentBanner('auth', loaded) ?? '', /DEVELOPMENT MODE/);
  });

  it('production accepts strong secrets and prints no banner', () => {
    const loaded = loadConfig('auth', spec, strongProduction);
    assert.equal(loaded.mode, 'production');
    assert.equal(developmentBanner('auth', loaded), undefined);
  });

  it('production refuses missing secrets, naming each variable', () => {
    const problems = problemsOf(() => loadConfig('auth', spec, { NODE_ENV: 'production' }));
    assert.ok(problems.some((p) => p.startsWith('DATABASE_URL is required in production')));
    assert.ok(problems.some((p) => p.startsWith('AMQP_URL is required in production')));
    assert.ok(problems.some((p) => p.startsWith('KEY is required in production')));
  });

  it('production refuses default and weak secrets', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ KEY: devSecret('KEY') }, /KEY is the development default/],
      [{ KEY: Buffer.alloc(32, 7).toString('base64') }, /KEY does not look random/],
      [{ KEY: Buffer.alloc(16, 1).toString('base64') }, /KEY must decode to 32 bytes/],
      [{ AMQP_URL: 'amqp://guest:guest@mq:5672' }, /AMQP_URL password is a well-known weak value/],
      [{ DATABASE_URL: 'postgres://ecar_auth@db/ecar_auth' }, /DATABASE_URL has no password/],
      [{ DATABASE_URL: 'postgres://ecar_auth:short@db/ecar_auth' }, /too short/],
      [{ DATABASE_URL: 'postgres://ecar_auth:ecar-dev-password-auth@127.0.0.1:5432/ecar_auth' }, /development default/],
      [{ DATABASE_URL: 'postgres://ecar_auth:Zq8%23vT2pLm9xW4rB7nK1@db:5432/ecar_auth' }, /DATABASE_URL: production connects to PostgreSQL over TLS/],
      [{ DATABASE_URL: 'postgres://ecar_auth:Zq8%23vT2pLm9xW4rB7nK1@db:5432/ecar_auth?sslmode=require' }, /DATABASE_URL: production connects to PostgreSQL over TLS and checks the server certificate/],
      [{ DATABASE_URL: 'postgres://ecar_auth:Zq8%23vT2pLm9xW4rB7nK1@db:5432/ecar_auth?sslmode=verify-ca' }, /add \?sslmode=verify-full/],
      [{ DATABASE_MIGRATION_URL: 'postgres://ecar_auth_owner:Zq8%23vT2pLm9xW4rB7nK1@db:5432/ecar_auth?sslmode=require' }, /DATABASE_MIGRATION_URL: production connects to PostgreSQL over TLS/],
      [{ AMQP_URL: 'amqp://ecar_auth:Hs6%21yU3kQw8eR1tZp0M@mq:5672/ecar' }, /AMQP_URL: production connects to RabbitMQ over TLS/],
      [{ ECAR_TLS_CERT: '' }, /ECAR_TLS_CERT is required in production/],
      [{ ECAR_TLS_KEY: 'not a pem' }, /ECAR_TLS_KEY is not a PEM document/],
    ];
    for (const [override, expected] of cases) {
      const problems = problemsOf(() => loadConfig('auth', spec, { ...strongProduction, ...override }));
      assert.ok(problems.some((p) => expected.test(p)), `${JSON.stringify(override)} → ${problems.join('; ')}`);
    }
  });

  it('reads NAME_FILE (Docker secrets) and refuses NAME together with NAME_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecar-config-'));
    const file = join(dir, 'key');
    writeFileSync(file, `${strongKey}\n`);
    const { KEY: _key, ...rest } = strongProduction;
    const loaded = loadConfig('auth', spec, { ...rest, KEY_FILE: file });
    assert.equal(loaded.values.KEY.toString('base64'), strongKey);
    const both = problemsOf(() => loadConfig('auth', spec, { ...strongProduction, KEY_FILE: file }));
    assert.ok(both.some((p) => /KEY and KEY_FILE are both set/.test(p)));
    const unreadable = problemsOf(() => loadConfig('auth', spec, { ...rest, KEY_FILE: join(dir, 'missing') }));
    assert.ok(unreadable.some((p) => /KEY_FILE: cannot read/.test(p)));
  });

  it('validates ordinary values with clear messages', () => {
    const problems = problemsOf(() => loadConfig('auth', spec, { PORT: 'eighty', AUTH_JWKS_URL: 'ftp://x', LOG_LEVEL: 'loud' }));
    assert.ok(problems.includes('PORT must be an integer'));
    assert.ok(problems.some((p) => p.startsWith('AUTH_JWKS_URL must use')));
    assert.ok(problems.some((p) => p.startsWith('LOG_LEVEL must be one of')));
  });
});
