import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createHousehold, expectStatus, nextPlate, nextSlot, PDF, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

/**
 * Issue 12, finding 5 (OWASP API4/API6): a self-registered customer can no longer fill the
 * calendar, fill the disk, or squat (or probe) a real owner's plate.
 */
const MAX_OPEN = 4;
const HORIZON_DAYS = 60;
const MAX_DOCS = 3;
const MAX_DOC_BYTES = 6000;

let stack: GarageStack;
let admin: string;

async function upload(token: string, vehicleId: string, body: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.garage.url}/api/v1/vehicles/${vehicleId}/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function garageRows(sql: string, values: unknown[]): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: stack.databases.garage.url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

const slotInDays = (days: number) => new Date(Math.ceil((Date.now() + days * 86_400_000) / 1_800_000) * 1_800_000).toISOString();

describe('business-flow limits (issue 12, finding 5)', () => {
  before(async () => {
    stack = await startGarageStack('garagelimits', {
      garageEnv: {
        MAX_OPEN_APPOINTMENTS_PER_CUSTOMER: String(MAX_OPEN),
        BOOKING_HORIZON_DAYS: String(HORIZON_DAYS),
        MAX_DOCUMENTS_PER_CUSTOMER: String(MAX_DOCS),
        MAX_DOCUMENT_BYTES_PER_CUSTOMER: String(MAX_DOC_BYTES),
      },
    });
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('a customer holds at most N appointments to come; cancelling one frees a place; the garage is not limited', async () => {
    const h = await createHousehold(stack, admin); // one appointment already, booked by the garage
    const customer = stack.token('customer', h.userId);
    const book = (token: string, slotStart = nextSlot()) => stack.call('/api/v1/appointments', { method: 'POST', token, json: { customerId: h.customerId, slotStart } });
    const booked: string[] = [];
    for (let i = 1; i < MAX_OPEN; i += 1) booked.push(String((await expectStatus(book(customer), 201))['id']));
    const refused = await expectStatus(book(customer), 409);
    assert.match(String(refused['detail']), /cancel one/);
    // Parallel attempts cannot slip past the count (the customer's lock serialises them).
    const parallel = await Promise.all([book(customer), book(customer), book(customer)]);
    assert.deepEqual(parallel.map((r) => r.status), [409, 409, 409]);
    await expectStatus(stack.call(`/api/v1/appointments/${booked[0]}/cancel`, { method: 'POST', token: customer }), 200);
    await expectStatus(book(customer), 201);
    await expectStatus(book(admin), 201);
  });

  it('a customer books no further than the horizon; the garage can', async () => {
    const h = await createHousehold(stack, admin);
    const customer = stack.token('customer', h.userId);
    const far = await expectStatus(stack.call('/api/v1/appointments', { method: 'POST', token: customer, json: { customerId: h.customerId, slotStart: slotInDays(HORIZON_DAYS + 1) } }), 400);
    assert.equal((far['errors'] as Array<Record<string, unknown>>)[0]?.['code'], 'beyond_horizon');
    await expectStatus(stack.call('/api/v1/appointments', { method: 'POST', token: customer, json: { customerId: h.customerId, slotStart: slotInDays(HORIZON_DAYS - 1) } }), 201);
    await expectStatus(stack.call('/api/v1/appointments', { method: 'POST', token: admin, json: { customerId: h.customerId, slotStart: slotInDays(HORIZON_DAYS + 1) } }), 201);
  });

  it('a customer stores at most N documents and B bytes over all their vehicles; the garage files what it receives', async () => {
    const h = await createHousehold(stack, admin); // one PDF already, filed by the garage
    const customer = stack.token('customer', h.userId);
    for (let i = 1; i < MAX_DOCS; i += 1) await expectStatus(upload(customer, h.vehicleId, PDF), 201);
    const full = await expectStatus(upload(customer, h.vehicleId, PDF), 409);
    assert.match(String(full['detail']), /documents/);
    await expectStatus(upload(admin, h.vehicleId, PDF), 201);

    const other = await createHousehold(stack, admin);
    const token = stack.token('customer', other.userId);
    const big = Buffer.concat([PDF, Buffer.alloc(3000, 0x20)]);
    await expectStatus(upload(token, other.vehicleId, big), 201);
    const over = await expectStatus(upload(token, other.vehicleId, big), 413);
    assert.match(String(over['detail']), /storage is full|limited/);
    const stored = await garageRows('SELECT count(*)::int AS n, sum(size_bytes)::int AS bytes FROM documents WHERE customer_id = $1', [other.customerId]);
    assert.equal(stored[0]?.['n'], 2);
    assert.ok(Number(stored[0]?.['bytes']) <= MAX_DOC_BYTES);
  });

  it('registering a plate already on another customer’s vehicle says nothing about it and opens a claim the garage resolves', async () => {
    const holder = await createHousehold(stack, admin);
    const claimant = await createHousehold(stack, admin);
    const token = stack.token('customer', claimant.userId);
    const register = (plate: string, as = token, customerId = claimant.customerId) =>
      stack.call('/api/v1/vehicles', { method: 'POST', token: as, json: { customerId, plate, make: 'Peugeot', model: '208', year: 2021, mileageKm: 12000 } });

    const claimed = await expectStatus(register(holder.plate), 202);
    const claim = claimed['claim'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(claimed), ['claim']);
    assert.deepEqual(Object.keys(claim).sort(), ['createdAt', 'id', 'status']);
    assert.equal(claim['status'], 'pending');
    const text = JSON.stringify(claimed);
    for (const secret of [holder.vehicleId, holder.customerId, 'already', 'registered']) assert.ok(!text.includes(secret), `the answer reveals ${secret}`);
    // Sent again: the same claim, not a second one.
    assert.equal(((await expectStatus(register(holder.plate), 202))['claim'] as Record<string, unknown>)['id'], claim['id']);
    // The claimant sees nothing of the holder's vehicle while the claim waits.
    await expectStatus(stack.call(`/api/v1/vehicles/${holder.vehicleId}`, { token }), 404);
    // Staff still get the plain answer (they can look plates up anyway).
    await expectStatus(register(holder.plate, admin, claimant.customerId), 409);

    const queue = await expectStatus(stack.call('/api/v1/plate-claims?status=pending', { token: admin }), 200);
    const row = (queue['items'] as Array<Record<string, unknown>>).find((item) => item['id'] === claim['id']);
    assert.ok(row, 'the claim is in the garage’s queue');
    assert.equal(row['plate'], holder.plate);
    assert.equal((row['holder'] as Record<string, unknown>)['customerId'], holder.customerId);
    assert.equal((row['claimant'] as Record<string, unknown>)['customerId'], claimant.customerId);
    assert.deepEqual(row['claimed'], { make: 'Peugeot', model: '208', year: 2021 });
    await expectStatus(stack.call('/api/v1/plate-claims', { token }), 403);
    await expectStatus(stack.call(`/api/v1/plate-claims/${String(claim['id'])}/accept`, { method: 'POST', token }), 403);

    const accepted = await expectStatus(stack.call(`/api/v1/plate-claims/${String(claim['id'])}/accept`, { method: 'POST', token: admin }), 200);
    assert.equal(accepted['status'], 'accepted');
    await expectStatus(stack.call(`/api/v1/plate-claims/${String(claim['id'])}/refuse`, { method: 'POST', token: admin }), 409);
    const moved = await expectStatus(stack.call(`/api/v1/vehicles/${holder.vehicleId}`, { token }), 200);
    assert.equal(moved['customerId'], claimant.customerId);
    await expectStatus(stack.call(`/api/v1/vehicles/${holder.vehicleId}`, { token: stack.token('customer', holder.userId) }), 404);
    // The earlier holder's papers do not come with the vehicle.
    const papers = await expectStatus(stack.call(`/api/v1/vehicles/${holder.vehicleId}/documents`, { token }), 200);
    assert.deepEqual(papers['items'], []);
    const events = await garageRows(`SELECT type FROM outbox_events WHERE payload::text LIKE '%' || $1 || '%' ORDER BY 1`, [String(claim['id'])]);
    assert.deepEqual(events.map((e) => e['type']), ['garage.plate_claim.decided', 'garage.plate_claim.opened']);
  });

  it('a refused claim leaves the vehicle where it was; a customer has at most 3 claims waiting', async () => {
    const claimant = await createHousehold(stack, admin);
    const token = stack.token('customer', claimant.userId);
    const holders: Household[] = [];
    for (let i = 0; i < 4; i += 1) holders.push(await createHousehold(stack, admin));
    const register = (plate: string) =>
      stack.call('/api/v1/vehicles', { method: 'POST', token, json: { customerId: claimant.customerId, plate, make: 'Kia', model: 'Rio', year: 2018, mileageKm: 90000 } });
    const claims: string[] = [];
    for (const holder of holders.slice(0, 3)) claims.push(String(((await expectStatus(register(holder.plate), 202))['claim'] as Record<string, unknown>)['id']));
    await expectStatus(register(holders[3]!.plate), 409);
    // A plate nobody has is registered as before.
    await expectStatus(register(nextPlate()), 201);
    const refused = await expectStatus(stack.call(`/api/v1/plate-claims/${claims[0]}/refuse`, { method: 'POST', token: admin }), 200);
    assert.equal(refused['status'], 'refused');
    const kept = await expectStatus(stack.call(`/api/v1/vehicles/${holders[0]!.vehicleId}`, { token: admin }), 200);
    assert.equal(kept['customerId'], holders[0]!.customerId);
    await expectStatus(register(holders[3]!.plate), 202);
    await expectStatus(stack.call('/api/v1/plate-claims/00000000-0000-4000-8000-000000000000/accept', { method: 'POST', token: admin }), 404);
  });
});
