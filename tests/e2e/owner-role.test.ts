import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import { adminQuery, createBusNamespace, createTestDatabase, waitFor, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import { openAuditDatabase } from '../../services/audit/src/cli/database.ts';
import { readChainPage } from '../../services/audit/src/data/chain.ts';
import { hashRecord } from '../../services/audit/src/domain/chain.ts';
import { auditService, type AuditService } from '../../services/audit/src/service.ts';
import { auditEnv, AUDIT_QUEUES, publishEvents, TestTokenIssuer, waitForAuditQueue } from '../support/audit-harness.ts';
import { issuedInvoice } from '../support/billing-fixtures.ts';
import { startBillingStack, type BillingStack } from '../support/billing-stack.ts';

/*
 * Finding 2 of issue 12: a service's runtime role must not be able to undo the guards of its own
 * tables. Migrations run as the owner (DATABASE_MIGRATION_URL: here the test databases' owner,
 * ecar_test); the service runs as ecar_test_runtime (scripts/ensure-system.sh), which the
 * migration step grants data privileges only.
 */

const RUNTIME_ROLE = 'ecar_test_runtime';

function runtimeUrl(database: TestDatabase): string {
  const url = new URL(database.url);
  url.username = RUNTIME_ROLE;
  url.password = 'ecar-test-only';
  return url.toString();
}

/** Runs `sql` as the runtime role; resolves 'ok' or PostgreSQL's refusal. */
async function asRuntime(database: TestDatabase, sql: string): Promise<string> {
  const client = new pg.Client({ connectionString: runtimeUrl(database) });
  await client.connect();
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end();
  }
}

async function ownedDatabase(label: string): Promise<TestDatabase> {
  const database = await createTestDatabase(label);
  await adminQuery(`GRANT CONNECT ON DATABASE ${database.name} TO ${RUNTIME_ROLE}`);
  return database;
}

function tokenRefreshed(): EventEnvelope {
  return buildEvent({
    type: 'auth.token.refreshed',
    producer: 'auth',
    correlationId: `r-${randomUUID()}`,
    actor: { userId: randomUUID(), role: 'technician', ip: '10.3.3.3' },
    subject: { type: 'session', id: randomUUID() },
    data: { sessionId: randomUUID() },
  }) as EventEnvelope;
}

async function asOwner<T>(database: TestDatabase, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The partition that holds the log's newest row. */
async function partitionHolding(database: TestDatabase): Promise<string> {
  return asOwner(database, async (owner) => (await owner.query<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM audit_events ORDER BY seq DESC LIMIT 1`)).rows[0]!.part);
}

/** Each partition of audit_events and audit_refs, and the parents: owned by the owner, SELECT and INSERT (only) for the runtime role. */
async function assertRuntimeKeepsSelectInsertOnEveryPartition(database: TestDatabase): Promise<void> {
  const { rows } = await asOwner(database, (owner) =>
    owner.query<{ name: string; owner: string; privileges: string[] | null }>(
      `SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner,
              (SELECT array_agg(a.privilege_type ORDER BY a.privilege_type) FROM aclexplode(c.relacl) a WHERE a.grantee = $1::regrole) AS privileges
         FROM pg_class c
        WHERE c.oid IN ('audit_events'::regclass, 'audit_refs'::regclass)
           OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent IN ('audit_events'::regclass, 'audit_refs'::regclass))`,
      [RUNTIME_ROLE],
    ),
  );
  assert.ok(rows.length >= 8, `the parents and their partitions (${rows.map((row) => row.name).join(', ')})`);
  for (const row of rows) {
    assert.equal(row.owner, 'ecar_test', `${row.name} belongs to the owner`);
    assert.deepEqual(row.privileges, ['INSERT', 'SELECT'], `${row.name}: the runtime role appends and reads only`);
  }
}

const MUST_BE_OWNER = /must be owner/;
const DENIED = /permission denied/;

describe('the runtime role cannot rewrite the audit log or unguard issued invoices (issue 12, finding 2)', () => {
  let auditDb: TestDatabase;
  let bus: BusNamespace;
  let issuer: TestTokenIssuer;
  let audit: AuditService;
  let billing: BillingStack;
  let billingDb: TestDatabase;

  before(async () => {
    auditDb = await ownedDatabase('ownaudit');
    bus = createBusNamespace('ownaudit');
    issuer = new TestTokenIssuer();
    await issuer.start();
    // Every scheduled run in full (no checkpoint shortcut): these checks are about the whole chain.
    audit = await auditService.start(auditEnv(auditDb, bus, issuer, { DATABASE_URL: runtimeUrl(auditDb), DATABASE_MIGRATION_URL: auditDb.url, AUDIT_FULL_VERIFY_INTERVAL_MS: '0' }));
    await waitForAuditQueue(bus.queuePrefix);
    billingDb = await ownedDatabase('ownbilling');
    billing = await startBillingStack('ownbilling', { DATABASE_URL: runtimeUrl(billingDb), DATABASE_MIGRATION_URL: billingDb.url });
  });
  after(async () => {
    await billing?.stop();
    await audit?.stop();
    await issuer?.stop();
    await bus?.cleanup(AUDIT_QUEUES.map((queue) => `${bus.queuePrefix}${queue}`));
    await Promise.all([auditDb?.drop(), billingDb?.drop()]);
  });

  it('audit appends and verifies as the runtime role, which cannot disable the trigger, update, delete, truncate or write anchors', async () => {
    const events = [tokenRefreshed(), tokenRefreshed(), tokenRefreshed()];
    await publishEvents(bus.exchange, events);
    await waitFor(async () => ((await audit.domain.verifyNow()).checkedRows >= 3 ? true : undefined), { what: 'events stored by the runtime role' });
    const owner = new pg.Client({ connectionString: auditDb.url });
    await owner.connect();
    const owners = await owner.query(`SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_events'`).finally(() => owner.end());
    assert.equal(owners.rows[0]?.tableowner, 'ecar_test', 'migrations ran as the owner');

    assert.match(await asRuntime(auditDb, 'ALTER TABLE audit_events DISABLE TRIGGER USER'), MUST_BE_OWNER);
    assert.match(await asRuntime(auditDb, 'ALTER FUNCTION audit_events_guard() OWNER TO ecar_test_runtime'), MUST_BE_OWNER);
    assert.match(await asRuntime(auditDb, `UPDATE audit_events SET hash = 'rewritten'`), DENIED);
    assert.match(await asRuntime(auditDb, `SET ecar.audit_purge = 'on'; DELETE FROM audit_events`), DENIED);
    assert.match(await asRuntime(auditDb, 'TRUNCATE audit_events'), DENIED);
    assert.match(await asRuntime(auditDb, `INSERT INTO audit_chain_anchors (first_seq, prev_hash, purged_rows, cutoff) SELECT max(seq) + 1, max(hash), 0, now() FROM audit_events`), DENIED);
    assert.match(await asRuntime(auditDb, 'CREATE TABLE audit_events_shadow (seq bigint)'), DENIED);
    // The purge stays possible, through its function only (nothing is old enough here).
    assert.equal(await asRuntime(auditDb, `SELECT * FROM audit_purge(now() - interval '400 days')`), 'ok');
    assert.equal((await audit.domain.purgeNow()).purgedRows, 0);
    const verified = await audit.domain.verifyNow();
    assert.equal(verified.valid, true);
    assert.equal(verified.checkedRows, 3);
    // Partitions (issue 16): the runtime role has SELECT and INSERT on the parents and on every
    // partition, nothing else; writing a partition directly is refused like writing the parent.
    await assertRuntimeKeepsSelectInsertOnEveryPartition(auditDb);
    const current = await partitionHolding(auditDb);
    assert.match(await asRuntime(auditDb, `UPDATE ${current} SET hash = 'rewritten'`), DENIED);
    assert.match(await asRuntime(auditDb, `SET ecar.audit_purge = 'on'; DELETE FROM ${current}`), DENIED);
    assert.match(await asRuntime(auditDb, `TRUNCATE ${current}`), DENIED);
    assert.match(await asRuntime(auditDb, `DELETE FROM audit_event_ids`), DENIED);
    assert.match(await asRuntime(auditDb, `CREATE TABLE audit_events_p2999_01 PARTITION OF audit_events FOR VALUES FROM ('2999-01-01') TO ('2999-02-01')`), DENIED);
    // A month the runtime role's daily job creates (SECURITY DEFINER) belongs to the owner and gets the same grants.
    await asOwner(auditDb, async (owner) => {
      const { rows } = await owner.query<{ part: string }>(`SELECT part::text FROM audit_partitions('audit_events') ORDER BY upper_bound DESC LIMIT 1`);
      const refs = await owner.query<{ part: string }>(`SELECT part::text FROM audit_partitions('audit_refs') ORDER BY upper_bound DESC LIMIT 1`);
      for (const [table, part] of [['audit_events', rows[0]!.part], ['audit_refs', refs.rows[0]!.part]] as const) {
        await owner.query(`ALTER TABLE ${table} DETACH PARTITION ${part}`);
        await owner.query(`DROP TABLE ${part}`);
      }
    });
    assert.equal(await audit.domain.ensurePartitionsNow(), 2);
    await assertRuntimeKeepsSelectInsertOnEveryPartition(auditDb);
    // Verification checkpoints (issue 16): appended by the runtime role's verification, never changed.
    assert.match(await asRuntime(auditDb, `UPDATE audit_chain_checkpoints SET seal = 'forged'`), DENIED);
    assert.match(await asRuntime(auditDb, `DELETE FROM audit_chain_checkpoints`), DENIED);
  });

  it('a rewrite re-chained with the published unkeyed hash is still detected: the chain is keyed (AUDIT_CHAIN_KEY)', async () => {
    assert.equal((await audit.domain.verifyNow()).valid, true);
    // Whoever holds the database (here its owner) rewrites a row and recomputes every hash after
    // it, as an attacker who knows the algorithm but not the key would.
    const owner = await openAuditDatabase({ DATABASE_URL: auditDb.url });
    try {
      const rows = await readChainPage(owner.manager, '0', 100);
      let prevHash = rows[0]!.prevHash;
      await owner.transaction(async (db) => {
        await db.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
        for (const [index, row] of rows.entries()) {
          const rewritten = { ...row, prevHash, ...(index === 0 ? { remoteAddr: '10.9.9.9' } : {}) };
          prevHash = hashRecord(rewritten);
          await db.query('UPDATE audit_events SET remote_addr = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [row.seq, rewritten.remoteAddr, rewritten.prevHash, prevHash]);
        }
        await db.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      });
    } finally {
      await owner.destroy();
    }
    const verified = await audit.domain.verifyNow();
    assert.equal(verified.valid, false);
    assert.deepEqual(verified.firstBreak && { seq: verified.firstBreak.seq, reason: verified.firstBreak.reason }, { seq: '1', reason: 'hash_mismatch' });
  });

  it('billing issues invoices as the runtime role, which cannot disable the trigger that freezes them', async () => {
    const admin = billing.token('super-admin');
    const invoice = await issuedInvoice(billing, admin);
    assert.equal(invoice['status'], 'issued');
    assert.match(await asRuntime(billingDb, 'ALTER TABLE invoices DISABLE TRIGGER USER'), MUST_BE_OWNER);
    assert.match(await asRuntime(billingDb, `UPDATE invoices SET total_ttc = 1 WHERE id = '${String(invoice['id'])}'`), /issued|immutable|cannot|refused/i);
  });
});
