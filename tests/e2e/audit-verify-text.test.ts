import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { outboxMigrations } from '@ecar/bus';
import { createDataSource, initializeDatabase, type DataSource } from '@ecar/db';
import { createLogger } from '@ecar/logger';
import { createTestDatabase, type TestDatabase } from '@ecar/testkit';
import { appendToChain, readChainMessages, readChainPage } from '../../services/audit/src/data/chain.ts';
import { auditMigrations } from '../../services/audit/src/data/migrations.ts';
import { chainHasher, serialised } from '../../services/audit/src/domain/chain.ts';
import { canonicalJson } from '../../services/audit/src/domain/canonical.ts';
import type { UnchainedRecord } from '../../services/audit/src/domain/record.ts';
import { verifyChain } from '../../services/audit/src/domain/verify.ts';

/** Every character class the two JSON serialisations could treat differently. */
const AWKWARD = ['"quoted"', 'back\\slash', 'tab\there', 'line\nbreak', 'cr\rlf', '\u0001\u001f\u007f', 'é ع 🚗', '\u2028\u2029', '\b\f', '</script>', ''];

function record(index: number): UnchainedRecord {
  const text = AWKWARD[index % AWKWARD.length]!;
  return {
    eventId: randomUUID(),
    type: 'garage.customer.accessed',
    action: 'access',
    producer: 'garage',
    actorId: index % 3 === 0 ? null : `user-${index}`,
    actorRole: index % 3 === 0 ? null : 'technician',
    actorEmail: null,
    actorSystem: index % 3 === 0 ? `system ${text}` : null,
    remoteAddr: index % 2 === 0 ? '10.0.0.1' : null,
    userAgent: `Mozilla ${text}`,
    correlationId: `c-${index}-${text}`,
    subjectType: 'customer',
    subjectId: `cust-${index}`,
    subjectOwner: index % 4 === 0 ? `owner ${text}` : null,
    changes: index % 2 === 0 ? canonicalJson({ note: { from: text, to: `${text}!` } }) : null,
    data: canonicalJson({ text, list: [text, 1, null, true], nested: { [text || 'empty']: text } }),
    occurredAt: new Date(Date.UTC(2026, 10, 24, 10, 0, 0, index * 7)).toISOString(),
  };
}

let database: TestDatabase;
let db: DataSource;
const hash = chainHasher(Buffer.alloc(32, 7));

describe('full verification hashes the text PostgreSQL builds, which is serialised() byte for byte', () => {
  before(async () => {
    database = await createTestDatabase('auditverifytext');
    db = createDataSource({ url: database.url, migrations: [...outboxMigrations(), ...auditMigrations], poolMax: 3 });
    await initializeDatabase(db, createLogger({ service: 'test', silent: true }));
    const records = Array.from({ length: 44 }, (_, index) => record(index));
    await db.transaction((manager) => appendToChain(manager, records.slice(0, 20).map((r) => ({ record: r, refs: [] })), hash));
    await db.transaction((manager) => appendToChain(manager, records.slice(20).map((r) => ({ record: r, refs: [] })), hash));
  });
  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('the stored text of every row, awkward characters included, equals serialised() of its columns', async () => {
    const messages = await readChainMessages(db.manager, '0', '1000');
    const records = await readChainPage(db.manager, '0', 1000);
    assert.equal(messages.length, 44);
    messages.forEach(([seq, eventId, prevHash, stored, text], index) => {
      const row = records[index]!;
      assert.deepEqual([seq, eventId, prevHash, stored], [row.seq, row.eventId, row.prevHash, row.hash]);
      assert.equal(text, serialised(row), `row ${seq}`);
      assert.equal(hash.serialised(seq, text), stored);
    });
  });

  it('a row whose built text does not hash to its stored hash is judged again from its columns before it is reported', async () => {
    // A hasher whose hash of the built text is always wrong: every row goes to the serialised() check, and all pass.
    const wrongText = Object.assign((record: Parameters<typeof hash>[0]) => hash(record), { serialised: () => 'not-the-hash', seal: hash.seal, keyId: hash.keyId });
    const result = await verifyChain(db.manager, wrongText, { pageSize: 7 });
    assert.equal(result.valid, true);
    assert.equal(result.checkedRows, 44);
  });

  it('verifies in full across read ranges, and finds a gap that falls on a range boundary', async () => {
    const whole = await verifyChain(db.manager, hash, { pageSize: 5 });
    assert.equal(whole.valid, true);
    assert.equal(whole.checkedRows, 44);
    assert.equal(whole.headSeq, '44');

    await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await db.query('DELETE FROM audit_events WHERE seq BETWEEN 11 AND 15');
    await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    const gap = await verifyChain(db.manager, hash, { pageSize: 5 });
    assert.equal(gap.valid, false);
    assert.deepEqual(gap.firstBreak && { ...gap.firstBreak, eventId: undefined }, { seq: '11', reason: 'row_missing', eventId: undefined, foundSeq: '16' });
    assert.equal(gap.checkedRows, 10);
  });
});
