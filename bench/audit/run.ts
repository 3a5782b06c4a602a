// bench/audit: events through the whole audit path — a producer's outbox → relay → RabbitMQ →
// audit service (own process, batched hash-chain appends) → PostgreSQL.
//   0. the audit consumer alone: N events waiting in its queue (published while it was stopped);
//   1. sustained ingest: a backlog of N events in the outbox, drained end to end (events/s);
//   2. lag at a steady 500 events/s: occurredAt (enqueue) → recorded_at in the audit log, p50/p99;
//   3. zero loss and a valid chain at the end.
// Usage: node --import tsx bench/audit/run.ts [backlog=30000] [steadySeconds=30]
// BENCH_AUDIT_FROM=<database>: the audit database starts as a copy of that one (e.g.
// ecar_scale_large_audit from scripts/seed, 5 M rows) instead of empty, to compare ingest and
// verification on a full table with an empty one (issue 16). The copy is keyed as the seed was
// (NODE_ENV=development keys), and dropped at the end like the empty one.
import { randomUUID } from 'node:crypto';
import { BusConnection, enqueueEvents, OutboxRelay, outboxMigrations } from '@ecar/bus';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { createDataSource, initializeDatabase } from '@ecar/db';
import { createLogger } from '@ecar/logger';
import { AMQP_URL, createBusNamespace, createTestDatabase, waitFor } from '@ecar/testkit';
import pg from 'pg';
import { Registry } from 'prom-client';
import { auditChainHasher, openAuditDatabase } from '../../services/audit/src/cli/database.ts';
import { verifyChain } from '../../services/audit/src/domain/verify.ts';
import { AUDIT_QUEUES, auditEnv, publishEvents, TestTokenIssuer, waitForAuditQueue } from '../../tests/support/audit-harness.ts';
import { AuditProcess } from '../../tests/support/audit-process.ts';

const BACKLOG = Number(process.argv[2] ?? 30_000);
const STEADY_SECONDS = Number(process.argv[3] ?? 30);
const RATE = 500;
const TICK_MS = 100;
const RELAY_BATCH = Number(process.env['RELAY_BATCH'] ?? 100);

const logger = createLogger({ service: 'bench-audit', silent: true });

function event(occurredAt = new Date()): EventEnvelope {
  // A realistic mix for the chain: user actor with IP/UA, a customer subject, some data.
  return buildEvent({
    type: 'garage.customer.accessed',
    producer: 'garage',
    correlationId: randomUUID(),
    actor: { userId: randomUUID(), role: 'technician', email: 'tech@garage.tn', ip: '10.0.0.8', userAgent: 'Mozilla/5.0 bench' },
    subject: { type: 'customer', id: randomUUID() },
    data: { customerIds: [randomUUID()], fields: ['name', 'phone', 'plate'], purpose: 'detail' },
    occurredAt,
  }) as EventEnvelope;
}

const producerDb = await createTestDatabase('benchauditprod');
const from = process.env['BENCH_AUDIT_FROM'];
const keys: NodeJS.ProcessEnv = { NODE_ENV: from ? 'development' : 'test' };
const auditDb = await createTestDatabase('benchaudit', from ? { template: from } : {});
const bus = createBusNamespace('benchaudit');
const producer = createDataSource({ url: producerDb.url, migrations: outboxMigrations(), poolMax: 4 });
await initializeDatabase(producer, logger);
const registry = new Registry();
const connection = new BusConnection({ url: AMQP_URL, name: 'bench-producer', logger, registry });
const relay = new OutboxRelay({ dataSource: producer, connection, exchange: bus.exchange, logger, registry, batchSize: RELAY_BATCH });
const audit = new AuditProcess(auditEnv(auditDb, bus, new TestTokenIssuer(), { AUDIT_BATCH_SIZE: '500', LOG_LEVEL: 'warn', ...keys }));
const auditPool = new pg.Pool({ connectionString: auditDb.url, max: 2 });
// The chain's seqs are contiguous and nothing is purged during the run: the head's seq counts the
// rows, through the primary key, where count(*) would scan 5 M rows at every poll.
const stored = async () => Number((await auditPool.query<{ head: string }>('SELECT coalesce(max(seq), 0)::text AS head FROM audit_events')).rows[0]!.head);

/** Rows/s between 10 % and 90 % of `total` new rows (excludes start-up and the tail). */
async function drainRate(offset: number, total: number): Promise<{ seconds: number; steady: number }> {
  const started = performance.now();
  const marks: Array<[number, number]> = [];
  await waitFor(async () => {
    const count = (await stored()) - offset;
    marks.push([performance.now() - started, count]);
    return count >= total ? true : undefined;
  }, { timeoutMs: 600_000, intervalMs: 100, what: 'the backlog stored' });
  const at = (fraction: number) => marks.find(([, count]) => count >= total * fraction)!;
  const [t10, c10] = at(0.1);
  const [t90, c90] = at(0.9);
  return { seconds: (performance.now() - started) / 1000, steady: (c90 - c10) / ((t90 - t10) / 1000) };
}

try {
  audit.start();
  await waitForAuditQueue(bus.queuePrefix);
  const before = await stored();
  await connection.start();

  // 0. The audit consumer alone: a backlog waiting in its queue, drained after a restart.
  await audit.stop();
  for (let i = 0; i < BACKLOG; i += 1_000) await publishEvents(bus.exchange, Array.from({ length: Math.min(1_000, BACKLOG - i) }, () => event()));
  audit.start();
  const consumerOnly = await drainRate(before, BACKLOG);

  // 1. Sustained ingest: fill the outbox first, then let relay + audit drain it.
  for (let i = 0; i < BACKLOG; i += 1_000) {
    await producer.transaction((db) => enqueueEvents(db, Array.from({ length: Math.min(1_000, BACKLOG - i) }, () => event())));
  }
  await relay.start();
  const endToEnd = await drainRate(before + BACKLOG, BACKLOG);

  // 2. Lag at a steady 500 events/s.
  const steadyStart = new Date();
  const perTick = (RATE * TICK_MS) / 1000;
  const ticks = (STEADY_SECONDS * 1000) / TICK_MS;
  const begin = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    await producer.transaction((db) => enqueueEvents(db, Array.from({ length: perTick }, () => event())));
    const next = begin + (tick + 1) * TICK_MS;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  const expected = before + 2 * BACKLOG + ticks * perTick;
  await waitFor(async () => ((await stored()) >= expected ? true : undefined), { timeoutMs: 120_000, intervalMs: 250, what: 'steady events stored' });
  const lag = (
    await auditPool.query<{ p50: number; p99: number; max: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
         FROM (SELECT extract(epoch FROM recorded_at - occurred_at) * 1000 AS ms FROM audit_events WHERE occurred_at >= $1) lags`,
      [steadyStart],
    )
  ).rows[0]!;

  // 3. Zero loss, no duplicates, chain valid.
  const totals = (await auditPool.query<{ rows: number; ids: number }>('SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS ids FROM audit_events')).rows[0]!;
  const dataSource = await openAuditDatabase({ DATABASE_URL: auditDb.url });
  const verifyStarted = performance.now();
  const verification = await verifyChain(dataSource.manager, auditChainHasher(keys));
  const verifySeconds = (performance.now() - verifyStarted) / 1000;
  await dataSource.destroy();

  console.log(`audit table before the run: ${before.toLocaleString('en')} rows${from ? ` (a copy of ${from})` : ' (empty)'}`);
  console.log(`| measure | value | target |`);
  console.log(`|---|---:|---|`);
  console.log(`| audit consumer alone: queued backlog drained | ${BACKLOG} events in ${consumerOnly.seconds.toFixed(1)} s, ${consumerOnly.steady.toFixed(0)} events/s steady | |`);
  console.log(`| outbox → relay (batch ${RELAY_BATCH}) → RabbitMQ → audit: backlog drained | ${BACKLOG} events in ${endToEnd.seconds.toFixed(1)} s | |`);
  console.log(`| sustained ingest end to end (10–90 % of the backlog) | ${endToEnd.steady.toFixed(0)} events/s | ≥ 3,000 (issue 16; ≥ 2,000 before) |`);
  console.log(`| lag p50 at ${RATE}/s for ${STEADY_SECONDS} s | ${Number(lag.p50).toFixed(0)} ms | |`);
  console.log(`| lag p99 at ${RATE}/s | ${Number(lag.p99).toFixed(0)} ms | < 1,000 ms |`);
  console.log(`| lag max at ${RATE}/s | ${Number(lag.max).toFixed(0)} ms | |`);
  console.log(`| stored / distinct / expected | ${totals.rows} / ${totals.ids} / ${expected} | equal (zero loss) |`);
  console.log(`| chain verification | ${verification.valid ? 'valid' : 'BROKEN'}, ${verification.checkedRows} rows in ${verifySeconds.toFixed(1)} s = ${(verification.checkedRows / verifySeconds).toFixed(0)} rows/s | valid; ≥ 100,000 rows/s |`);
} finally {
  await relay.stop();
  await connection.close();
  await audit.stop();
  await producer.destroy();
  await auditPool.end();
  await bus.cleanup(AUDIT_QUEUES);
  await producerDb.drop();
  await auditDb.drop();
}
