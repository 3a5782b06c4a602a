import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { outboxMigrations } from '@ecar/bus';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { createDataSource } from '@ecar/db';
import { waitFor, type TestDatabase } from '@ecar/testkit';
import { appendToChain } from '../../services/audit/src/data/chain.ts';
import { auditMigrations } from '../../services/audit/src/data/migrations.ts';
import { chainHasher, GENESIS_HASH, type ChainRecord } from '../../services/audit/src/domain/chain.ts';
import { recordOf, refsOf } from '../../services/audit/src/domain/record.ts';
import { startAuditHarness, type AuditHarness } from '../support/audit-harness.ts';

/*
 * Issue 16: audit_events and audit_refs partitioned by month of recorded_at (docs/performance/scale.md,
 * "Audit partitioning by month"). The log here was written by the version before the partitioning,
 * more than a year ago; the service then starts on it, converts it and goes on appending.
 */

const DAY = 86_400_000;
const KEY = randomBytes(32);
const hash = chainHasher(KEY);
let h: AuditHarness;

function customerUpdated(occurredAt?: Date): EventEnvelope {
  return buildEvent({
    type: 'garage.customer.updated',
    producer: 'garage',
    correlationId: `p-${randomUUID()}`,
    actor: { userId: randomUUID(), role: 'technician', ip: '10.4.4.4' },
    subject: { type: 'customer', id: randomUUID() },
    data: { customerId: randomUUID(), fields: ['phone'] },
    ...(occurredAt ? { occurredAt } : {}),
  }) as EventEnvelope;
}

/** Months from now, as the partitions name them (UTC). */
function monthStart(monthsFromNow: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthsFromNow, 1));
}
const partitionOf = (table: string, month: Date) => `${table}_p${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

const OLD = Array.from({ length: 6 }, (_, i) => customerUpdated(new Date(Date.now() - (430 - i) * DAY)));

/** The log as the version before the partitioning wrote it: migrations up to AuditChainKeys, six rows chained 430–425 days ago. */
async function writtenBeforePartitioning(database: TestDatabase): Promise<void> {
  const old = createDataSource({ url: database.url, migrations: [...outboxMigrations(), ...auditMigrations.slice(0, -1)], poolMax: 1 });
  await old.initialize();
  try {
    await old.runMigrations({ transaction: 'each' });
    let prevHash = GENESIS_HASH;
    for (const [index, envelope] of OLD.entries()) {
      const record: ChainRecord = { ...recordOf(envelope), seq: String(index + 1), recordedAt: envelope.occurredAt, prevHash };
      const rowHash = hash(record);
      await old.query(
        `INSERT INTO audit_events (seq, event_id, type, action, producer, actor_id, actor_role, actor_email, actor_system, remote_addr, user_agent,
            correlation_id, subject_type, subject_id, subject_owner, changes, data, occurred_at, recorded_at, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
        [record.seq, record.eventId, record.type, record.action, record.producer, record.actorId, record.actorRole, record.actorEmail, record.actorSystem, record.remoteAddr,
          record.userAgent, record.correlationId, record.subjectType, record.subjectId, record.subjectOwner, record.changes, record.data, record.occurredAt, record.recordedAt,
          record.prevHash, rowHash],
      );
      for (const ref of refsOf(envelope)) await old.query('INSERT INTO audit_refs (seq, ref_type, ref_id) VALUES ($1, $2, $3)', [record.seq, ref.type, ref.id]);
      prevHash = rowHash;
    }
    const [{ count }] = (await old.query(`SELECT count(*)::int AS count FROM audit_refs`)) as [{ count: number }];
    assert.ok(count >= OLD.length, 'the old rows have refs');
    // What the conversion must preserve, byte for byte.
    await old.query(`CREATE TABLE before_events AS SELECT * FROM audit_events`);
    await old.query(`CREATE TABLE before_refs AS SELECT * FROM audit_refs`);
  } finally {
    await old.destroy();
  }
}

async function stored(events: EventEnvelope[]): Promise<void> {
  const last = events[events.length - 1]!;
  await waitFor(async () => ((await h.sql('SELECT 1 FROM audit_events WHERE event_id = $1', [last.id])).length ? true : undefined), { what: 'events stored' });
}

/** Appends `envelopes` the way the consumer does, with the clock at `recordedAt`. */
async function appendAt(envelopes: EventEnvelope[], recordedAt: Date): Promise<ChainRecord[]> {
  return h.audit.context.dataSource.transaction((db) => appendToChain(db, envelopes.map((envelope) => ({ record: recordOf(envelope), refs: refsOf(envelope) })), h.audit.domain.hash, recordedAt));
}

describe('audit log partitioned by month of recorded_at (issue 16, AUD-1, AUD-2)', () => {
  before(async () => {
    h = await startAuditHarness('auditparts', { AUDIT_CHAIN_KEY: KEY.toString('base64'), AUDIT_RETENTION_DAYS: '400' }, writtenBeforePartitioning);
  });
  after(async () => {
    await h?.stop();
  });

  it('converts the existing table in place: every row and ref preserved, the chain valid, months ahead created, no DEFAULT partition', async () => {
    const [kind] = await h.sql<{ events: string; refs: string }>(`SELECT (SELECT relkind FROM pg_class WHERE oid = 'audit_events'::regclass)::text AS events, (SELECT relkind FROM pg_class WHERE oid = 'audit_refs'::regclass)::text AS refs`);
    assert.deepEqual(kind, { events: 'p', refs: 'p' });
    const missing = await h.sql(`(SELECT * FROM before_events EXCEPT SELECT * FROM audit_events) UNION ALL (SELECT * FROM audit_events EXCEPT SELECT * FROM before_events)`);
    assert.deepEqual(missing, [], 'the same rows, column for column');
    assert.equal(await h.storedCount(), OLD.length);
    const refs = await h.sql(`(SELECT ref_type, ref_id, seq FROM before_refs EXCEPT SELECT ref_type, ref_id, seq FROM audit_refs) UNION ALL (SELECT ref_type, ref_id, seq FROM audit_refs EXCEPT SELECT ref_type, ref_id, seq FROM before_refs)`);
    assert.deepEqual(refs, []);
    // The old table is the first partition, whole: up to the month after its newest row.
    const [legacy] = await h.sql<{ part: string; lower_bound: string; upper_bound: Date }>(`SELECT part::text, lower_bound::text, upper_bound FROM audit_partitions('audit_events') LIMIT 1`);
    assert.equal(legacy!.part, 'audit_events_legacy');
    assert.equal(legacy!.lower_bound, '-infinity', 'from MINVALUE');
    const newest = new Date(OLD[OLD.length - 1]!.occurredAt);
    assert.equal(legacy!.upper_bound.toISOString(), new Date(Date.UTC(newest.getUTCFullYear(), newest.getUTCMonth() + 1, 1)).toISOString());
    assert.deepEqual((await h.sql(`SELECT seq FROM audit_events_legacy`)).length, OLD.length);
    // From there every month through two months ahead, for both tables, and no DEFAULT partition.
    for (const table of ['audit_events', 'audit_refs']) {
      const parts = await h.sql<{ part: string; lower_bound: Date; upper_bound: Date }>(`SELECT part::text, lower_bound, upper_bound FROM audit_partitions($1)`, [table]);
      for (let i = 1; i < parts.length; i++) assert.equal(new Date(parts[i]!.lower_bound).getTime(), parts[i - 1]!.upper_bound.getTime(), `${table}: no gap before ${parts[i]!.part}`);
      assert.equal(parts[parts.length - 1]!.upper_bound.toISOString(), monthStart(3).toISOString());
      assert.ok(parts.some((part) => part.part === partitionOf(table, monthStart(0))));
    }
    assert.deepEqual(await h.sql(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'`), []);
    // The duplicate guard moved: every event id of the old rows is in audit_event_ids.
    const ids = await h.sql<{ seq: string; event_id: string }>(`SELECT seq::text, event_id::text FROM audit_event_ids ORDER BY seq`);
    assert.deepEqual(ids, OLD.map((event, index) => ({ seq: String(index + 1), event_id: event.id })));
    const verify = (await h.get('/api/v1/audit/verify')).body;
    assert.equal(verify.valid, true);
    assert.equal(verify.checkedRows, OLD.length);
  });

  it('appends into the current month, one row per event delivered twice, and refuses an event id already in the log', async () => {
    const recent = [customerUpdated(), customerUpdated(), customerUpdated()];
    await h.publish([...recent, recent[0]!]);
    await h.publish([recent[1]!]);
    await stored(recent);
    const rows = await h.sql<{ part: string; event_id: string }>(`SELECT tableoid::regclass::text AS part, event_id::text FROM audit_events WHERE seq > $1 ORDER BY seq`, [OLD.length]);
    assert.deepEqual(rows.map((row) => row.event_id), recent.map((event) => event.id), 'each event once');
    assert.ok(rows.every((row) => row.part === partitionOf('audit_events', monthStart(0))), 'in the current month');
    const refs = await h.sql<{ part: string; recorded_at: Date }>(`SELECT tableoid::regclass::text AS part, recorded_at FROM audit_refs WHERE seq > $1`, [OLD.length]);
    assert.ok(refs.length >= recent.length && refs.every((ref) => ref.part === partitionOf('audit_refs', monthStart(0))));
    // Past the inbox (a redelivery with another message id, or a second writer): the database refuses it.
    await assert.rejects(appendAt([OLD[2]!], new Date()), /audit_event_ids_pkey/);
    assert.equal(await h.storedCount(), OLD.length + recent.length);
    assert.equal((await h.get('/api/v1/audit/verify')).body.valid, true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on a partition, even for the owner, and TRUNCATE of the event ids', async () => {
    const current = partitionOf('audit_events', monthStart(0));
    for (const part of ['audit_events_legacy', current]) {
      await assert.rejects(h.sql(`UPDATE ${part} SET actor_email = 'x@y.z'`), /append-only: UPDATE refused/);
      await assert.rejects(h.sql(`SELECT set_config('ecar.audit_purge', 'on', false); DELETE FROM ${part}`), /append-only: DELETE refused/);
      await assert.rejects(h.sql(`TRUNCATE ${part}`), /append-only: TRUNCATE refused/);
    }
    await assert.rejects(h.sql(`DELETE FROM ${partitionOf('audit_refs', monthStart(0))}`), /append-only/);
    await assert.rejects(h.sql(`TRUNCATE audit_refs_legacy`), /append-only/);
    await assert.rejects(h.sql(`DELETE FROM audit_event_ids`), /append-only/);
    await assert.rejects(h.sql(`TRUNCATE audit_event_ids`), /append-only/);
    assert.equal((await h.get('/api/v1/audit/verify')).body.valid, true);
  });

  it('the purge drops the expired partitions whole and leaves an anchor from which the chain verifies', async () => {
    const before = await h.sql<{ seq: string; hash: string }>(`SELECT seq::text, hash FROM audit_events WHERE seq = $1`, [OLD.length]);
    const result = await h.audit.domain.purgeNow(new Date());
    assert.equal(result.purgedRows, OLD.length);
    assert.equal(result.throughSeq, String(OLD.length));
    assert.equal(result.anchorHash, before[0]!.hash);
    assert.deepEqual(await h.sql(`SELECT first_seq::text, prev_hash, purged_rows::int FROM audit_chain_anchors`), [{ first_seq: String(OLD.length + 1), prev_hash: before[0]!.hash, purged_rows: OLD.length }]);
    const [gone] = await h.sql(`SELECT to_regclass('audit_events_legacy') AS events, to_regclass('audit_refs_legacy') AS refs`);
    assert.deepEqual(gone, { events: null, refs: null });
    assert.deepEqual(await h.sql(`SELECT 1 FROM audit_event_ids WHERE seq <= $1`, [OLD.length]), [], 'their event ids went with them');
    assert.deepEqual(await h.sql(`SELECT 1 FROM audit_refs WHERE seq <= $1`, [OLD.length]), []);
    // The months in between were empty and have ended: gone too; the current month stays.
    const [oldest] = await h.sql<{ part: string }>(`SELECT part::text FROM audit_partitions('audit_events') LIMIT 1`);
    assert.ok([partitionOf('audit_events', monthStart(0)), partitionOf('audit_events', monthStart(-1))].includes(oldest!.part), oldest!.part);
    const purgeEvent = await waitFor(async () => (await h.get('/api/v1/audit/events?type=audit.retention.purged')).body.items[0], { what: 'the purge in the log' });
    assert.equal(purgeEvent.data.purgedRows, OLD.length);
    const verify = (await h.get('/api/v1/audit/verify')).body;
    assert.equal(verify.valid, true);
    assert.deepEqual(verify.startedFrom, { seq: String(OLD.length + 1), prevHash: before[0]!.hash });
    assert.equal(verify.checkedRows, await h.storedCount());
    assert.equal((await h.audit.domain.purgeNow(new Date())).purgedRows, 0, 'nothing more has expired');
  });

  it('a month without a partition refuses the insert loudly; once the daily job ran, the insert lands in that month', async () => {
    const ahead = monthStart(2);
    // As if the furthest month had not been created yet.
    for (const table of ['audit_refs', 'audit_events']) {
      await h.sql(`ALTER TABLE ${table} DETACH PARTITION ${partitionOf(table, ahead)}`);
      await h.sql(`DROP TABLE ${partitionOf(table, ahead)}`);
    }
    const headBefore = await h.storedCount();
    await assert.rejects(appendAt([customerUpdated()], new Date(ahead.getTime() + 3_600_000)), /no partition of relation "audit_events" found for row/);
    assert.equal(await h.storedCount(), headBefore, 'nothing appended');

    await h.audit.jobs.get('audit-partitions')!.runNow();
    const parts = await h.sql<{ part: string }>(`SELECT part::text FROM audit_partitions('audit_events') UNION ALL SELECT part::text FROM audit_partitions('audit_refs')`);
    assert.ok(parts.some((part) => part.part === partitionOf('audit_events', ahead)) && parts.some((part) => part.part === partitionOf('audit_refs', ahead)), 'the job created the month');
    const [appended] = await appendAt([customerUpdated()], new Date(ahead.getTime() + 3_600_000));
    const [row] = await h.sql<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM audit_events WHERE seq = $1`, [appended!.seq]);
    assert.equal(row!.part, partitionOf('audit_events', ahead));
    const [ref] = await h.sql<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM audit_refs WHERE seq = $1 LIMIT 1`, [appended!.seq]);
    assert.equal(ref!.part, partitionOf('audit_refs', ahead));
    // recorded_at never goes backwards: a later append with an earlier clock takes the head's.
    const [next] = await appendAt([customerUpdated()], new Date());
    assert.equal(next!.recordedAt, appended!.recordedAt);
    assert.equal((await h.get('/api/v1/audit/verify')).body.valid, true);
  });
});

describe('a fresh audit database is partitioned from its first start', () => {
  it('has an empty first partition through this month, then the months ahead; ensuring again creates nothing', async () => {
    const fresh = await startAuditHarness('auditpartsnew');
    try {
      const parts = await fresh.sql<{ part: string; upper_bound: Date }>(`SELECT part::text, upper_bound FROM audit_partitions('audit_events')`);
      assert.deepEqual(parts.map((part) => part.part), ['audit_events_legacy', partitionOf('audit_events', monthStart(1)), partitionOf('audit_events', monthStart(2))]);
      assert.equal(parts[0]!.upper_bound.toISOString(), monthStart(1).toISOString());
      const client = new pg.Client({ connectionString: fresh.database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>(`SELECT audit_ensure_partitions(2) AS n`);
        assert.equal(rows[0]!.n, 0, 'running it again creates nothing');
        await assert.rejects(client.query(`SELECT audit_ensure_partitions(-1)`), /months_ahead must be between 0 and 24/);
      } finally {
        await client.end();
      }
    } finally {
      await fresh.stop();
    }
  });
});
