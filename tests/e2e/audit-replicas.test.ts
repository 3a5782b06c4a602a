import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { waitFor } from '@ecar/testkit';
import { openAuditDatabase, auditChainHasher } from '../../services/audit/src/cli/database.ts';
import { appendToChain } from '../../services/audit/src/data/chain.ts';
import { recordOf, refsOf } from '../../services/audit/src/domain/record.ts';
import { verifyChain } from '../../services/audit/src/domain/verify.ts';
import { auditService, type AuditService } from '../../services/audit/src/service.ts';
import { startAuditHarness, type AuditHarness } from '../support/audit-harness.ts';

let h: AuditHarness;
let second: AuditService;

function refreshed(): EventEnvelope {
  return buildEvent({
    type: 'auth.token.refreshed',
    producer: 'auth',
    correlationId: randomUUID(),
    actor: { userId: randomUUID(), role: 'customer', ip: '10.5.5.5' },
    subject: { type: 'session', id: randomUUID() },
    data: { sessionId: randomUUID() },
  }) as EventEnvelope;
}

describe('several audit replicas keep one linear chain', () => {
  before(async () => {
    h = await startAuditHarness('auditreplicas');
    second = await auditService.start(h.env);
  });
  after(async () => {
    await second?.stop();
    await h?.stop();
  });

  it('two running replicas: every event stored once, chain valid', async () => {
    const events = Array.from({ length: 2_000 }, refreshed);
    await h.publish(events);
    await waitFor(async () => ((await h.storedCount()) >= events.length ? true : undefined), { timeoutMs: 30_000, what: 'all events stored' });
    const verify = await h.get('/api/v1/audit/verify');
    assert.equal(verify.body.valid, true);
    assert.equal(verify.body.checkedRows, events.length);
  });

  it('writers racing on the chain directly (no single active consumer) are serialised by the advisory lock', async () => {
    const writers = await Promise.all([openAuditDatabase({ DATABASE_URL: h.database.url }), openAuditDatabase({ DATABASE_URL: h.database.url })]);
    try {
      const before = await h.storedCount();
      await Promise.all(
        writers.flatMap((dataSource) =>
          Array.from({ length: 20 }, () =>
            dataSource.transaction((db) => {
              const events = Array.from({ length: 10 }, refreshed);
              return appendToChain(db, events.map((event) => ({ record: recordOf(event), refs: refsOf(event) })), auditChainHasher(h.env));
            }),
          ),
        ),
      );
      assert.equal(await h.storedCount(), before + 400);
      const result = await verifyChain(writers[0]!.manager, auditChainHasher(h.env));
      assert.equal(result.valid, true, JSON.stringify(result.firstBreak));
    } finally {
      await Promise.all(writers.map((dataSource) => dataSource.destroy()));
    }
  });
});
