import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, devSecret } from '@ecar/config';
import { loadGarageConfig } from '../src/config.ts';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadGarageConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
}

describe('garage configuration', () => {
  it('development falls back to public keys with a warning', () => {
    const loaded = loadGarageConfig({ NODE_ENV: 'development' });
    assert.equal(loaded.values.FIELD_KEYS.currentKeyId, 'dev1');
    assert.ok(loaded.warnings.some((warning) => warning.includes('FIELD_KEYS')));
    assert.ok(loaded.warnings.some((warning) => warning.includes('BLIND_INDEX_KEY')));
  });

  it('production refuses missing, development and malformed field keys', () => {
    const missing = problemsOf({ NODE_ENV: 'production' });
    assert.ok(missing.some((problem) => problem.startsWith('FIELD_KEYS is required')));
    assert.ok(missing.some((problem) => problem.startsWith('BLIND_INDEX_KEY is required')));
    const dev = problemsOf({ NODE_ENV: 'production', FIELD_KEYS: `k1:${devSecret('FIELD_KEYS')}` });
    assert.ok(dev.some((problem) => problem.includes('FIELD_KEYS contains the development key')));
    const short = problemsOf({ NODE_ENV: 'production', FIELD_KEYS: `k1:${randomBytes(16).toString('base64')}` });
    assert.ok(short.some((problem) => problem.startsWith('FIELD_KEYS:')));
    const weak = problemsOf({ NODE_ENV: 'production', FIELD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` });
    assert.ok(weak.some((problem) => problem.includes('does not look random')));
  });

  it('the last key of FIELD_KEYS is current; earlier ones still open old values', () => {
    const k1 = randomBytes(32).toString('base64');
    const k2 = randomBytes(32).toString('base64');
    const { values } = loadGarageConfig({ NODE_ENV: 'test', FIELD_KEYS: `k1:${k1},k2:${k2}` });
    assert.equal(values.FIELD_KEYS.currentKeyId, 'k2');
    const old = loadGarageConfig({ NODE_ENV: 'test', FIELD_KEYS: `k1:${k1}` }).values.FIELD_KEYS.seal('x', 'a');
    assert.equal(values.FIELD_KEYS.openText(old, 'a'), 'x');
  });

  it('TECHNICIAN_REACH_AFTER_CLOSE_HOURS: 7 days by default; negative, fractional, non-numeric or beyond 90 days refused', () => {
    assert.equal(loadGarageConfig({ NODE_ENV: 'test' }).values.TECHNICIAN_REACH_AFTER_CLOSE_HOURS, 168);
    assert.equal(loadGarageConfig({ NODE_ENV: 'test', TECHNICIAN_REACH_AFTER_CLOSE_HOURS: '0' }).values.TECHNICIAN_REACH_AFTER_CLOSE_HOURS, 0);
    for (const value of ['-1', '1.5', 'seven', `${90 * 24 + 1}`]) {
      assert.ok(problemsOf({ NODE_ENV: 'production', TECHNICIAN_REACH_AFTER_CLOSE_HOURS: value }).some((problem) => problem.startsWith('TECHNICIAN_REACH_AFTER_CLOSE_HOURS')), value);
    }
  });
});
