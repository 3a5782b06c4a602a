/**
 * Issue 16: the garage-chain generator writes rows the services read back as their own — sealed
 * fields open with the garage keyring, blind-index look-ups find the customer and the vehicle,
 * invoice numbers are gapless and frozen, the audit chain verifies under the chain key — and an
 * interrupted run continues without duplicating anything.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Caller } from '@ecar/contracts';
import { CustomerStore } from '../../services/garage/src/data/customers.ts';
import { VehicleStore } from '../../services/garage/src/data/vehicles.ts';
import { verifyChain } from '../../services/audit/src/domain/verify.ts';
import { chunkData, emailOf, phoneOf, plateOf, seedGarageChain, seedId } from '../../scripts/seed/garage-chain.ts';
import { SEED_PROFILES } from '../../scripts/seed/profiles.ts';
import { createSeedDatabases, dropSeedDatabases, openSeedTargets, type OpenTargets } from '../../scripts/seed/targets.ts';

const profile = SEED_PROFILES['small']!;
const seed = 'seed-test';
const name = `t${randomBytes(4).toString('hex')}`;
const admin: Caller = { userId: seedId(seed, 'admin', 0), role: 'super-admin', ip: '127.0.0.1', userAgent: 'test', correlationId: 'seed-test' };
let targets: OpenTargets;

const count = async (db: OpenTargets['garage']['db'], table: string) => Number(((await db.query(`SELECT count(*)::int AS n FROM ${table}`)) as Array<{ n: number }>)[0]!.n);

before(async () => {
  targets = await openSeedTargets(await createSeedDatabases(name));
});

after(async () => {
  await targets?.close();
  await dropSeedDatabases(name);
});

test('an interrupted run continues where each database stopped, without duplicates', async () => {
  // Crash after the garage step of the second chunk: garage holds 2 chunks, billing and audit 1.
  await assert.rejects(
    seedGarageChain(targets, profile, seed, ({ database, chunk }) => {
      if (database === 'garage' && chunk === 2) throw new Error('simulated crash');
    }),
    /simulated crash/,
  );
  assert.equal(await count(targets.garage.db, 'customers'), 2 * profile.chunk);
  assert.equal(await count(targets.billing.db, 'invoices') > 0, true);
  const resumed: string[] = [];
  await seedGarageChain(targets, profile, seed, ({ database, chunk, resumed: skip }) => skip && resumed.push(`${database}:${chunk}`));
  // Chunk 1 is complete everywhere and not revisited; chunk 2 is skipped in garage only.
  assert.deepEqual(resumed, ['garage:2']);
  assert.equal(await count(targets.garage.db, 'customers'), profile.customers);
  assert.equal(await count(targets.garage.db, 'vehicles'), profile.vehicles);
  assert.equal(await count(targets.garage.db, 'work_orders'), profile.workOrders);
  assert.equal(await count(targets.billing.db, `invoices WHERE status = 'issued'`), profile.invoices);
  assert.equal(await count(targets.audit.db, 'audit_events'), profile.auditEvents);
  // A third run finds everything done and writes nothing.
  await seedGarageChain(targets, profile, seed);
  assert.equal(await count(targets.audit.db, 'audit_events'), profile.auditEvents);
  // Another seed in the same databases is refused, not mixed in.
  await assert.rejects(seedGarageChain(targets, { ...profile, customers: profile.customers + profile.chunk }, 'other-seed'), /seed progress mismatch/);
});

test('the garage reads the seeded customers and vehicles back: sealed fields open, blind indexes find them', async () => {
  const customers = new CustomerStore(targets.garage.cipher);
  const vehicles = new VehicleStore(targets.garage.cipher);
  const expected = chunkData(seed, profile, 17, 18);
  const customer = await customers.findById(targets.garage.db.manager, seedId(seed, 'customer', 17), ['phone', 'email', 'address', 'nationalId']);
  assert.ok(customer);
  assert.equal(customer.phone, phoneOf(17));
  assert.equal(customer.email, emailOf(17));
  assert.equal(customer.address, expected.customers[0]!.address);
  assert.equal(customer.nationalId, '10000017');
  const byPhone = await customers.list(targets.garage.db.manager, admin, { phone: phoneOf(17), limit: 5 }, ['phone']);
  assert.deepEqual(byPhone.map((row) => row.id), [customer.id]);
  const byEmail = await customers.list(targets.garage.db.manager, admin, { email: emailOf(17), limit: 5 }, ['email']);
  assert.deepEqual(byEmail.map((row) => row.id), [customer.id]);
  const vehicle = expected.vehicles[0]!;
  const byPlate = await vehicles.list(targets.garage.db.manager, admin, { plate: plateOf(Math.floor((17 * profile.vehicles) / profile.customers)), limit: 5 });
  assert.deepEqual(byPlate.map((row) => [row.id, row.customerId, row.plate]), [[vehicle.id, customer.id, vehicle.plate]]);
  // Stored values are sealed, not plaintext.
  const raw = (await targets.garage.db.query(`SELECT contact_sealed, phone_bidx FROM customers WHERE id = $1`, [customer.id])) as Array<Record<string, string>>;
  assert.doesNotMatch(raw[0]!.contact_sealed!, /20000017/);
  assert.match(raw[0]!.contact_sealed!, /^v1\./);
});

test('invoices are issued with gapless numbers and totals matching their lines', async () => {
  const rows = (await targets.billing.db.query(
    `SELECT i.seq, i.number, i.total_ht::bigint AS ht, (SELECT sum(amount_ht)::bigint FROM invoice_lines l WHERE l.invoice_id = i.id) AS lines
       FROM invoices i WHERE i.status = 'issued' ORDER BY i.seq`,
  )) as Array<{ seq: number; number: string; ht: string; lines: string }>;
  assert.equal(rows.length, profile.invoices);
  rows.forEach((row, index) => {
    assert.equal(row.seq, index + 1);
    assert.equal(row.ht, row.lines);
  });
  await assert.rejects(targets.billing.db.query(`UPDATE invoices SET total_ht = 0 WHERE seq = 1`), /immutable/);
});

test('the audit chain verifies under the chain key, and a changed row breaks it', async () => {
  const result = await verifyChain(targets.audit.db.manager, targets.audit.hash);
  assert.equal(result.valid, true);
  assert.equal(result.checkedRows, profile.auditEvents);
  const refs = (await targets.audit.db.query(`SELECT count(*)::int AS n FROM audit_refs WHERE ref_type = 'customer' AND ref_id = $1`, [seedId(seed, 'customer', 3)])) as Array<{ n: number }>;
  assert.ok(refs[0]!.n > 1, 'reads and changes of a customer are found by its ref');
  const wrongKey = await verifyChain(targets.audit.db.manager, Object.assign(() => '0'.repeat(64), { serialised: () => '0'.repeat(64), seal: () => '', keyId: 'hmac-sha256:wrong' }));
  assert.equal(wrongKey.valid, false);
});
