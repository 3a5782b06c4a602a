import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { queryRows } from '@ecar/db';
import { waitFor } from '@ecar/testkit';
import { listenTo, type BusListener } from '../support/bus-listener.ts';
import { createHousehold, expectStatus, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { createPart, receive } from '../support/stock-fixtures.ts';

/**
 * Issue 14, stock reserved on approval and consumed on completion: an approved part line holds its
 * part (available = on hand − reserved), a declined line never does, cancelling gives it back,
 * completing takes it from the shelf exactly once at the weighted average cost; two approvals of the
 * last unit at once: one holds it, the other is short and its order cannot complete (409) until
 * stock arrives, or with the super-admin's audited override. Available never goes below zero. Real
 * PostgreSQL and RabbitMQ (events through the outbox).
 */

let stack: GarageStack;
let admin: string;
let bus: BusListener;

const post = (path: string, token: string, json: unknown) => stack.call(path, { method: 'POST', token, json });

interface Estimate extends Household {
  path: string;
  customer: string;
  partLineId: string;
  labourLineId: string;
}

/** A work order whose estimate (a labour line and a line of `quantityMilli` of the part) was sent to the customer. */
async function sentEstimate(partId: string, quantityMilli: number): Promise<Estimate> {
  const h = await createHousehold(stack, admin);
  const path = `/api/v1/work-orders/${h.workOrderId}`;
  const labour = await expectStatus(post(`${path}/lines`, admin, { kind: 'labour', description: 'Montage', quantityMilli: 1000, unitPriceMillimes: 40_000 }), 201);
  const used = await expectStatus(post(`${path}/parts`, admin, { partId, quantityMilli, consume: false }), 201);
  await expectStatus(post(`${path}/status`, admin, { status: 'estimate_sent' }), 200);
  return { ...h, path, customer: stack.token('customer', h.userId), partLineId: String((used['line'] as { id: string }).id), labourLineId: String(labour['id']) };
}

const approveAll = (e: Estimate) =>
  post(`${e.path}/estimate/decisions`, e.customer, {
    decisions: [
      { lineId: e.labourLineId, decision: 'approved' },
      { lineId: e.partLineId, decision: 'approved' },
    ],
  });

async function level(partId: string): Promise<{ onHandMilli: number; reservedMilli: number; availableMilli: number }> {
  const part = await expectStatus(stack.call(`/api/v1/parts/${partId}`, { token: admin }), 200);
  return { onHandMilli: Number(part['onHandMilli']), reservedMilli: Number(part['reservedMilli']), availableMilli: Number(part['availableMilli']) };
}

async function negativeLevels(partId: string): Promise<number> {
  const [row] = await queryRows<{ count: number }>(stack.garage.domain.dataSource, `SELECT count(*)::int AS count FROM stock_levels WHERE part_id = $1 AND on_hand_milli - reserved_milli < 0`, [partId]);
  return row!.count;
}

const eventsOf = (type: string, partId: string) => bus.events.filter((event) => event.type === type && (event.data as { partId: string }).partId === partId);

describe('garage stock reservations', () => {
  before(async () => {
    stack = await startGarageStack('garagereserve');
    admin = stack.token('super-admin');
    bus = await listenTo(stack.bus.exchange, 'garage.stock.#');
  });
  after(async () => {
    await bus?.close();
    await stack?.stop();
  });

  it('approval reserves the part line (available = on hand − reserved, on the part, its levels and the low-stock list); a declined line reserves nothing', async () => {
    const part = await createPart(stack, admin, { reorderPointMilli: 2_000 });
    const partId = String(part['id']);
    await receive(stack, admin, partId, 3_000);
    const declined = await sentEstimate(partId, 1_000);
    await expectStatus(
      post(`${declined.path}/estimate/decisions`, declined.customer, {
        decisions: [
          { lineId: declined.labourLineId, decision: 'approved' },
          { lineId: declined.partLineId, decision: 'declined' },
        ],
      }),
      200,
    );
    assert.deepEqual(await level(partId), { onHandMilli: 3_000, reservedMilli: 0, availableMilli: 3_000 }, 'a declined line holds nothing');

    const e = await sentEstimate(partId, 2_000);
    await expectStatus(approveAll(e), 200);
    assert.deepEqual(await level(partId), { onHandMilli: 3_000, reservedMilli: 2_000, availableMilli: 1_000 });
    const detail = await expectStatus(stack.call(`/api/v1/parts/${partId}`, { token: admin }), 200);
    assert.deepEqual(detail['levels'], [{ location: 'main', onHandMilli: 3_000, reservedMilli: 2_000, availableMilli: 1_000 }]);
    const low = await expectStatus(stack.call('/api/v1/stock/low?limit=100', { token: admin }), 200);
    assert.ok((low['items'] as Array<{ id: string }>).some((item) => item.id === partId), '3 on hand but only 1 available: below the reorder point of 2');
    const jobParts = await expectStatus(stack.call(`${e.path}/parts`, { token: stack.token('technician', e.technicianId) }), 200);
    assert.deepEqual(
      (jobParts['items'] as Array<Record<string, unknown>>).map((item) => [item['reservedMilli'], item['shortMilli'], item['consumed']]),
      [[2_000, 0, false]],
      'the technician sees the part held for the job',
    );
    const reservations = await expectStatus(stack.call(`/api/v1/parts/${partId}/reservations`, { token: admin }), 200);
    const items = reservations['items'] as Array<Record<string, unknown>>;
    assert.deepEqual(
      items.map((item) => [item['workOrderId'], item['status'], item['reservedMilli']]),
      [[e.workOrderId, 'reserved', 2_000]],
    );
    assert.match(String(items[0]!['workOrderNumber']), /^OR-\d{4}-\d{6}$/);
    const reserved = await waitFor(() => eventsOf('garage.stock.reserved', partId)[0]);
    assert.deepEqual(
      [(reserved.data as Record<string, unknown>)['lineId'], (reserved.data as Record<string, unknown>)['reservedMilli'], (reserved.data as Record<string, unknown>)['availableMilli']],
      [e.partLineId, 2_000, 1_000],
    );
    assert.equal((reserved.actor as { userId?: string }).userId, e.userId, 'the customer who approved reserved it');
  });

  it('completion consumes the reserved parts exactly once, at the weighted average cost, and ends the reservation', async () => {
    const part = await createPart(stack, admin, { purchasePriceMillimes: 7_250 });
    const partId = String(part['id']);
    await receive(stack, admin, partId, 2_000);
    const e = await sentEstimate(partId, 2_000);
    await expectStatus(approveAll(e), 200);
    await expectStatus(post(`${e.path}/status`, admin, { status: 'in_progress' }), 200);
    const technician = stack.token('technician', e.technicianId);
    const [first, second] = await Promise.all([post(`${e.path}/status`, technician, { status: 'completed' }), post(`${e.path}/status`, technician, { status: 'completed' })]);
    assert.deepEqual([first.status, second.status].sort(), [200, 409], 'completed once');
    assert.deepEqual(await level(partId), { onHandMilli: 0, reservedMilli: 0, availableMilli: 0 });
    const ledger = await expectStatus(stack.call(`/api/v1/parts/${partId}/movements`, { token: admin }), 200);
    const consumptions = (ledger['items'] as Array<Record<string, unknown>>).filter((item) => item['kind'] === 'consumption');
    assert.equal(consumptions.length, 1, 'one consumption, however often completion is asked');
    assert.deepEqual([consumptions[0]!['quantityMilli'], consumptions[0]!['lineId'], consumptions[0]!['workOrderId'], consumptions[0]!['unitCostMillimes']], [-2_000, e.partLineId, e.workOrderId, 7_250]);
    const again = await post(`${e.path}/lines/${e.partLineId}/consume`, admin, {});
    assert.equal(again.status, 409);
    const reservations = await expectStatus(stack.call(`/api/v1/parts/${partId}/reservations`, { token: admin }), 200);
    assert.deepEqual((reservations['items'] as Array<Record<string, unknown>>).map((item) => item['status']), ['consumed']);
    const moved = await waitFor(() => eventsOf('garage.stock.moved', partId).find((event) => (event.data as { kind: string }).kind === 'consumption'));
    assert.equal((moved.data as { releasedMilli?: number }).releasedMilli, 2_000, 'the consumption event says it took the reservation');
    assert.equal(JSON.stringify(moved.data).includes('Cost'), false, 'no cost in the event');
  });

  it('cancelling the work order releases its reservation, through the outbox', async () => {
    const part = await createPart(stack, admin);
    const partId = String(part['id']);
    await receive(stack, admin, partId, 1_000);
    const e = await sentEstimate(partId, 1_000);
    await expectStatus(approveAll(e), 200);
    assert.equal((await level(partId)).availableMilli, 0);
    await expectStatus(post(`${e.path}/status`, admin, { status: 'cancelled' }), 200);
    assert.deepEqual(await level(partId), { onHandMilli: 1_000, reservedMilli: 0, availableMilli: 1_000 });
    const released = await waitFor(() => eventsOf('garage.stock.released', partId)[0]);
    assert.deepEqual(
      [(released.data as Record<string, unknown>)['reason'], (released.data as Record<string, unknown>)['releasedMilli'], (released.data as Record<string, unknown>)['availableMilli']],
      ['cancelled', 1_000, 1_000],
    );
    const reservations = await expectStatus(stack.call(`/api/v1/parts/${partId}/reservations`, { token: admin }), 200);
    assert.deepEqual((reservations['items'] as Array<Record<string, unknown>>).map((item) => [item['status'], item['closeReason']]), [['released', 'cancelled']]);
  });

  it('two approvals of the last unit at once: one holds it, the other is short; the short order cannot complete (clear 409) until a receipt fills it, or with the audited override; available never negative', async () => {
    const part = await createPart(stack, admin);
    const partId = String(part['id']);
    await receive(stack, admin, partId, 1_000);
    const [a, b, c] = await Promise.all([sentEstimate(partId, 1_000), sentEstimate(partId, 1_000), sentEstimate(partId, 1_000)]);
    const answers = await Promise.all([approveAll(a), approveAll(b)]);
    assert.deepEqual(answers.map((answer) => answer.status), [200, 200], "the customers' approvals are never refused for want of stock");
    assert.deepEqual(await level(partId), { onHandMilli: 1_000, reservedMilli: 1_000, availableMilli: 0 });
    assert.equal(await negativeLevels(partId), 0);
    const held = await Promise.all(
      [a, b].map(async (e) => ((await expectStatus(stack.call(`${e.path}/parts`, { token: admin }), 200))['items'] as Array<{ reservedMilli: number; shortMilli: number }>)[0]!),
    );
    assert.deepEqual(held.map((item) => [item.reservedMilli, item.shortMilli]).sort(), [
      [0, 1_000],
      [1_000, 0],
    ]);
    const [holder, short] = held[0]!.reservedMilli === 1_000 ? [a, b] : [b, a];
    const low = await expectStatus(stack.call('/api/v1/stock/low?limit=100', { token: admin }), 200);
    const listed = (low['items'] as Array<{ id: string; shortMilli: number }>).find((item) => item.id === partId);
    assert.equal(listed?.shortMilli, 1_000, 'a part approved lines wait for is on the low-stock list, with what is short');

    for (const e of [holder, short]) await expectStatus(post(`${e.path}/status`, admin, { status: 'in_progress' }), 200);
    const technician = stack.token('technician', short.technicianId);
    const refused = await post(`${short.path}/status`, technician, { status: 'completed' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body['type'], 'urn:ecar:problem:conflict');
    assert.match(String(refused.body['detail']), /cannot be completed: a part line's part is missing .*Not enough stock at main: 1 on hand, 1 reserved for other work orders, 1 asked/);
    assert.equal((await post(`${short.path}/status`, technician, { status: 'completed', allowNegativeStock: true })).status, 403, 'the override is the super-admin’s');
    const order = await expectStatus(stack.call(short.path, { token: admin }), 200);
    assert.equal(order['status'], 'in_progress', 'the refused completion changed nothing');
    await expectStatus(post(`${holder.path}/status`, admin, { status: 'completed' }), 200);

    // A receipt fills the short reservation first: the unit goes to the line waiting for it, not to the shelf.
    await receive(stack, admin, partId, 1_000);
    assert.deepEqual(await level(partId), { onHandMilli: 1_000, reservedMilli: 1_000, availableMilli: 0 });
    const filled = await waitFor(() => eventsOf('garage.stock.reserved', partId).find((event) => (event.data as { lineId: string }).lineId === short.partLineId && (event.data as { shortMilli: number }).shortMilli === 0));
    assert.ok(filled);
    await expectStatus(post(`${short.path}/status`, technician, { status: 'completed' }), 200);
    assert.deepEqual(await level(partId), { onHandMilli: 0, reservedMilli: 0, availableMilli: 0 });

    // Nothing left: the third order is short and completes only through the audited override.
    await expectStatus(approveAll(c), 200);
    await expectStatus(post(`${c.path}/status`, admin, { status: 'in_progress' }), 200);
    assert.equal((await post(`${c.path}/status`, admin, { status: 'completed' })).status, 409);
    await expectStatus(post(`${c.path}/status`, admin, { status: 'completed', allowNegativeStock: true }), 200);
    assert.deepEqual(await level(partId), { onHandMilli: -1_000, reservedMilli: 0, availableMilli: -1_000 });
    const overridden = await waitFor(() => eventsOf('garage.stock.moved', partId).find((event) => (event.data as { negativeAllowed?: boolean }).negativeAllowed));
    assert.equal((overridden.data as { workOrderId: string }).workOrderId, c.workOrderId, 'the override is in the event the audit log stores');
    const [ledger] = await queryRows<{ sum: number }>(stack.garage.domain.dataSource, `SELECT sum(quantity_milli)::float8 AS sum FROM stock_movements WHERE part_id = $1`, [partId]);
    assert.equal(ledger!.sum, -1_000, 'on hand is the sum of the ledger');
  });

  it('a reserved unit is not available: two technicians taking the last available unit at once, one gets it and the other a clear 409', async () => {
    const part = await createPart(stack, admin);
    const partId = String(part['id']);
    await receive(stack, admin, partId, 2_000);
    const held = await sentEstimate(partId, 1_000);
    await expectStatus(approveAll(held), 200);
    const [x, y] = await Promise.all([sentEstimate(partId, 1_000), sentEstimate(partId, 1_000)]);
    for (const e of [x, y]) {
      await expectStatus(post(`${e.path}/estimate/decisions`, e.customer, { decisions: [{ lineId: e.labourLineId, decision: 'approved' }, { lineId: e.partLineId, decision: 'declined' }] }), 200);
      await expectStatus(post(`${e.path}/status`, admin, { status: 'in_progress' }), 200);
    }
    const answers = await Promise.all([x, y].map((e) => post(`${e.path}/parts`, stack.token('technician', e.technicianId), { partId, quantityMilli: 1_000 })));
    assert.deepEqual(answers.map((answer) => answer.status).sort(), [201, 409], JSON.stringify(answers.map((answer) => answer.body)));
    const refused = answers.find((answer) => answer.status === 409)!;
    assert.match(String(refused.body['detail']), /Not enough stock at main: 1 on hand, 1 reserved for other work orders, 1 asked/);
    assert.deepEqual(await level(partId), { onHandMilli: 1_000, reservedMilli: 1_000, availableMilli: 0 });
    assert.equal(await negativeLevels(partId), 0);
    const adjust = await post(`/api/v1/parts/${partId}/movements`, admin, { kind: 'adjustment', quantityMilli: -1_000, reason: 'Inventaire' });
    assert.equal(adjust.status, 409, 'an adjustment cannot take a reserved unit either, without the override');
  });
});
