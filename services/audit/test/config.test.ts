import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('audit schema owner (issue 12, finding 2)', () => {
  const owner = `postgres://ecar_audit_owner:${randomBytes(32).toString('hex')}@postgres:5432/ecar_audit?sslmode=verify-full`;

  it('production refuses to start without DATABASE_MIGRATION_URL: the runtime role would own the append-only log', () => {
    assert.match(problemsWith('DATABASE_MIGRATION_URL', {}).join('\n'), /DATABASE_MIGRATION_URL is required in production \(set DATABASE_MIGRATION_URL or DATABASE_MIGRATION_URL_FILE\)/);
    assert.deepEqual(problemsWith('DATABASE_MIGRATION_URL', { DATABASE_MIGRATION_URL: owner }), []);
  });

  it('reads it from DATABASE_MIGRATION_URL_FILE (Docker secret) and refuses a weak password or a URL without verify-full', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecar-audit-config-'));
    try {
      const file = join(dir, 'audit_migration_database_url');
      writeFileSync(file, `${owner}\n`);
      assert.deepEqual(problemsWith('DATABASE_MIGRATION_URL', { DATABASE_MIGRATION_URL_FILE: file }), []);
      assert.equal(loadAuditConfig({ NODE_ENV: 'test', DATABASE_MIGRATION_URL_FILE: file }).values.DATABASE_MIGRATION_URL, owner);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.match(problemsWith('DATABASE_MIGRATION_URL', { DATABASE_MIGRATION_URL: 'postgres://ecar_audit_owner:changeme@postgres:5432/ecar_audit?sslmode=verify-full' }).join('\n'), /DATABASE_MIGRATION_URL password/);
    assert.match(problemsWith('DATABASE_MIGRATION_URL', { DATABASE_MIGRATION_URL: owner.replace('verify-full', 'require') }).join('\n'), /verify-full/);
  });

  it('development and tests may still run without an owner role', () => {
    assert.equal(loadAuditConfig({ NODE_ENV: 'test' }).values.DATABASE_MIGRATION_URL, undefined);
  });
});
