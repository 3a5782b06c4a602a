import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { createBusNamespace, createTestDatabase, waitFor, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import pg from 'pg';
import { auditChainHasher, openAuditDatabase } from '../../services/audit/src/cli/database.ts';
import { verifyChain } from '../../services/audit/src/domain/verify.ts';
import { AUDIT_QUEUES, auditEnv, publishEvents, TestTokenIssuer, waitForAuditQueue } from '../support/audit-harness.ts';
import { AuditProcess } from '../support/audit-process.ts';

const TOTAL = 10_000;
let database: TestDatabase;
let bus: BusNamespace;
let service: AuditProcess;
let pool: pg.Pool;

function refreshed(): EventEnvelope {
  return buildEvent({
    type: 'auth.token.refreshed',
    producer: 'auth',
    correlationId: randomUUID(),
    actor: { userId: randomUUID(), role: 'customer', ip: '10.4.4.4' },
    subject: { type: 'session', id: randomUUID() },
    data: { sessionId: randomUUID() },
  }) as EventEnvelope;
}

async function stored(): Promise<number> {
  const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM audit_events');
  return rows[0]!.count;
}

describe('audit survives SIGKILL mid-stream: nothing lost, nothing twice, chain intact', () => {
  before(async () => {
    database = await createTestDatabase('auditcrash');
    bus = createBusNamespace('auditcrash');
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    service = new AuditProcess(auditEnv(database, bus, new TestTokenIssuer(), { AUDIT_BATCH_SIZE: '200' }));
  });
  after(async () => {
    await service?.stop();
    await pool?.end();
    await bus?.cleanup(AUDIT_QUEUES);
    await database?.drop();
  });

  it(`stores all ${TOTAL} events published while the service is killed and restarted`, async () => {
    service.start();
    await waitForAuditQueue(bus.queuePrefix);
    const events = Array.from({ length: TOTAL }, refreshed);
    let published = 0;
    const publishing = (async () => {
      for (let i = 0; i < TOTAL; i += 500) {
        await publishEvents(bus.exchange, events.slice(i, i + 500));
        published = i + 500;
      }
    })();
    await waitFor(async () => ((await stored()) >= 1_500 ? true : undefined), { timeoutMs: 30_000, what: `1,500 rows before the kill (${service.stderr})` });
    await service.kill();
    const atKill = await stored();
    assert.ok(atKill < TOTAL, 'killed mid-stream');
    await publishing;
    assert.equal(published, TOTAL);

    service.start();
    await waitFor(async () => ((await stored()) >= TOTAL ? true : undefined), { timeoutMs: 40_000, intervalMs: 200, what: `all ${TOTAL} rows after the restart (${service.stderr})` });
    const { rows } = await pool.query<{ rows: number; distinct_ids: number }>('SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct_ids FROM audit_events');
    assert.deepEqual(rows[0], { rows: TOTAL, distinct_ids: TOTAL });
    const missing = await pool.query('SELECT id FROM unnest($1::uuid[]) AS id WHERE id NOT IN (SELECT event_id FROM audit_events)', [events.map((event) => event.id)]);
    assert.equal(missing.rowCount, 0, 'every published event is stored');

    const dataSource = await openAuditDatabase({ DATABASE_URL: database.url });
    try {
      const result = await verifyChain(dataSource.manager, auditChainHasher({ NODE_ENV: 'test' }));
      assert.equal(result.valid, true, JSON.stringify(result.firstBreak));
      assert.equal(result.checkedRows, TOTAL);
    } finally {
      await dataSource.destroy();
    }
  });
});
