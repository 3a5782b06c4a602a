import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { waitFor } from '@ecar/testkit';
import { auditService } from '../../services/audit/src/service.ts';
import { auditEnv, startAuditHarness, TestTokenIssuer, type AuditHarness } from '../support/audit-harness.ts';

const DAY = 86_400_000;
let h: AuditHarness;

function tokenRefreshed(occurredAt: Date): EventEnvelope {
  return buildEvent({
    type: 'auth.token.refreshed',
    producer: 'auth',
    correlationId: `r-${randomUUID()}`,
    actor: { userId: randomUUID(), role: 'technician', ip: '10.3.3.3' },
    subject: { type: 'session', id: randomUUID() },
    data: { sessionId: randomUUID() },
    occurredAt,
  }) as EventEnvelope;
}

async function stored(events: EventEnvelope[]): Promise<void> {
  const last = events[events.length - 1]!;
  await waitFor(async () => ((await h.sql('SELECT 1 FROM audit_events WHERE event_id = $1', [last.id])).length ? true : undefined), { what: 'events stored' });
}

describe('retention (AUD-2): purge of rows older than the retention keeps the chain verifiable and is itself audited', () => {
  before(async () => {
    h = await startAuditHarness('auditretention', { AUDIT_RETENTION_DAYS: '400' });
  });
  after(async () => {
    await h?.stop();
  });

  // The purge drops whole months of recorded_at (issue 16): an expired month is dropped, with its
  // anchor and its audit event, in tests/e2e/audit-partitions.test.ts. Here: what it must not drop.
  it('keeps rows that occurred long ago while their month of recording has not expired: kept longer, never shorter', async () => {
    const now = Date.now();
    const old = Array.from({ length: 5 }, (_, i) => tokenRefreshed(new Date(now - (500 - i) * DAY)));
    const recent = Array.from({ length: 3 }, (_, i) => tokenRefreshed(new Date(now - (10 - i) * DAY)));
    await h.publish([...old, ...recent]);
    await stored([...old, ...recent]);
    assert.equal((await h.get('/api/v1/audit/verify')).body.valid, true);

    const result = await h.audit.domain.purgeNow(new Date(now));
    assert.deepEqual({ purgedRows: result.purgedRows, throughSeq: result.throughSeq }, { purgedRows: 0, throughSeq: null });
    const remaining = await h.sql<{ event_id: string }>('SELECT event_id::text FROM audit_events ORDER BY seq');
    assert.deepEqual(remaining.map((row) => row.event_id), [...old, ...recent].map((event) => event.id));
    assert.deepEqual(await h.sql('SELECT 1 FROM audit_chain_anchors'), []);
    assert.equal((await h.get('/api/v1/audit/events?type=audit.retention.purged')).body.items.length, 0, 'nothing purged, nothing logged');
    const verify = (await h.get('/api/v1/audit/verify')).body;
    assert.equal(verify.valid, true);
    assert.equal(verify.checkedRows, old.length + recent.length);
  });

  it('the database refuses a purge of rows younger than one year, whatever clock the service uses', async () => {
    await assert.rejects(h.audit.domain.purgeNow(new Date(Date.now() + 1000 * DAY)), /retention below one year refused/);
    await assert.rejects(h.sql(`SELECT * FROM audit_purge(now() - interval '30 days')`), /retention below one year refused/);
    assert.equal((await h.get('/api/v1/audit/verify')).body.valid, true);
  });

  it('refuses to start with a retention below one year, naming the variable', async () => {
    const issuer = new TestTokenIssuer();
    const env = auditEnv(h.database, h.bus, issuer, { AUDIT_RETENTION_DAYS: '364' });
    await assert.rejects(auditService.start(env), /AUDIT_RETENTION_DAYS must be ≥ 365/);
  });
});
