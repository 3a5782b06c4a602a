import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorEvent } from '@sentry/node';
import { assertAllowedDestination, isAllowedDestination, scrubEvent, scrubText } from '../src/index.ts';

describe('Sentry scrubbing', () => {
  it('masks e-mails, Tunisian phones, CINs, JWTs and bearer tokens in text', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
    const text = scrubText(`user a.b@garage.tn phone +216 20 123 456 or 0021620123456, CIN 01234567, token ${jwt}, Authorization: Bearer abc.def`);
    for (const secret of ['a.b@garage.tn', '20 123 456', '0021620123456', '01234567', jwt, 'abc.def']) assert.ok(!text.includes(secret), secret);
  });

  it('drops user ip and e-mail, request bodies, headers, cookies and query strings; masks sensitive keys', () => {
    const event = {
      type: undefined,
      user: { id: 'u1', email: 'x@y.tn', ip_address: '1.2.3.4' },
      request: { method: 'POST', url: 'https://api/x?email=x@y.tn', data: { password: 'p' }, cookies: { s: '1' }, headers: { authorization: 'Bearer t' } },
      extra: { customer: { phone: '20123456', name: 'Sami' }, sessionToken: 'abc' },
      server_name: 'vps-1',
    } as unknown as ErrorEvent;
    const scrubbed = scrubEvent(event) as unknown as { user: unknown; request: unknown; server_name?: string; extra: { customer: { phone: string; name: string }; sessionToken: string } };
    assert.deepEqual(scrubbed.user, { id: 'u1' });
    assert.deepEqual(scrubbed.request, { method: 'POST', url: 'https://api/x' });
    assert.equal(scrubbed.extra.customer.phone, '[redacted]');
    assert.equal(scrubbed.extra.customer.name, 'Sami');
    assert.equal(scrubbed.extra.sessionToken, '[redacted]');
    assert.equal(scrubbed.server_name, undefined);
  });

  it('allows only listed hosts (host or host:port)', () => {
    assert.equal(isAllowedDestination(new URL('https://sentry.garage.tn/1'), ['sentry.garage.tn']), true);
    assert.equal(isAllowedDestination(new URL('https://sentry.garage.tn/1'), ['sentry.garage.tn:443']), true);
    assert.equal(isAllowedDestination(new URL('https://sentry.garage.tn:8443/1'), ['sentry.garage.tn:443']), false);
    assert.equal(isAllowedDestination(new URL('https://evil.example/1'), ['sentry.garage.tn']), false);
    assert.throws(() => assertAllowedDestination('SENTRY_DSN', 'https://k@evil.example/1', []), /SENTRY_DSN: host evil.example is not on OUTBOUND_ALLOWLIST/);
  });
});
