import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadAuthConfig } from '../src/config.ts';

const key = () => randomBytes(32).toString('base64');
const production = (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://ecar_auth:Qx7-vT9pLm2-Rw4zKd8@db:5432/ecar_auth',
  AMQP_URL: 'amqps://ecar_auth:Hk3-Zp8wNq5-Tx2mLc7@mq:5671/ecar',
  SIGNING_KEY_ENCRYPTION_KEY: key(),
  MFA_ENCRYPTION_KEY: key(),
  CSRF_KEY: key(),
  SMTP_URL: 'smtps://ecar:Sm7-Kq2pWv9-Lx4@relay.ecar.tn:465',
  SMTP_ALLOWED_HOSTS: 'relay.ecar.tn',
  PUBLIC_BASE_URL: 'https://garage.ecar.tn',
  ...overrides,
});

/** The problems a production start reports, one line per variable (TLS ones are not this file's concern). */
function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadAuthConfig(env);
    return [];
  } catch (error) {
    return String((error as Error).message)
      .split('\n')
      .filter((line) => !/ECAR_TLS_|sslmode/.test(line) && line.trim().startsWith('-'));
  }
}

describe('auth configuration in production', () => {
  it('has no problem of its own with every secret given', () => {
    assert.deepEqual(problems(production()), []);
  });

  const refusals: Array<[string, NodeJS.ProcessEnv, string]> = [
    ['no MFA encryption key', { MFA_ENCRYPTION_KEY: '' }, 'MFA_ENCRYPTION_KEY'],
    ['no CSRF key', { CSRF_KEY: '' }, 'CSRF_KEY'],
    ['no SMTP relay', { SMTP_URL: '' }, 'SMTP_URL'],
    ['no public base URL', { PUBLIC_BASE_URL: '' }, 'PUBLIC_BASE_URL'],
    ['a public base URL over http', { PUBLIC_BASE_URL: 'http://garage.ecar.tn' }, 'PUBLIC_BASE_URL'],
    ['a public base URL on localhost', { PUBLIC_BASE_URL: 'https://localhost' }, 'PUBLIC_BASE_URL'],
    ['cookies without Secure', { COOKIE_SECURE: 'false' }, 'COOKIE_SECURE'],
    ['a TOTP step other than 30 s', { MFA_TOTP_PERIOD_SECONDS: '1' }, 'MFA_TOTP_PERIOD_SECONDS'],
    ['argon2 weaker than OWASP', { ARGON2_MEMORY_KIB: '8192' }, 'ARGON2_MEMORY_KIB'],
    ['passwords shorter than 8', { PASSWORD_MIN_LENGTH: '6' }, 'PASSWORD_MIN_LENGTH'],
  ];
  for (const [name, overrides, variable] of refusals) {
    it(`refuses ${name}`, () => {
      const found = problems(production(overrides));
      assert.equal(found.length, 1, found.join('\n'));
      assert.match(found[0]!, new RegExp(variable));
    });
  }

  it('lets development run without a relay (e-mails are logged) and with a short TOTP step for tests', () => {
    const { values } = loadAuthConfig({ NODE_ENV: 'test', MFA_TOTP_PERIOD_SECONDS: '1' });
    assert.equal(values.SMTP_URL, undefined);
    assert.equal(values.MFA_TOTP_PERIOD_SECONDS, 1);
  });
});
