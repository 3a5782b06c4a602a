import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { isWithinWorkingHours, parseWorkingHours } from '../src/domain/anomaly/working-hours.ts';
import { canonicalJson, maskPersonalData } from '../src/domain/canonical.ts';
import { GENESIS_HASH, hashRecord, type ChainRecord } from '../src/domain/chain.ts';
import { actionOf } from '../src/domain/classify.ts';
import { csvCell } from '../src/domain/csv.ts';
import { recordOf, refsOf } from '../src/domain/record.ts';

const C1 = '0d9e2c1a-1b2c-4d3e-8f4a-5b6c7d8e9f01';
const C2 = '1d9e2c1a-1b2c-4d3e-8f4a-5b6c7d8e9f02';

const record: ChainRecord = {
  seq: '1', eventId: '6f1d1c0e-8c1a-4c59-9d3e-0a4f5f3b2c11', type: 'auth.login.succeeded', action: 'auth', producer: 'auth',
  actorId: 'u1', actorRole: 'super-admin', actorEmail: 'a@ecar.test', actorSystem: null, remoteAddr: '10.0.0.1', userAgent: 'ua',
  correlationId: 'c1', subjectType: 'user', subjectId: 'u1', subjectOwner: 'u1', changes: null, data: '{"mfa":true}',
  occurredAt: '2026-11-24T10:00:00.000Z', recordedAt: '2026-11-24T10:00:00.050Z', prevHash: GENESIS_HASH,
};

describe('audit domain', () => {
  it('canonical JSON sorts keys at every depth, so equal values give equal text', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
    assert.equal(canonicalJson({ x: 1, y: 2 }), canonicalJson({ y: 2, x: 1 }));
  });

  it('masks personal-data fields at any depth and keeps the rest', () => {
    assert.deepEqual(maskPersonalData({ name: 'Sami', phone: '+216 20 000 000', buyer: { cin: '01234567', address: null }, list: [{ email: 'x@y.tn' }] }), {
      name: 'Sami', phone: '***', buyer: { cin: '***', address: null }, list: [{ email: '***' }],
    });
  });

  it('the hash covers every column: changing any one changes it', () => {
    const base = hashRecord(record);
    assert.match(base, /^[0-9a-f]{64}$/);
    for (const key of Object.keys(record) as Array<keyof ChainRecord>) {
      const changed = { ...record, [key]: record[key] === null ? 'x' : `${String(record[key])}x` };
      assert.notEqual(hashRecord(changed), base, key);
    }
    // null and the string "null" are different values.
    assert.notEqual(hashRecord({ ...record, actorSystem: 'null' }), base);
  });

  it('stores events masked, canonical, with millisecond timestamps, and indexes the customers they concern', () => {
    const event = buildEvent({
      type: 'garage.customer.accessed',
      producer: 'garage',
      correlationId: 'c',
      actor: { userId: 'u', role: 'technician', email: 'tech@garage.tn' },
      subject: { type: 'customer-list', id: 'search' },
      data: { customerIds: [C1, C2], fields: ['phone'], purpose: 'list' },
      occurredAt: new Date('2026-11-24T10:00:00.123Z'),
    }) as EventEnvelope;
    const stored = recordOf({ ...event, occurredAt: '2026-11-24T11:00:00.123456+01:00' });
    assert.equal(stored.occurredAt, '2026-11-24T10:00:00.123Z');
    assert.equal(stored.action, 'access');
    assert.equal(stored.actorEmail, 'tech@garage.tn', 'the actor e-mail snapshot is kept');
    assert.deepEqual(refsOf(event), [{ type: 'customer-list', id: 'search' }, { type: 'customer', id: C1 }, { type: 'customer', id: C2 }]);
  });

  it('classifies types into django-auditlog-like actions', () => {
    assert.equal(actionOf('auth.login.failed'), 'auth');
    assert.equal(actionOf('garage.customer.accessed'), 'access');
    assert.equal(actionOf('garage.customer.created'), 'create');
    assert.equal(actionOf('garage.customer.anonymised'), 'delete');
    assert.equal(actionOf('billing.invoice.updated'), 'update');
    assert.equal(actionOf('backup.run.succeeded'), 'system');
  });

  it('neutralises spreadsheet formulas in CSV cells', () => {
    assert.equal(csvCell('=1+1'), `"'=1+1"`);
    assert.equal(csvCell('+216'), `"'+216"`);
    assert.equal(csvCell('-x'), `"'-x"`);
    assert.equal(csvCell('@SUM(A1)'), `"'@SUM(A1)"`);
    assert.equal(csvCell('\tx'), `"'\tx"`);
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell(null), '""');
    assert.equal(csvCell({ a: 1 }), '"{""a"":1}"');
  });

  it('working hours are judged in Tunis time (UTC+1), days and range included', () => {
    const hours = parseWorkingHours('08:00-18:00', ['1', '2', '3', '4', '5'], 'Africa/Tunis');
    assert.equal(isWithinWorkingHours(new Date('2026-11-24T07:00:00Z'), hours), true, 'Tuesday 08:00 Tunis');
    assert.equal(isWithinWorkingHours(new Date('2026-11-24T06:59:00Z'), hours), false, 'Tuesday 07:59 Tunis');
    assert.equal(isWithinWorkingHours(new Date('2026-11-24T17:00:00Z'), hours), false, 'Tuesday 18:00 Tunis');
    assert.equal(isWithinWorkingHours(new Date('2026-11-28T10:00:00Z'), hours), false, 'Saturday');
    const night = parseWorkingHours('22:00-06:00', ['1', '2', '3', '4', '5', '6', '7'], 'Africa/Tunis');
    assert.equal(isWithinWorkingHours(new Date('2026-11-24T23:30:00Z'), night), true, 'overnight range');
  });
});
