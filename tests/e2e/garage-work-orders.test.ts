import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { envelopeSchema, parseEventData, type EventEnvelope } from '@ecar/contracts';
import { AMQP_URL, waitFor } from '@ecar/testkit';
import { WORK_ORDER_STATUSES, type WorkOrderStatus } from '@ecar/contracts/requests/garage';
import { canTransition } from '../../services/garage/src/domain/work-order-states.ts';
import { createCustomer, createHousehold, expectStatus, nextPlate, nextSlot, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

let stack: GarageStack;
let admin: string;
let connection: ChannelModel;
let channel: Channel;
const completed: EventEnvelope[] = [];

const post = (path: string, token: string, json?: unknown, headers: Record<string, string> = {}) =>
  stack.call(path, { method: 'POST', token, headers, ...(json === undefined ? {} : { json }) });

/** Drives a fresh work order to `status` through legal steps only. */
async function orderIn(status: WorkOrderStatus): Promise<Household> {
  const h = await createHousehold(stack, admin);
  const wo = `/api/v1/work-orders/${h.workOrderId}`;
  const customer = stack.token('customer', h.userId);
  const steps: Record<WorkOrderStatus, Array<() => Promise<unknown>>> = {
    open: [],
    cancelled: [() => expectStatus(post(`${wo}/status`, admin, { status: 'cancelled' }), 200)],
    estimate_sent: [],
    approved: [() => expectStatus(post(`${wo}/estimate/approve`, customer), 200)],
    declined: [() => expectStatus(post(`${wo}/estimate/decline`, customer), 200)],
    in_progress: [],
    completed: [],
    delivered: [],
    waiting_for_parts: [],
    quality_check: [],
  };
  const toEstimate = [
    () => expectStatus(post(`${wo}/lines`, admin, { kind: 'labour', description: 'Diagnosis', quantityMilli: 1000, unitPriceMillimes: 30_000 }), 201),
    () => expectStatus(post(`${wo}/status`, admin, { status: 'estimate_sent' }), 200),
  ];
  const approved = [...toEstimate, ...steps.approved];
  const inProgress = [...approved, () => expectStatus(post(`${wo}/status`, admin, { status: 'in_progress' }), 200)];
  const done = [...inProgress, () => expectStatus(post(`${wo}/status`, admin, { status: 'completed' }), 200)];
  const path: Record<WorkOrderStatus, Array<() => Promise<unknown>>> = {
    open: [],
    cancelled: steps.cancelled,
    estimate_sent: toEstimate,
    approved,
    declined: [...toEstimate, ...steps.declined],
    in_progress: inProgress,
    completed: done,
    delivered: [...done, () => expectStatus(post(`${wo}/status`, admin, { status: 'delivered' }), 200)],
    waiting_for_parts: [...inProgress, () => expectStatus(post(`${wo}/status`, admin, { status: 'waiting_for_parts' }), 200)],
    quality_check: [...inProgress, () => expectStatus(post(`${wo}/status`, admin, { status: 'quality_check' }), 200)],
  };
  for (const step of path[status]) await step();
  return h;
}

describe('garage work orders: life cycle, estimate approval, time, completion event; appointments capacity', () => {
  before(async () => {
    stack = await startGarageStack('garagewo', { garageEnv: { APPOINTMENT_SLOT_CAPACITY: '2' } });
    admin = stack.token('super-admin');
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
    await channel.assertExchange(stack.bus.exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, stack.bus.exchange, 'garage.workorder.completed');
    await channel.consume(queue, (message) => {
      if (!message) return;
      completed.push(JSON.parse(message.content.toString()) as EventEnvelope);
      channel.ack(message);
    });
  });
  after(async () => {
    await channel?.close();
    await connection?.close();
    await stack?.stop();
  });

  it('runs the whole flow and publishes garage.workorder.completed exactly per the contract', async () => {
    const userId = randomUUID();
    const technicianId = randomUUID();
    const customerToken = stack.token('customer', userId);
    const technician = stack.token('technician', technicianId);
    const customer = await createCustomer(stack, admin, { userId, kind: 'company', name: 'Transports Ben Salah', cin: undefined, taxId: '1234567/X/A/M/000' });
    const vehicle = await expectStatus(
      post('/api/v1/vehicles', customerToken, { customerId: customer['id'], plate: '123456 RS', vin: 'VF1RFB00X56789012', make: 'Renault', model: 'Master', year: 2020, mileageKm: 88000 }),
      201,
    );
    const appointment = await expectStatus(post('/api/v1/appointments', customerToken, { customerId: customer['id'], vehicleId: vehicle['id'], slotStart: nextSlot() }), 201);
    assert.equal(appointment['status'], 'requested');
    assert.equal((await post('/api/v1/work-orders', admin, { appointmentId: appointment['id'], complaint: 'Clutch slips' })).status, 409, 'not confirmed yet');
    await expectStatus(post(`/api/v1/appointments/${String(appointment['id'])}/confirm`, admin), 200);
    const order = await expectStatus(post('/api/v1/work-orders', admin, { appointmentId: appointment['id'], complaint: 'Clutch slips', mileageInKm: 88010, technicianIds: [technicianId] }), 201);
    const wo = `/api/v1/work-orders/${String(order['id'])}`;
    assert.equal(order['status'], 'open');
    assert.equal(order['vehicleId'], vehicle['id']);

    await expectStatus(post(`${wo}/lines`, technician, { kind: 'labour', description: 'Replace clutch kit', quantityMilli: 3500, unitPriceMillimes: 45_000 }), 201);
    await expectStatus(post(`${wo}/lines`, admin, { kind: 'part', description: 'Clutch kit', quantityMilli: 1000, unitPriceMillimes: 620_500, vatRateBp: 1900 }), 201);
    await expectStatus(post(`${wo}/lines`, admin, { kind: 'part', description: 'Gear oil 2L', quantityMilli: 2000, unitPriceMillimes: 18_250, vatRateBp: 700 }), 201);
    const card = await expectStatus(stack.call(wo, { token: admin }), 200);
    assert.deepEqual(card['totals'], {
      netMillimes: 157_500 + 620_500 + 36_500,
      vatMillimes: 29_925 + 117_895 + 2_555,
      grossMillimes: 814_500 + 150_375,
      vatByRate: [
        { vatRateBp: 700, baseMillimes: 36_500, vatMillimes: 2_555 },
        { vatRateBp: 1900, baseMillimes: 778_000, vatMillimes: 147_820 },
      ],
    });

    assert.equal((await post(`${wo}/estimate/approve`, customerToken)).status, 409, 'no estimate sent yet');
    await expectStatus(post(`${wo}/status`, admin, { status: 'estimate_sent' }), 200);
    const approved = await expectStatus(post(`${wo}/estimate/approve`, customerToken, undefined, { 'x-forwarded-for': '197.0.0.1' }), 200);
    assert.equal(approved['status'], 'approved');
    assert.equal(approved['estimateDecision'], 'approved');
    assert.equal(approved['estimateDecidedBy'], userId);
    assert.ok(approved['estimateDecidedAt']);
    assert.equal(approved['estimateDecidedIp'], '197.0.0.1', 'the address the gateway saw (trusted loopback hop)');

    assert.equal((await post(`${wo}/time`, technician, { action: 'clock_in' })).status, 409, 'no time before the work starts');
    await expectStatus(post(`${wo}/status`, technician, { status: 'in_progress' }), 200);
    const clockIn = await expectStatus(post(`${wo}/time`, technician, { action: 'clock_in' }), 200);
    assert.equal(clockIn['endedAt'], null);
    assert.equal((await post(`${wo}/time`, technician, { action: 'clock_in' })).status, 409, 'already clocked in');
    const clockOut = await expectStatus(post(`${wo}/time`, technician, { action: 'clock_out' }), 200);
    assert.ok(clockOut['endedAt']);
    assert.equal((await post(`${wo}/status`, technician, { status: 'delivered' })).status, 403, 'delivery is the garage’s call');
    await expectStatus(post(`${wo}/status`, technician, { status: 'completed' }), 200);

    const event = await waitFor(() => completed.find((item) => (item.data as Record<string, unknown>)['workOrderId'] === order['id']), { what: 'garage.workorder.completed' });
    envelopeSchema.parse(event);
    const data = parseEventData('garage.workorder.completed', event.data);
    assert.equal(event.producer, 'garage');
    assert.deepEqual(event.actor, { userId: technicianId, role: 'technician', ip: '127.0.0.1', userAgent: 'node' });
    assert.equal(data.customerId, customer['id']);
    assert.equal(data.customerUserId, userId);
    assert.deepEqual(data.buyer, { name: 'Transports Ben Salah', kind: 'company', taxId: '1234567/X/A/M/000', address: String(customer['address']), stampExempt: false });
    assert.deepEqual(data.vehicle, { plate: '123456 RS', vin: 'VF1RFB00X56789012', description: 'Renault Master (2020)' });
    assert.deepEqual(
      data.lines.map((line) => [line.kind, line.quantityMilli, line.unitPriceMillimes, line.vatRateBp]),
      [
        ['labour', 3500, 45_000, 1900],
        ['part', 1000, 620_500, 1900],
        ['part', 2000, 18_250, 700],
      ],
    );
    await expectStatus(post(`${wo}/status`, admin, { status: 'delivered' }), 200);
    const history = await expectStatus(stack.call(`/api/v1/vehicles/${String(vehicle['id'])}/history`, { token: customerToken }), 200);
    assert.equal((history['workOrders'] as Array<Record<string, unknown>>)[0]?.['status'], 'delivered');
    assert.equal(completed.filter((item) => (item.data as Record<string, unknown>)['workOrderId'] === order['id']).length, 1);
  });

  it('waiting for parts and quality check (issue #14): the technician of the job moves it, the clock stops while it waits, time is refused then; others cannot', async () => {
    const h = await orderIn('in_progress');
    const wo = `/api/v1/work-orders/${h.workOrderId}`;
    const technician = stack.token('technician', h.technicianId);
    const stranger = stack.token('technician', randomUUID());
    const customer = stack.token('customer', h.userId);
    await expectStatus(post(`${wo}/time`, technician, { action: 'clock_in' }), 200);
    assert.equal((await post(`${wo}/status`, stranger, { status: 'waiting_for_parts' })).status, 404, 'not their job');
    assert.equal((await post(`${wo}/status`, customer, { status: 'waiting_for_parts' })).status, 403);
    const waiting = await expectStatus(post(`${wo}/status`, technician, { status: 'waiting_for_parts' }), 200);
    assert.equal(waiting['status'], 'waiting_for_parts');
    const card = await expectStatus(stack.call(wo, { token: technician }), 200);
    assert.ok((card['timeEntries'] as Array<{ endedAt: string | null }>).every((entry) => entry.endedAt !== null), 'the running clock stopped');
    assert.equal((await post(`${wo}/time`, technician, { action: 'clock_in' })).status, 409, 'no time while waiting for parts');
    assert.equal((await post(`${wo}/status`, technician, { status: 'completed' })).status, 409, 'a waiting job is not completed');
    // Work found while waiting is still put to the customer.
    const found = await expectStatus(post(`${wo}/lines`, technician, { kind: 'part', description: 'Durite', quantityMilli: 1000, unitPriceMillimes: 12_000 }), 201);
    assert.equal(found['approval'], 'awaiting_approval');
    await expectStatus(post(`${wo}/status`, technician, { status: 'in_progress' }), 200);
    await expectStatus(post(`${wo}/status`, technician, { status: 'quality_check' }), 200);
    await expectStatus(post(`${wo}/time`, technician, { action: 'clock_in' }), 200);
    await expectStatus(post(`${wo}/status`, admin, { status: 'in_progress' }), 200);
    await expectStatus(post(`${wo}/status`, admin, { status: 'quality_check' }), 200);
    const done = await expectStatus(post(`${wo}/status`, technician, { status: 'completed' }), 200);
    assert.equal(done['status'], 'completed');
    const invoiced = await waitFor(() => completed.find((item) => (item.data as Record<string, unknown>)['workOrderId'] === h.workOrderId));
    assert.deepEqual(
      parseEventData('garage.workorder.completed', invoiced.data).lines.map((line) => line.description),
      ['Diagnosis'],
      'the line found while waiting was not approved: not invoiced',
    );
    const rows: Array<{ payload: string }> = await stack.garage.domain.dataSource.query(`SELECT payload FROM outbox_events WHERE type = 'garage.workorder.status_changed' ORDER BY seq`);
    const moves = rows.map((row) => parseEventData('garage.workorder.status_changed', JSON.parse(row.payload).data)).filter((data) => data.workOrderId === h.workOrderId);
    assert.deepEqual(
      moves.map((data) => `${data.from}→${data.status}`).slice(-6),
      ['in_progress→waiting_for_parts', 'waiting_for_parts→in_progress', 'in_progress→quality_check', 'quality_check→in_progress', 'in_progress→quality_check', 'quality_check→completed'],
    );
  });

  it('refuses every transition the life cycle does not allow, and leaves the order unchanged', async () => {
    const failures: string[] = [];
    await Promise.all(
      WORK_ORDER_STATUSES.map(async (from) => {
        const h = await orderIn(from);
        const wo = `/api/v1/work-orders/${h.workOrderId}`;
        for (const to of WORK_ORDER_STATUSES) {
          if (to === 'approved' || to === 'declined') {
            // Only the estimate decision reaches these, and only from estimate_sent.
            const viaStatus = await post(`${wo}/status`, admin, { status: to });
            if (viaStatus.status !== 403) failures.push(`${from} → ${to} via status: ${viaStatus.status}`);
            if (from !== 'estimate_sent') {
              const decision = await post(`${wo}/estimate/${to === 'approved' ? 'approve' : 'decline'}`, stack.token('customer', h.userId));
              if (decision.status !== 409) failures.push(`${from} → ${to} via decision: ${decision.status}`);
            }
            continue;
          }
          if (canTransition(from, to)) continue;
          const response = await post(`${wo}/status`, admin, { status: to });
          if (response.status !== 409) failures.push(`${from} → ${to}: ${response.status}`);
        }
        const after = await expectStatus(stack.call(wo, { token: admin }), 200);
        if (after['status'] !== from) failures.push(`${from} changed to ${String(after['status'])}`);
      }),
    );
    assert.deepEqual(failures, []);
  });

  it('never books a slot beyond capacity, even under concurrent requests; cancelling frees a place', async () => {
    const customer = await createCustomer(stack, admin);
    const slotStart = nextSlot();
    const attempts = await Promise.all(Array.from({ length: 6 }, () => post('/api/v1/appointments', admin, { customerId: customer['id'], slotStart })));
    const statuses = attempts.map((attempt) => attempt.status).sort();
    assert.deepEqual(statuses, [201, 201, 409, 409, 409, 409]);
    const other = await expectStatus(post('/api/v1/appointments', admin, { customerId: customer['id'], slotStart: nextSlot() }), 201);
    assert.equal((await post(`/api/v1/appointments/${String(other['id'])}/reschedule`, admin, { slotStart })).status, 409, 'reschedule into a full slot');
    const booked = attempts.find((attempt) => attempt.status === 201)!;
    await expectStatus(post(`/api/v1/appointments/${String(booked.body['id'])}/cancel`, admin), 200);
    await expectStatus(post(`/api/v1/appointments/${String(other['id'])}/reschedule`, admin, { slotStart }), 200);
    const misaligned = new Date(Date.parse(nextSlot()) + 60_000).toISOString();
    assert.equal((await post('/api/v1/appointments', admin, { customerId: customer['id'], slotStart: misaligned })).status, 400);
    assert.equal((await post('/api/v1/appointments', admin, { customerId: customer['id'], slotStart: '2020-01-01T10:00:00Z' })).status, 400, 'past');
  });

  it('validates vehicles: plate and VIN formats, unique plate, mileage never goes down, next-service reminder', async () => {
    const customer = await createCustomer(stack, admin);
    const base = { customerId: customer['id'], make: 'Fiat', model: 'Panda', year: 2015, mileageKm: 100_000 };
    assert.equal((await post('/api/v1/vehicles', admin, { ...base, plate: '12 TN 34' })).status, 400);
    assert.equal((await post('/api/v1/vehicles', admin, { ...base, plate: nextPlate(), vin: 'VF1RFB00I56789012' })).status, 400);
    const plate = nextPlate();
    const vehicle = await expectStatus(post('/api/v1/vehicles', admin, { ...base, plate, nextServiceMileageKm: 110_000 }), 201);
    assert.equal(vehicle['serviceDue'], false);
    assert.equal((await post('/api/v1/vehicles', admin, { ...base, plate })).status, 409, 'plate already registered');
    const racedPlate = nextPlate();
    const raced = await Promise.all(Array.from({ length: 5 }, () => post('/api/v1/vehicles', admin, { ...base, plate: racedPlate })));
    assert.deepEqual(raced.map((response) => response.status).sort(), [201, 409, 409, 409, 409], 'concurrent registrations of one plate: one wins, never a 500');
    const path = `/api/v1/vehicles/${String(vehicle['id'])}`;
    assert.equal((await stack.call(path, { method: 'PATCH', token: admin, json: { mileageKm: 90_000 } })).status, 409);
    const due = await expectStatus(stack.call(path, { method: 'PATCH', token: admin, json: { mileageKm: 110_500 } }), 200);
    assert.equal(due['serviceDue'], true);
  });
});
