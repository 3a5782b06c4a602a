import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Role } from '@ecar/contracts';
import { accessMatrixTests, owned, reach, same, type MatrixCase } from '../support/access-matrix.ts';
import { advanceWorkOrder, createHousehold, nextPlate, nextSlot, PDF, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

/**
 * AUTH-4/AUTH-6 (OWASP API1/API3): every garage route × every role × own / someone else's object.
 * The caller is always household A's customer, A's assigned technician, or a super-admin; "own"
 * targets household A's objects, "other" household B's. The tests are generated from ONE table
 * keyed by the service's own route table (tests/support/access-matrix.ts).
 */

let stack: GarageStack;
let admin: string;

const MATRIX: Record<string, MatrixCase<Household>> = {
  'GET /api/v1/customers': { path: (h) => `/api/v1/customers?phone=${encodeURIComponent(h.phone)}`, listedId: (h) => h.customerId, expect: reach('listed', 'listed', 'listed') },
  'POST /api/v1/customers': {
    path: () => '/api/v1/customers',
    body: () => ({ kind: 'person', name: 'Walk-in', phone: '+21620000000' }),
    expect: { 'super-admin': same(201), technician: same(403), customer: same(403) },
  },
  'GET /api/v1/customers/:id': { path: (h) => `/api/v1/customers/${h.customerId}`, expect: reach(200, 200, 200) },
  'PATCH /api/v1/customers/:id': { path: (h) => `/api/v1/customers/${h.customerId}`, body: () => ({ address: '9 rue de Marseille, Tunis' }), expect: reach(200, 'role-denied', 200) },
  'POST /api/v1/customers/:id/consent': {
    path: (h) => `/api/v1/customers/${h.customerId}/consent`,
    body: () => ({ given: true, method: 'electronic' }),
    expect: reach(200, 'role-denied', 200),
  },
  // 409: reached, but refused because the household has an open work order.
  'POST /api/v1/customers/:id/anonymise': { path: (h) => `/api/v1/customers/${h.customerId}/anonymise`, expect: reach(409, 'role-denied', 'role-denied') },
  'GET /api/v1/customers/:id/export': { path: (h) => `/api/v1/customers/${h.customerId}/export`, expect: reach(200, 'role-denied', 200) },
  'GET /api/v1/vehicles': { path: (h) => `/api/v1/vehicles?plate=${encodeURIComponent(h.plate)}`, listedId: (h) => h.vehicleId, expect: reach('listed', 'listed', 'listed') },
  'POST /api/v1/vehicles': {
    path: () => '/api/v1/vehicles',
    body: (h) => ({ customerId: h.customerId, plate: nextPlate(), make: 'Dacia', model: 'Logan', year: 2020, mileageKm: 10 }),
    expect: reach(201, 'role-denied', 201),
  },
  'GET /api/v1/vehicles/:id': { path: (h) => `/api/v1/vehicles/${h.vehicleId}`, expect: reach(200, 200, 200) },
  'PATCH /api/v1/vehicles/:id': { path: (h) => `/api/v1/vehicles/${h.vehicleId}`, body: () => ({ mileageKm: 60000 }), expect: reach(200, 'role-denied', 200) },
  'GET /api/v1/vehicles/:id/history': { path: (h) => `/api/v1/vehicles/${h.vehicleId}/history`, expect: reach(200, 200, 200) },
  'GET /api/v1/vehicles/:id/documents': { path: (h) => `/api/v1/vehicles/${h.vehicleId}/documents`, expect: reach(200, 'role-denied', 200) },
  'POST /api/v1/vehicles/:id/documents': { path: (h) => `/api/v1/vehicles/${h.vehicleId}/documents`, upload: { contentType: 'application/pdf', body: PDF }, expect: reach(201, 'role-denied', 201) },
  'GET /api/v1/documents/:id': { path: (h) => `/api/v1/documents/${h.documentId}`, expect: reach(200, 'role-denied', 200) },
  'GET /api/v1/appointments': {
    path: (h) => `/api/v1/appointments?from=${encodeURIComponent(h.slotStart)}&to=${encodeURIComponent(new Date(Date.parse(h.slotStart) + 1000).toISOString())}`,
    listedId: (h) => h.appointmentId,
    expect: reach('listed', 'role-denied', 'listed'),
  },
  'POST /api/v1/appointments': { path: () => '/api/v1/appointments', body: (h) => ({ customerId: h.customerId, slotStart: nextSlot() }), expect: reach(201, 'role-denied', 201) },
  'GET /api/v1/appointments/:id': { path: (h) => `/api/v1/appointments/${h.appointmentId}`, expect: reach(200, 'role-denied', 200) },
  'POST /api/v1/appointments/:id/confirm': { path: (h) => `/api/v1/appointments/${h.appointmentId}/confirm`, expect: reach(200, 'role-denied', 'role-denied') },
  'POST /api/v1/appointments/:id/reschedule': {
    path: (h) => `/api/v1/appointments/${h.appointmentId}/reschedule`,
    body: () => ({ slotStart: nextSlot() }),
    expect: reach(200, 'role-denied', 'role-denied'),
  },
  'POST /api/v1/appointments/:id/cancel': { path: (h) => `/api/v1/appointments/${h.appointmentId}/cancel`, isolated: true, expect: reach(200, 'role-denied', 200) },
  'GET /api/v1/work-orders': { path: (h) => `/api/v1/work-orders?vehicleId=${h.vehicleId}`, listedId: (h) => h.workOrderId, expect: reach('listed', 'listed', 'listed') },
  'POST /api/v1/work-orders': {
    path: () => '/api/v1/work-orders',
    body: (h) => ({ customerId: h.customerId, vehicleId: h.vehicleId, complaint: 'Oil change' }),
    expect: reach(201, 'role-denied', 'role-denied'),
  },
  'GET /api/v1/work-orders/:id': { path: (h) => `/api/v1/work-orders/${h.workOrderId}`, expect: reach(200, 200, 200) },
  'POST /api/v1/work-orders/:id/assign': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/assign`,
    body: () => ({ technicianIds: [randomUUID()] }),
    expect: reach(200, 'role-denied', 'role-denied'),
  },
  'POST /api/v1/work-orders/:id/status': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/status`,
    prepare: (h) => advanceWorkOrder(stack, admin, h, 'approved'),
    isolated: true,
    body: () => ({ status: 'in_progress' }),
    expect: reach(200, 200, 'role-denied'),
  },
  'POST /api/v1/work-orders/:id/lines': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/lines`,
    body: () => ({ kind: 'part', description: 'Brake pads (set)', quantityMilli: 1000, unitPriceMillimes: 120_000, vatRateBp: 1900 }),
    expect: reach(201, 201, 'role-denied'),
  },
  'POST /api/v1/work-orders/:id/time': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/time`,
    prepare: (h) => advanceWorkOrder(stack, admin, h, 'in_progress'),
    body: () => ({ action: 'clock_in' }),
    expect: { 'super-admin': same(403), technician: owned(200), customer: same(403) },
  },
  'POST /api/v1/work-orders/:id/estimate/approve': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/estimate/approve`,
    prepare: (h) => advanceWorkOrder(stack, admin, h, 'estimate_sent'),
    isolated: true,
    expect: reach(200, 'role-denied', 200),
  },
  'POST /api/v1/work-orders/:id/estimate/decline': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/estimate/decline`,
    prepare: (h) => advanceWorkOrder(stack, admin, h, 'estimate_sent'),
    isolated: true,
    expect: reach(200, 'role-denied', 200),
  },
};

function tokenFor(role: Role, caller: Household): string {
  if (role === 'customer') return stack.token('customer', caller.userId);
  if (role === 'technician') return stack.token('technician', caller.technicianId);
  return admin;
}

async function call(id: string, household: Household, token: string) {
  const row = MATRIX[id]!;
  return stack.call(row.path(household), { method: id.split(' ')[0]!, token });
}

describe('garage access-control matrix: every route × role × own/other', () => {
  before(async () => {
    stack = await startGarageStack('garagematrix');
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  accessMatrixTests(
    {
      // The internal routes (notify's contact lookups) are not for tokens: tests/e2e/notify.test.ts covers them.
      routes: () => stack.garage.routes.filter((entry) => !entry.path.startsWith('/internal/')),
      urls: () => [stack.garage.url],
      world: () => createHousehold(stack, admin),
      token: tokenFor,
    },
    MATRIX,
  );

  it('a technician sees only the name and phone of the customer of their job', async () => {
    const household = await createHousehold(stack, admin);
    const technician = stack.token('technician', household.technicianId);
    const customer = await call('GET /api/v1/customers/:id', household, technician);
    assert.equal(customer.status, 200);
    assert.deepEqual(Object.keys(customer.body).sort(), ['id', 'name', 'phone']);
    const order = await call('GET /api/v1/work-orders/:id', household, technician);
    assert.deepEqual(Object.keys(order.body['customer'] as object).sort(), ['id', 'name', 'phone']);
    const list = await stack.call('/api/v1/customers', { token: technician });
    assert.deepEqual((list.body['items'] as Array<Record<string, unknown>>).map((item) => Object.keys(item).sort()), [['id', 'name', 'phone']]);
  });

  it('lists cap the page size and refuse a larger one', async () => {
    for (const path of ['/api/v1/customers', '/api/v1/vehicles', '/api/v1/appointments', '/api/v1/work-orders']) {
      assert.equal((await stack.call(`${path}?limit=101`, { token: admin })).status, 400, path);
      assert.equal((await stack.call(`${path}?limit=100`, { token: admin })).status, 200, path);
    }
  });
});
