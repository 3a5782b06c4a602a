import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { chainHasher, GENESIS_HASH, hashRecord, type ChainRecord } from '../src/domain/chain.ts';

const record = (seq: string): ChainRecord => ({
  seq,
  eventId: '3f0c6b8e-6a0e-4d8e-9d7e-2b8f0f6a1c11',
  type: 'auth.login.succeeded',
  action: 'login',
  producer: 'auth',
  actorId: 'u1',
  actorRole: 'customer',
  actorEmail: null,
  actorSystem: null,
  remoteAddr: '10.0.0.1',
  userAgent: null,
  correlationId: 'c1',
  subjectType: 'session',
  subjectId: 's1',
  subjectOwner: null,
  changes: null,
  data: '{}',
  occurredAt: '2026-12-01T00:00:00.000Z',
  recordedAt: '2026-12-01T00:00:00.000Z',
  prevHash: GENESIS_HASH,
});

describe('audit chain hash', () => {
  it('is keyed: without the key the hash cannot be recomputed, and another key gives another hash', () => {
    const key = randomBytes(32);
    const keyed = chainHasher(key)(record('1'));
    assert.match(keyed, /^[0-9a-f]{64}$/);
    assert.notEqual(keyed, hashRecord(record('1')), 'the unkeyed v1 hash differs');
    assert.notEqual(keyed, chainHasher(randomBytes(32))(record('1')));
    assert.equal(keyed, chainHasher(key)(record('1')));
  });

  it('checks rows written before the key (up to the configured seq) with the unkeyed v1 hash', () => {
    const hash = chainHasher(randomBytes(32), 5n);
    assert.equal(hash(record('5')), hashRecord(record('5')));
    assert.notEqual(hash(record('6')), hashRecord(record('6')));
  });
});
