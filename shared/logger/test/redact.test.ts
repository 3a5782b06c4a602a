import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import winston from 'winston';
import { createLogger, redact, runWithContext } from '../src/index.ts';

describe('logger redaction', () => {
  it('masks sensitive keys at any depth and secrets inside text', () => {
    const out = redact({
      email: 'a@b.tn',
      password: 'S3cret!',
      nested: { refreshToken: 'abc', headers: { authorization: 'Bearer x.y.z', cookie: '__Host-ecar_access=eyJ' } },
      list: [{ newPassword: 'x' }],
      message: 'got Bearer abc.def.ghi and cookie __Host-ecar_refresh=zzz',
    }) as Record<string, unknown>;
    const text = JSON.stringify(out);
    for (const secret of ['S3cret!', '"abc"', 'x.y.z', 'eyJ', 'abc.def.ghi', 'zzz', '"x"']) assert.ok(!text.includes(secret), `leaked ${secret}: ${text}`);
    assert.equal(out['email'], 'a@b.tn');
  });

  it('writes JSON lines with the correlation id of the current context and nothing secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ service: 'test', silent: false });
    logger.clear().add(new winston.transports.Stream({ stream: sink }));
    runWithContext({ correlationId: 'corr-123456' }, () => logger.info('login', { password: 'hunter2', token: 'tok' }));
    await new Promise((resolve) => setImmediate(resolve));
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(entry['correlationId'], 'corr-123456');
    assert.equal(entry['service'], 'test');
    assert.equal(entry['password'], '[REDACTED]');
    assert.equal(entry['token'], '[REDACTED]');
  });
});
