import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { OwnReadResponse } from '@ecar/contracts/responses/audit-reads';
import { waitFor } from '@ecar/testkit';
import { createHousehold, expectStatus, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { call } from '../support/stack.ts';

/**
 * "Who read my data" (issue 15): auth, garage and audit on the real broker and PostgreSQL. Two
 * customers: each sees the access records about themselves only, staff by display name and role,
 * never an internal id or an address; their own reads are left out; pages follow cursors.
 */

let stack: GarageStack;
let admin: string;
let a: Household;
let b: Household;
let staffId: string;

const reads = async (household: Household, query = '') => call(stack.audit!.url, `/api/v1/audit/me/reads${query}`, { token: stack.token('customer', household.userId) });

async function all(household: Household): Promise<OwnReadResponse[]> {
  const items: OwnReadResponse[] = [];
  let cursor: string | null = null;
  do {
    const page = await expectStatus(reads(household, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`), 200);
    items.push(...(page['items'] as OwnReadResponse[]));
    cursor = page['nextCursor'] as string | null;
  } while (cursor);
  return items;
}

describe('who read my data: a customer sees the access records about themselves', () => {
  before(async () => {
    stack = await startGarageStack('ownreads', { audit: true });
    admin = stack.token('super-admin');
    const staff = await stack.auth.domain.accounts.create(
      { userId: randomUUID(), role: 'super-admin', ip: '127.0.0.1', userAgent: 'own-reads test' },
      { email: `sami.${randomUUID().slice(0, 8)}@garage.ecar.test`, displayName: 'Sami Ben Salah', role: 'technician', password: 'Vr4!matrix-Kq8#pass' },
      randomUUID(),
    );
    staffId = staff.id;
    [a, b] = [await createHousehold(stack, admin), await createHousehold(stack, admin)];
    // A's job goes to Sami, who opens it; the super-admin opens B's profile; A opens their own.
    await expectStatus(stack.call(`/api/v1/work-orders/${a.workOrderId}/assign`, { method: 'POST', token: admin, json: { technicianIds: [staffId] } }), 200);
    await expectStatus(stack.call(`/api/v1/work-orders/${a.workOrderId}`, { token: stack.token('technician', staffId) }), 200);
    await expectStatus(stack.call(`/api/v1/customers/${b.customerId}`, { token: admin }), 200);
    await expectStatus(stack.call(`/api/v1/customers/${a.customerId}`, { token: stack.token('customer', a.userId) }), 200);
    // The counter looks A's car up twice (vehicle card, service history): more than one page of A's.
    await expectStatus(stack.call(`/api/v1/vehicles/${a.vehicleId}`, { token: admin }), 200);
    await expectStatus(stack.call(`/api/v1/vehicles/${a.vehicleId}/history`, { token: admin }), 200);
  });
  after(async () => {
    await stack?.stop();
  });

  it('names the staff member who read, by role and display name, with what and why', async () => {
    const items = await waitFor(
      async () => {
        const page = await expectStatus(reads(a), 200);
        const found = page['items'] as OwnReadResponse[];
        return found.some((item) => item.reader.role === 'technician') && found.filter((item) => item.purpose === 'vehicle').length >= 2 ? found : undefined;
      },
      { timeoutMs: 15_000, what: "the technician's read in A's records" },
    );
    const technician = items.find((item) => item.reader.role === 'technician')!;
    assert.deepEqual(technician.reader, { role: 'technician', name: 'Sami Ben Salah' });
    assert.equal(technician.kind, 'garage.customer.accessed');
    assert.equal(technician.purpose, 'work-order');
    assert.ok(technician.fields.length > 0);
    assert.ok(Date.parse(technician.occurredAt) <= Date.now());
  });

  it("shows each customer only the records about them, without their own reads, ids or addresses", async () => {
    // B's profile read by the super-admin has arrived once B sees it.
    await waitFor(async () => ((await reads(b)).body['items'] as OwnReadResponse[]).some((item) => item.purpose === 'detail') || undefined, { timeoutMs: 15_000, what: "the admin's read of B" });
    const [ofA, ofB] = [await all(a), await all(b)];
    assert.ok(ofB.some((item) => item.reader.role === 'super-admin' && item.purpose === 'detail'), "B sees the super-admin's read of B's profile");
    assert.equal(ofA.some((item) => item.purpose === 'detail'), false, "A does not see the read of B's profile (nor their own)");
    assert.equal(ofB.some((item) => item.reader.role === 'technician'), false, "B does not see Sami's read of A's job");
    assert.equal(ofA.some((item) => item.reader.role === 'customer'), false, 'their own reads are left out');
    const idsOfA = new Set(ofA.map((item) => item.id));
    assert.equal(ofB.some((item) => idsOfA.has(item.id)), false, 'no record in both lists');
    for (const item of [...ofA, ...ofB]) assert.deepEqual(Object.keys(item).sort(), ['fields', 'id', 'kind', 'occurredAt', 'purpose', 'reader']);
    const text = JSON.stringify([ofA, ofB]);
    for (const secret of [staffId, a.userId, b.userId, a.customerId, b.customerId, '127.0.0.1', '::1']) assert.equal(text.includes(secret), false, `the list shows ${secret}`);
  });

  it('pages by cursor, newest first, without overlap', async () => {
    const everything = await all(a);
    assert.ok(everything.length >= 2, `A has ${everything.length} records`);
    const first = await expectStatus(reads(a, '?limit=1'), 200);
    assert.equal((first['items'] as OwnReadResponse[]).length, 1);
    assert.equal((first['items'] as OwnReadResponse[])[0]!.id, everything[0]!.id);
    const second = await expectStatus(reads(a, `?limit=1&cursor=${String(first['nextCursor'])}`), 200);
    assert.equal((second['items'] as OwnReadResponse[])[0]!.id, everything[1]!.id);
    const seqs = everything.map((item) => BigInt(item.id));
    assert.deepEqual([...seqs].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0)), seqs, 'newest first');
  });

  it('an account without a customer profile sees nothing; bad input is a 400 problem', async () => {
    const nobody = await expectStatus(call(stack.audit!.url, '/api/v1/audit/me/reads', { token: stack.token('customer', randomUUID()) }), 200);
    assert.deepEqual(nobody, { items: [], nextCursor: null });
    for (const query of ['?cursor=abc', '?limit=51', '?limit=0', '?customer=x', '?cursor=99999999999999999999999']) {
      const response = await reads(a, query);
      assert.equal(response.status, 400, query);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, query);
    }
  });
});
