import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { advanceWorkOrder, createHousehold, expectStatus } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

/** Issue 12, finding 7: a technician's job card carries no customer address (estimateDecidedIp). */
let stack: GarageStack;
let admin: string;

describe('technician data minimisation (issue 12, finding 7)', () => {
  before(async () => {
    stack = await startGarageStack('garagemin');
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('the estimate decision’s address reaches the garage, never the technician (card, list, their own changes)', async () => {
    const h = await createHousehold(stack, admin);
    await advanceWorkOrder(stack, admin, h, 'approved');
    const path = `/api/v1/work-orders/${h.workOrderId}`;
    const forAdmin = await expectStatus(stack.call(path, { token: admin }), 200);
    assert.ok(forAdmin['estimateDecidedIp'], 'the garage sees the address it recorded');
    const technician = stack.token('technician', h.technicianId);
    const card = await expectStatus(stack.call(path, { token: technician }), 200);
    assert.equal(card['estimateDecidedIp'], null);
    assert.ok(!JSON.stringify(card).includes(String(forAdmin['estimateDecidedIp'])), 'the address appears nowhere in the card');
    const list = await expectStatus(stack.call(`/api/v1/work-orders?vehicleId=${h.vehicleId}`, { token: technician }), 200);
    const rows = list['items'] as Array<Record<string, unknown>>;
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!['estimateDecidedIp'], null);
    const started = await expectStatus(stack.call(`${path}/status`, { method: 'POST', token: technician, json: { status: 'in_progress' } }), 200);
    assert.equal(started['estimateDecidedIp'], null);
  });
});
