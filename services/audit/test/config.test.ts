import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadAuditConfig } from '../src/config.ts';

/** The problems a production start reports about one variable. */
function problemsWith(variable: string, env: NodeJS.ProcessEnv): string[] {
  try {
    loadAuditConfig({ NODE_ENV: 'production', ...env });
    return [];
  } catch (error) {
    return String((error as Error).message)
      .split('\n')
      .filter((line) => line.includes(variable));
  }
}

describe('audit configuration', () => {
  it('refuses an alert webhook over plain http in production, accepts https (issue 12, finding 9)', () => {
    assert.match(problemsWith('ALERT_WEBHOOK_URL', { ALERT_WEBHOOK_URL: 'http://alerts.ecar.tn/hook' }).join('\n'), /must use https: in production/);
    assert.deepEqual(problemsWith('ALERT_WEBHOOK_URL', { ALERT_WEBHOOK_URL: 'https://alerts.ecar.tn/hook' }), []);
  });

  it('lets development post alerts to a local http receiver', () => {
    assert.equal(loadAuditConfig({ NODE_ENV: 'test', ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hook' }).values.ALERT_WEBHOOK_URL, 'http://127.0.0.1:9/hook');
  });
});

describe('audit chain key', () => {
  it('production refuses a missing or development AUDIT_CHAIN_KEY (issue 12, finding 2)', () => {
    assert.match(problemsWith('AUDIT_CHAIN_KEY', {}).join('\n'), /AUDIT_CHAIN_KEY is required in production/);
    const development = loadAuditConfig({ NODE_ENV: 'test' }).values.AUDIT_CHAIN_KEY.toString('base64');
    assert.match(problemsWith('AUDIT_CHAIN_KEY', { AUDIT_CHAIN_KEY: development }).join('\n'), /development default/);
    assert.deepEqual(problemsWith('AUDIT_CHAIN_KEY', { AUDIT_CHAIN_KEY: randomBytes(32).toString('base64') }), []);
  });
});
