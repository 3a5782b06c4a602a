import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createBusNamespace, createTestDatabase, waitFor } from '@ecar/testkit';
import { auditService } from '../../services/audit/src/service.ts';
import { FakeSentry } from '../support/audit-fakes.ts';
import { auditEnv, startAuditHarness, TestTokenIssuer, type AuditHarness } from '../support/audit-harness.ts';

const EMAIL = 'leila.bensalah@gmail.com';
const PHONE = '+216 98 765 432';
const CIN = '09876543';

let sentry: FakeSentry;
let h: AuditHarness;

describe('error monitoring (AUD-3, RES-3): unexpected errors reach the allow-listed Sentry without personal data', () => {
  before(async () => {
    sentry = new FakeSentry();
    await sentry.start();
    h = await startAuditHarness('auditsentry', { SENTRY_DSN: sentry.dsn, OUTBOUND_ALLOWLIST: `127.0.0.1:${sentry.port}` });
  });
  after(async () => {
    await h?.stop();
    await sentry?.stop();
  });

  it('reports an unexpected error of a route, scrubbed of e-mails, phones, CINs, tokens, cookies and IPs', async () => {
    // A row whose stored JSON is corrupt (inserted by the owner): reading it fails unexpectedly.
    // The request carries personal data in its query string, a token, a cookie and a client IP.
    await h.sql(
      `INSERT INTO audit_events (seq, event_id, type, action, producer, correlation_id, subject_type, subject_id, remote_addr, data, occurred_at, recorded_at, prev_hash, hash)
       VALUES (1000000, $1, 'garage.customer.updated', 'update', 'garage', 'c', 'customer', '${CIN}', $2, $3, now(), now(), $4, $5)`,
      [randomUUID(), EMAIL, `{"email":"${EMAIL}","phone":"${PHONE}","cin":"${CIN}"`, '0'.repeat(64), 'f'.repeat(64)],
    );
    const token = h.adminToken;
    const response = await fetch(`${h.audit.url}/api/v1/audit/events?ip=${encodeURIComponent(EMAIL)}&subject=customer:${CIN}`, {
      headers: { authorization: `Bearer ${token}`, cookie: `__Host-ecar_refresh=${token}`, 'x-forwarded-for': '196.203.1.1' },
    });
    assert.equal(response.status, 500);
    const problem = await response.text();
    assert.ok(!problem.includes(EMAIL) && !problem.includes('    at '), 'the caller sees a bare problem');

    const [event] = await waitFor(() => (sentry.errorEvents().length > 0 ? sentry.errorEvents() : undefined), { what: 'the error at the fake Sentry' });
    assert.match(event!, /SyntaxError/);
    assert.match(event!, /"service":"audit"/);
    for (const secret of [EMAIL, PHONE, CIN, token, token.split('.')[1]!, '196.203.1.1', 'ecar_refresh']) {
      assert.ok(!event!.includes(secret), `no ${secret.slice(0, 20)} in what Sentry received`);
    }
    assert.ok(!/"ip_address"/.test(event!), 'no user IP');
  });

  it('refuses to start with a DSN whose host is not on the outbound allow-list', async () => {
    const database = await createTestDatabase('auditsentry2');
    try {
      const env = auditEnv(database, createBusNamespace('auditsentry2'), new TestTokenIssuer(), {
        SENTRY_DSN: 'https://abc@o123.ingest.sentry.io/42',
        OUTBOUND_ALLOWLIST: `127.0.0.1:${sentry.port}`,
      });
      await assert.rejects(auditService.start(env), /SENTRY_DSN: host o123\.ingest\.sentry\.io is not on OUTBOUND_ALLOWLIST/);
    } finally {
      await database.drop();
    }
  });
});
