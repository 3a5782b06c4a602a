import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildEvent, EVENT_TYPES, type EventEnvelope } from '@ecar/contracts';
import { waitFor } from '@ecar/testkit';
import { sampleEvents } from '../support/audit-samples.ts';
import { startAuditHarness, type AuditHarness } from '../support/audit-harness.ts';

let h: AuditHarness;

async function waitForStored(count: number): Promise<void> {
  await waitFor(async () => ((await h.storedCount()) >= count ? true : undefined), { timeoutMs: 20_000, what: `${count} audit rows` });
}

function customerUpdated(customerId: string, actorId: string): EventEnvelope {
  return buildEvent({
    type: 'garage.customer.updated',
    producer: 'garage',
    correlationId: `corr-${randomUUID()}`,
    actor: { userId: actorId, role: 'technician', email: 'tech@garage.tn', ip: '10.1.1.1', userAgent: 'ua' },
    subject: { type: 'customer', id: customerId },
    data: sampleEvents().find((event) => event.type === 'garage.customer.updated')!.data as never,
    changes: { phone: ['+216 20 123 456', '+216 21 654 321'], city: ['Tunis', 'Sfax'] },
  }) as EventEnvelope;
}

describe('audit log: every catalogue event, hash chain, append-only, queries', () => {
  before(async () => {
    h = await startAuditHarness('auditchain');
  });
  after(async () => {
    await h?.stop();
  });

  it('stores one row per catalogue event type with actor, subject and masked personal data, and the chain verifies', async () => {
    const samples = sampleEvents();
    assert.equal(samples.length, EVENT_TYPES.length);
    await h.publish(samples);
    await waitForStored(samples.length);
    for (const sample of samples) {
      const { body } = await h.get(`/api/v1/audit/events?type=${sample.type}&limit=200`);
      const item = body.items.find((row) => row['eventId'] === sample.id);
      assert.ok(item, `${sample.type} is in the audit log`);
      assert.equal(item['actor'].id, (sample.actor as { userId: string }).userId, sample.type);
      assert.equal(item['actor'].email, 'actor@ecar.test', `${sample.type}: actor e-mail snapshot kept`);
      assert.equal(item['actor'].ip, '10.0.0.7');
      assert.equal(item['subject'].id, sample.subject.id, sample.type);
      assert.equal(item['correlationId'], sample.correlationId);
      for (const field of ['email', 'phone', 'cin', 'address', 'plate', 'vin', 'taxId']) {
        if (typeof sample.data[field] === 'string') assert.equal(item['data'][field], '***', `${sample.type}: data.${field} masked`);
      }
    }
    const verify = await h.get('/api/v1/audit/verify');
    assert.equal(verify.status, 200);
    assert.equal(verify.body.valid, true);
    assert.ok((verify.body.checkedRows ?? 0) >= samples.length, 'every stored row was checked');
  });

  it('masks personal data in changes and nested data, and keeps what is not personal', async () => {
    const customerId = randomUUID();
    const event = customerUpdated(customerId, randomUUID());
    const completed = sampleEvents().find((sample) => sample.type === 'garage.workorder.completed')!;
    await h.publish([event, completed]);
    const stored = await waitFor(async () => (await h.get(`/api/v1/audit/events?subject=customer:${customerId}`)).body.items[0], { what: 'customer update' });
    assert.deepEqual(stored.changes, { city: ['Tunis', 'Sfax'], phone: ['***', '***'] });
    const rows = await waitFor(async () => {
      const found = await h.sql<{ data: string }>('SELECT data FROM audit_events WHERE event_id = $1', [completed.id]);
      return found.length ? found : undefined;
    }, { what: 'the completed work order' });
    const data = JSON.parse(rows[0]!.data);
    assert.equal(data.buyer.cin, '***');
    assert.equal(data.vehicle.plate, '***');
    assert.equal(data.buyer.name, (completed.data['buyer'] as { name: string }).name);
  });

  it('the same event delivered twice gives one row', async () => {
    const event = customerUpdated(randomUUID(), randomUUID());
    await h.publish([event, event]);
    await h.publish([event]);
    const marker = customerUpdated(randomUUID(), randomUUID());
    await h.publish([marker]);
    await waitFor(async () => ((await h.sql('SELECT 1 FROM audit_events WHERE event_id = $1', [marker.id])).length ? true : undefined), { what: 'marker' });
    assert.equal((await h.sql('SELECT 1 FROM audit_events WHERE event_id = $1', [event.id])).length, 1);
    const both = await h.sql('SELECT 1 FROM audit_events WHERE correlation_id = ANY($1)', [[event.correlationId, marker.correlationId]]);
    assert.equal(both.length, 2);
  });

  it('filters by actor, action and time range, paginates with a cursor, and exports injection-safe CSV', async () => {
    const actor = randomUUID();
    const events = Array.from({ length: 5 }, () => customerUpdated(randomUUID(), actor));
    const hostile = buildEvent({
      type: 'garage.customer.updated',
      producer: 'garage',
      correlationId: '=HYPERLINK("http://evil.example","x")',
      actor: { userId: actor, role: 'technician', userAgent: '+cmd|calc', ip: '@SUM(1+1)' },
      subject: { type: 'customer', id: randomUUID() },
      data: events[0]!.data as never,
    }) as EventEnvelope;
    await h.publish([...events, hostile]);
    await waitFor(async () => ((await h.get(`/api/v1/audit/events?actor=${actor}`)).body.items.length === 6 ? true : undefined), { what: 'actor events' });
    const first = await h.get(`/api/v1/audit/events?actor=${actor}&action=update&limit=4`);
    assert.equal(first.body.items.length, 4);
    assert.ok(first.body.nextCursor);
    const second = await h.get(`/api/v1/audit/events?actor=${actor}&limit=4&cursor=${first.body.nextCursor}`);
    assert.equal(second.body.items.length, 2);
    assert.equal(second.body.nextCursor, null);
    const future = await h.get(`/api/v1/audit/events?actor=${actor}&from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    assert.equal(future.body.items.length, 0);

    const csv = await h.get(`/api/v1/audit/events?actor=${actor}&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    assert.equal(lines.length, 7, 'header + 6 rows');
    assert.ok(csv.text.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`), 'formula cell neutralised');
    assert.ok(csv.text.includes(`"'+cmd|calc"`));
    assert.ok(csv.text.includes(`"'@SUM(1+1)"`));
    assert.ok(!/(^|,)"[=+\-@]/m.test(csv.text), 'no cell starts with a formula character');
  });

  it('answers who accessed a customer, whether the customer is the subject or one of a list read', async () => {
    const customer = randomUUID();
    const reader = randomUUID();
    const listReader = randomUUID();
    const base = sampleEvents().find((event) => event.type === 'garage.customer.accessed')!;
    const direct = buildEvent({
      type: 'garage.customer.accessed',
      producer: 'garage',
      correlationId: `c-${randomUUID()}`,
      actor: { userId: reader, role: 'technician', ip: '10.2.2.2' },
      subject: { type: 'customer', id: customer },
      data: base.data as never,
    }) as EventEnvelope;
    const listed = { ...direct, id: randomUUID(), actor: { userId: listReader, role: 'technician' as const }, subject: { type: 'customer-list', id: 'search' }, data: { ...direct.data, customerIds: [randomUUID(), customer] } };
    const other = { ...direct, id: randomUUID(), subject: { type: 'customer', id: randomUUID() } };
    await h.publish([direct, listed as EventEnvelope, other]);
    const items = await waitFor(async () => {
      const { body } = await h.get(`/api/v1/audit/access?subject=customer:${customer}`);
      return body.items.length === 2 ? body.items : undefined;
    }, { what: 'two access records' });
    assert.deepEqual(new Set(items.map((item) => item.actor.id)), new Set([reader, listReader]));
    assert.ok(items.every((item) => item.action === 'access' && item.occurredAt));
    const technician = await h.get(`/api/v1/audit/access?subject=customer:${customer}`, h.issuer.token({ role: 'technician' }));
    assert.equal(technician.status, 403, 'super-admin only');
    assert.equal((await h.get('/api/v1/audit/access?subject=customer')).status, 400);
    assert.equal((await h.get('/api/v1/audit/events?unknown=1')).status, 400);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows through the service connection', async () => {
    const [row] = await h.sql<{ seq: string }>('SELECT seq::text FROM audit_events ORDER BY seq LIMIT 1');
    await assert.rejects(h.sql(`UPDATE audit_events SET actor_email = 'x@y.z' WHERE seq = $1`, [row!.seq]), /append-only/);
    await assert.rejects(h.sql('DELETE FROM audit_events WHERE seq = $1', [row!.seq]), /append-only/);
    await assert.rejects(h.sql('TRUNCATE audit_events CASCADE'), /append-only/);
    await assert.rejects(h.sql(`DELETE FROM audit_refs`), /append-only/);
    await assert.rejects(h.sql(`SELECT set_config('ecar.audit_purge', 'on', false); DELETE FROM audit_events WHERE seq = ${Number(row!.seq)}`), /append-only/, 'the purge flag alone does not unlock recent rows');
    assert.equal((await h.get('/api/v1/audit/verify')).body.valid, true);
  });

  it('verification reports exactly the row that was changed, then the row that was deleted', async () => {
    const rows = await h.sql<{ seq: string; event_id: string; actor_email: string | null }>('SELECT seq::text, event_id::text, actor_email FROM audit_events ORDER BY seq');
    const changed = rows[10]!;
    const removed = rows[20]!;
    // The owner bypasses the trigger (what an attacker with the owner's password could do).
    await h.sql('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await h.sql(`UPDATE audit_events SET actor_email = 'someone-else@ecar.test' WHERE seq = $1`, [changed.seq]);
    await h.sql('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    const afterChange = await h.get('/api/v1/audit/verify');
    assert.equal(afterChange.body.valid, false);
    assert.deepEqual(afterChange.body.firstBreak, { seq: changed.seq, reason: 'hash_mismatch', eventId: changed.event_id });
    assert.equal(afterChange.body.checkedRows, Number(changed.seq) - 1);

    // Put the changed row back (the chain heals), then delete another row.
    await h.sql('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await h.sql('UPDATE audit_events SET actor_email = $2 WHERE seq = $1', [changed.seq, changed.actor_email]);
    await h.sql('ALTER TABLE audit_refs DISABLE TRIGGER audit_refs_append_only');
    await h.sql('DELETE FROM audit_refs WHERE seq = $1', [removed.seq]);
    await h.sql('DELETE FROM audit_events WHERE seq = $1', [removed.seq]);
    await h.sql('ALTER TABLE audit_refs ENABLE TRIGGER audit_refs_append_only');
    await h.sql('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    const expectedChange = await h.get('/api/v1/audit/verify');
    assert.equal(expectedChange.body.valid, false);
    assert.equal(expectedChange.body.firstBreak!.seq, removed.seq);
    assert.equal(expectedChange.body.firstBreak!.reason, 'row_missing');
    assert.equal(expectedChange.body.firstBreak!.foundSeq, String(Number(removed.seq) + 1));
    assert.equal(expectedChange.body.checkedRows, Number(removed.seq) - 1);
  });
});
