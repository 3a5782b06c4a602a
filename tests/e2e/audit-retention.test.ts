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

  it('purges the old prefix, leaves an anchor, logs the purge, and the chain still verifies', async (t) => {
    const now = Date.now();
    const old = Array.from({ length: 5 }, (_, i) => tokenRefreshed(new Date(now - (500 - i) * DAY)));
    const recent = Array.from({ length: 3 }, (_, i) => tokenRefreshed(new Date(now - (10 - i) * DAY)));
    await h.publish([...old, ...recent]);
    await stored([...old, ...recent]);
    assert.equal((await h.get('/api/v1/audit/verify')).body.valid, true);

    const result = await h.audit.domain.purgeNow(new Date(now));
    assert.equal(result.purgedRows, 5);
    assert.equal(result.throughSeq, '5');
    const remaining = await h.sql<{ event_id: string }>('SELECT event_id::text FROM audit_events ORDER BY seq');
    assert.deepEqual(remaining.slice(0, 3).map((row) => row.event_id), recent.map((event) => event.id));
    const anchors = await h.sql<{ first_seq: string; prev_hash: string }>('SELECT first_seq::text, prev_hash FROM audit_chain_anchors');
    assert.deepEqual(anchors, [{ first_seq: '6', prev_hash: result.anchorHash }]);

    const purgeEvent = await waitFor(async () => (await h.get('/api/v1/audit/events?type=audit.retention.purged')).body.items[0], { what: 'the purge in the log' });
    assert.equal(purgeEvent.data.purgedRows, 5);
    assert.equal(purgeEvent.data.anchorHash, result.anchorHash);
    assert.equal(purgeEvent.actor.system, 'audit-retention');
    const verify = (await h.get('/api/v1/audit/verify')).body;
    assert.equal(verify.valid, true);
    assert.deepEqual(verify.startedFrom, { seq: '6', prevHash: result.anchorHash });
    assert.equal(verify.checkedRows, await h.storedCount());

    t.diagnostic('a second run finds nothing more to purge and logs nothing');
    assert.equal((await h.audit.domain.purgeNow(new Date(now))).purgedRows, 0);
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
