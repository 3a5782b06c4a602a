import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Role } from '@ecar/contracts';
import { accessMatrixTests, owned, reach, same, type MatrixCase } from '../support/access-matrix.ts';
import { advanceWorkOrder, createCustomer, createHousehold, nextPlate, nextSlot, PDF, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { nextReference, withStock, type Stocked } from '../support/stock-fixtures.ts';

/**
 * AUTH-4/AUTH-6 (OWASP API1/API3): every garage route × every role × own / someone else's object.
 * The caller is always household A's customer, A's assigned technician, or a super-admin; "own"
 * targets household A's objects, "other" household B's. The tests are generated from ONE table
 * keyed by the service's own route table (tests/support/access-matrix.ts).
 */

let stack: GarageStack;
let admin: string;

const ADMIN_ONLY = (status: number) => ({ 'super-admin': same(status), technician: same(403), customer: same(403) });

const MATRIX: Record<string, MatrixCase<Household & Stocked>> = {
  // Issue 15: the counter search is the super-admin's; a technician or customer is refused whatever they search.
  'GET /api/v1/customers/search': {
    path: (h) => `/api/v1/customers/search?q=${encodeURIComponent(h.plate)}&kind=plate`,
    listedId: (h) => h.customerId,
    expect: { 'super-admin': same('listed'), technician: same(403), customer: same(403) },
  },
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
  // Estimates (issue #14): the world's first line, found once its order is prepared.
  'PATCH /api/v1/work-orders/:id/lines/:lineId': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/lines/${firstLine.get(h.workOrderId)}`,
    prepare: (h) => withLine(h),
    body: () => ({ description: 'Brake pads (front set)' }),
    expect: reach(200, 200, 'role-denied'),
  },
  'DELETE /api/v1/work-orders/:id/lines/:lineId': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/lines/${firstLine.get(h.workOrderId)}`,
    prepare: (h) => withLine(h),
    isolated: true,
    expect: reach(204, 204, 'role-denied'),
  },
  'POST /api/v1/work-orders/:id/estimate/decisions': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/estimate/decisions`,
    prepare: (h) => withLine(h, 'estimate_sent'),
    isolated: true,
    body: (h) => ({ decisions: answerEveryLine(h) }),
    expect: { 'super-admin': same(403), technician: same(403), customer: owned(200) },
  },
  'POST /api/v1/work-orders/:id/estimate/recorded-decisions': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/estimate/recorded-decisions`,
    prepare: (h) => withLine(h, 'estimate_sent'),
    isolated: true,
    body: (h) => ({
      decisions: answerEveryLine(h),
      method: 'phone',
      givenBy: 'The customer',
      givenAt: new Date(Date.now() - 60_000).toISOString(),
      customerWords: 'Yes, go ahead',
    }),
    expect: reach(200, 'role-denied', 'role-denied'),
  },
  'GET /api/v1/work-orders/:id/estimate/versions': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/estimate/versions`,
    prepare: (h) => withLine(h, 'estimate_sent'),
    expect: reach(200, 'role-denied', 'role-denied'),
  },
  // The estimate PDF (issue #14): staff and the customer of the order, once the estimate was sent.
  'GET /api/v1/work-orders/:id/estimate/pdf': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/estimate/pdf?lang=ar`,
    prepare: (h) => withLine(h, 'estimate_sent'),
    expect: reach(200, 'role-denied', 200),
  },
  // Parts, stock and canned jobs (issue 14): the catalogue is the garage's, not a household's, so own and other answer alike.
  'GET /api/v1/parts': { path: (h) => `/api/v1/parts?q=${encodeURIComponent(h.partReference)}`, listedId: (h) => h.partId, expect: { 'super-admin': same('listed'), technician: same('listed'), customer: same(403) } },
  'POST /api/v1/parts': {
    path: () => '/api/v1/parts',
    body: () => ({ reference: nextReference(), brand: 'Valeo', description: 'Plaquettes avant', purchasePriceMillimes: 30_000, sellingPriceMillimes: 52_000, vatRateBp: 1900 }),
    expect: { 'super-admin': same(201), technician: same(403), customer: same(403) },
  },
  'GET /api/v1/parts/:id': { path: (h) => `/api/v1/parts/${h.partId}`, expect: { 'super-admin': same(200), technician: same(200), customer: same(403) } },
  'PATCH /api/v1/parts/:id': { path: (h) => `/api/v1/parts/${h.partId}`, body: () => ({ description: 'Filtre à huile (moteur essence)' }), expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  'GET /api/v1/parts/:id/movements': { path: (h) => `/api/v1/parts/${h.partId}/movements`, expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  'POST /api/v1/parts/:id/movements': {
    path: (h) => `/api/v1/parts/${h.partId}/movements`,
    body: () => ({ kind: 'receipt', quantityMilli: 1000 }),
    expect: { 'super-admin': same(201), technician: same(403), customer: same(403) },
  },
  'GET /api/v1/parts/:id/reservations': { path: (h) => `/api/v1/parts/${h.partId}/reservations`, expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  'GET /api/v1/stock/low': { path: () => '/api/v1/stock/low', expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  'GET /api/v1/work-orders/:id/parts': { path: (h) => `/api/v1/work-orders/${h.workOrderId}/parts`, expect: reach(200, 200, 'role-denied') },
  'POST /api/v1/work-orders/:id/parts': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/parts`,
    body: (h) => ({ partId: h.partId, quantityMilli: 1000 }),
    expect: reach(201, 201, 'role-denied'),
  },
  'POST /api/v1/work-orders/:id/lines/:lineId/consume': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/lines/${h.partLineId}/consume`,
    prepare: (h) => advanceWorkOrder(stack, admin, h, 'in_progress'),
    isolated: true,
    body: () => ({ location: 'main' }),
    expect: reach(201, 201, 'role-denied'),
  },
  'GET /api/v1/canned-jobs': { path: () => '/api/v1/canned-jobs', expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  'POST /api/v1/canned-jobs': {
    path: () => '/api/v1/canned-jobs',
    body: (h) => ({ name: 'Plaquettes avant', labourHoursMilli: 1000, labourRateMillimes: 40_000, parts: [{ partId: h.partId, quantityMilli: 2000 }] }),
    expect: { 'super-admin': same(201), technician: same(403), customer: same(403) },
  },
  'GET /api/v1/canned-jobs/:id': { path: (h) => `/api/v1/canned-jobs/${h.cannedJobId}`, expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  'PUT /api/v1/canned-jobs/:id': {
    path: (h) => `/api/v1/canned-jobs/${h.cannedJobId}`,
    body: (h) => ({ name: 'Vidange 5W30', labourHoursMilli: 500, labourRateMillimes: 42_000, parts: [{ partId: h.partId, quantityMilli: 1000 }] }),
    expect: { 'super-admin': same(200), technician: same(403), customer: same(403) },
  },
  'POST /api/v1/work-orders/:id/canned-jobs': {
    path: (h) => `/api/v1/work-orders/${h.workOrderId}/canned-jobs`,
    body: (h) => ({ cannedJobId: h.cannedJobId }),
    expect: reach(201, 'role-denied', 'role-denied'),
  },
  'GET /api/v1/suppliers': { path: () => '/api/v1/suppliers', expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  'POST /api/v1/suppliers': { path: () => '/api/v1/suppliers', body: () => ({ name: 'Tunis Auto Distribution' }), expect: { 'super-admin': same(201), technician: same(403), customer: same(403) } },
  'GET /api/v1/purchase-orders': { path: () => '/api/v1/purchase-orders', expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  'POST /api/v1/purchase-orders': {
    path: () => '/api/v1/purchase-orders',
    body: (h) => ({ supplierId: h.supplierId, lines: [{ partId: h.partId, quantityMilli: 2000 }] }),
    expect: { 'super-admin': same(201), technician: same(403), customer: same(403) },
  },
  'GET /api/v1/purchase-orders/:id': { path: (h) => `/api/v1/purchase-orders/${h.purchaseOrderId}`, expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  'POST /api/v1/purchase-orders/:id/order': { path: (h) => `/api/v1/purchase-orders/${h.purchaseOrderId}/order`, isolated: true, expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  'POST /api/v1/purchase-orders/:id/receive': {
    path: (h) => `/api/v1/purchase-orders/${h.purchaseOrderId}/receive`,
    prepare: async (h) => void (await stack.call(`/api/v1/purchase-orders/${h.purchaseOrderId}/order`, { method: 'POST', token: admin })),
    isolated: true,
    expect: { 'super-admin': same(200), technician: same(403), customer: same(403) },
  },
  'POST /api/v1/purchase-orders/:id/receipts': {
    path: (h) => `/api/v1/purchase-orders/${h.purchaseOrderId}/receipts`,
    prepare: async (h) => void (await stack.call(`/api/v1/purchase-orders/${h.purchaseOrderId}/order`, { method: 'POST', token: admin })),
    body: () => ({ receiptId: randomUUID(), lines: [{ position: 0, quantityMilli: 1000 }] }),
    isolated: true,
    expect: { 'super-admin': same(200), technician: same(403), customer: same(403) },
  },
  'POST /api/v1/purchase-orders/:id/cancel': { path: (h) => `/api/v1/purchase-orders/${h.purchaseOrderId}/cancel`, isolated: true, expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  // Planning (issue 14): the super-admin's, except the free slots (customers book online with them).
  'GET /api/v1/bays': { path: () => '/api/v1/bays', expect: ADMIN_ONLY(200) },
  'POST /api/v1/bays': { path: () => '/api/v1/bays', body: () => ({ name: `Pont ${randomUUID().slice(0, 8)}` }), expect: ADMIN_ONLY(201) },
  'PATCH /api/v1/bays/:id': { path: (h) => `/api/v1/bays/${planOf(h).bayId}`, prepare: plan, body: () => ({ note: 'Élévateur 3 t' }), expect: ADMIN_ONLY(200) },
  'DELETE /api/v1/bays/:id': { path: (h) => `/api/v1/bays/${planOf(h).bayId}`, prepare: plan, expect: ADMIN_ONLY(204) },
  'GET /api/v1/technicians/:id/schedule': { path: (h) => `/api/v1/technicians/${h.technicianId}/schedule`, expect: ADMIN_ONLY(200) },
  'PUT /api/v1/technicians/:id/hours': { path: (h) => `/api/v1/technicians/${h.technicianId}/hours`, body: () => ({ hours: [{ weekday: 1, start: '08:00', end: '12:00' }] }), expect: ADMIN_ONLY(200) },
  'POST /api/v1/technicians/:id/absences': {
    path: (h) => `/api/v1/technicians/${h.technicianId}/absences`,
    body: () => ({ startsAt: '2031-01-06T08:00:00+01:00', endsAt: '2031-01-06T12:00:00+01:00', reason: 'Formation' }),
    expect: ADMIN_ONLY(201),
  },
  'DELETE /api/v1/technicians/:id/absences/:absenceId': { path: (h) => `/api/v1/technicians/${planOf(h).technicianId}/absences/${planOf(h).absenceId}`, prepare: plan, expect: ADMIN_ONLY(204) },
  'GET /api/v1/planning/day': { path: () => '/api/v1/planning/day?date=2031-01-06', expect: ADMIN_ONLY(200) },
  'GET /api/v1/planning/replanning': { path: () => '/api/v1/planning/replanning', expect: ADMIN_ONLY(200) },
  'GET /api/v1/planning/free-slots': {
    path: () => `/api/v1/planning/free-slots?from=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 2 * 86_400_000).toISOString())}`,
    expect: { 'super-admin': same(200), technician: same(403), customer: same(200) },
  },
  'GET /api/v1/planning/settings': { path: () => '/api/v1/planning/settings', expect: ADMIN_ONLY(200) },
  // Writes the value already set: the matrix's appointments keep the per-slot capacity.
  'PUT /api/v1/planning/settings': { path: () => '/api/v1/planning/settings', body: () => ({ onlineBooking: 'capacity', bookingMinutes: 60 }), expect: ADMIN_ONLY(200) },
  'POST /api/v1/appointments/:id/schedule': { path: (h) => `/api/v1/appointments/${h.appointmentId}/schedule`, prepare: plan, body: (h) => placement(h), expect: reach(200, 'role-denied', 'role-denied') },
  'POST /api/v1/work-orders/:id/schedule': { path: (h) => `/api/v1/work-orders/${h.workOrderId}/schedule`, prepare: plan, body: (h) => placement(h), expect: reach(200, 'role-denied', 'role-denied') },
  'POST /api/v1/bookings/:id/cancel': {
    path: (h) => `/api/v1/bookings/${planOf(h).bookingId}/cancel`,
    prepare: async (h) => {
      await plan(h);
      const booked = await stack.call(`/api/v1/work-orders/${h.workOrderId}/schedule`, { method: 'POST', token: admin, json: placement(h) });
      assert.equal(booked.status, 200, JSON.stringify(booked.body));
      planOf(h).bookingId = String(booked.body['id']);
    },
    expect: ADMIN_ONLY(200),
  },
  // Reminders (issue 15): the due-soon list is the super-admin's; a customer sees due dates on their own vehicles (GET /api/v1/vehicles/:id).
  'GET /api/v1/reminders/due-soon': { path: () => '/api/v1/reminders/due-soon?withinDays=30', expect: { 'super-admin': same(200), technician: same(403), customer: same(403) } },
  // Plate claims (issue 12, finding 5): the garage's queue, for the super-admin only.
  'GET /api/v1/plate-claims': {
    path: () => '/api/v1/plate-claims?status=pending&limit=100',
    prepare: (h) => withClaim(h),
    listedId: (h) => String(claims.get(h.customerId)),
    expect: { 'super-admin': same('listed'), technician: same(403), customer: same(403) },
  },
  'POST /api/v1/plate-claims/:id/accept': {
    path: (h) => `/api/v1/plate-claims/${claims.get(h.customerId)}/accept`,
    prepare: (h) => withClaim(h),
    isolated: true,
    expect: { 'super-admin': same(200), technician: same(403), customer: same(403) },
  },
  'POST /api/v1/plate-claims/:id/refuse': {
    path: (h) => `/api/v1/plate-claims/${claims.get(h.customerId)}/refuse`,
    prepare: (h) => withClaim(h),
    isolated: true,
    expect: { 'super-admin': same(200), technician: same(403), customer: same(403) },
  },
  // The maintenance book (issue 15): staff and the vehicle's owner; the book is reached through its own vehicle.
  'POST /api/v1/vehicles/:id/maintenance-books': { path: (h) => `/api/v1/vehicles/${h.vehicleId}/maintenance-books`, expect: reach(201, 'role-denied', 201) },
  'GET /api/v1/vehicles/:id/maintenance-books/:bookId': {
    path: (h) => `/api/v1/vehicles/${h.vehicleId}/maintenance-books/${books.get(h.vehicleId)}`,
    prepare: (h) => withBook(h),
    expect: reach(200, 'role-denied', 200),
  },
  'GET /api/v1/vehicles/:id/maintenance-books/:bookId/pdf': {
    path: (h) => `/api/v1/vehicles/${h.vehicleId}/maintenance-books/${books.get(h.vehicleId)}/pdf`,
    prepare: (h) => withBook(h),
    expect: reach(200, 'role-denied', 200),
  },
};

/** Planning objects of a prepared world: its own bay, a technician at work all week, an absence, a booking. */
interface Plan {
  bayId: string;
  technicianId: string;
  absenceId: string;
  start: string;
  bookingId?: string;
}
const plans = new Map<string, Plan>();
const planOf = (h: Household): Plan => plans.get(h.workOrderId) ?? { bayId: randomUUID(), technicianId: randomUUID(), absenceId: randomUUID(), start: nextSlot() };
const placement = (h: Household) => ({ technicianId: planOf(h).technicianId, bayId: planOf(h).bayId, start: planOf(h).start, durationMinutes: 30 });
async function plan(h: Household): Promise<void> {
  const bay = await stack.call('/api/v1/bays', { method: 'POST', token: admin, json: { name: `Pont ${randomUUID().slice(0, 8)}` } });
  const technicianId = randomUUID();
  const week = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
  await stack.call(`/api/v1/technicians/${technicianId}/hours`, { method: 'PUT', token: admin, json: { hours: week } });
  const absence = await stack.call(`/api/v1/technicians/${technicianId}/absences`, {
    method: 'POST',
    token: admin,
    json: { startsAt: '2031-01-06T08:00:00+01:00', endsAt: '2031-01-06T12:00:00+01:00', reason: 'Formation' },
  });
  plans.set(h.workOrderId, { bayId: String(bay.body['id']), technicianId, absenceId: String(absence.body['id']), start: nextSlot() });
}

/** The plate claim each prepared world's customer made on someone else's vehicle. */
const claims = new Map<string, string>();

async function withClaim(h: Household): Promise<void> {
  const holder = await createCustomer(stack, admin);
  const plate = nextPlate();
  const vehicle = await stack.call('/api/v1/vehicles', { method: 'POST', token: admin, json: { customerId: holder['id'], plate, make: 'Fiat', model: 'Punto', year: 2012, mileageKm: 150000 } });
  assert.equal(vehicle.status, 201, JSON.stringify(vehicle.body));
  const claim = await stack.call('/api/v1/vehicles', {
    method: 'POST',
    token: stack.token('customer', h.userId),
    json: { customerId: h.customerId, plate, make: 'Fiat', model: 'Punto', year: 2012, mileageKm: 150000 },
  });
  assert.equal(claim.status, 202, JSON.stringify(claim.body));
  claims.set(h.customerId, String((claim.body['claim'] as Record<string, unknown>)['id']));
}

/** The book issued for each prepared world's vehicle (issue 15). */
const books = new Map<string, string>();
async function withBook(h: Household): Promise<void> {
  const issued = await stack.call(`/api/v1/vehicles/${h.vehicleId}/maintenance-books`, { method: 'POST', token: admin });
  books.set(h.vehicleId, String((issued.body['book'] as Record<string, unknown>)['bookId']));
}

/** The first line of each prepared world's work order (estimate routes address a line). */
const firstLine = new Map<string, string>();
/** Every line of it: an answer to the estimate covers each one (the world holds a part line too). */
const allLines = new Map<string, string[]>();
const answerEveryLine = (h: Household) => (allLines.get(h.workOrderId) ?? [randomUUID()]).map((lineId) => ({ lineId, decision: 'approved' }));

async function withLine(h: Household, to?: 'estimate_sent'): Promise<void> {
  if (to) await advanceWorkOrder(stack, admin, h, to);
  else await stack.call(`/api/v1/work-orders/${h.workOrderId}/lines`, { method: 'POST', token: admin, json: { kind: 'labour', description: 'Brake pads', quantityMilli: 1000, unitPriceMillimes: 90_000 } });
  const card = await stack.call(`/api/v1/work-orders/${h.workOrderId}`, { token: admin });
  const lines = card.body['lines'] as Array<{ id: string }>;
  firstLine.set(h.workOrderId, String(lines[0]?.id));
  allLines.set(h.workOrderId, lines.map((line) => line.id));
}

function tokenFor(role: Role, caller: Household): string {
  if (role === 'customer') return stack.token('customer', caller.userId);
  if (role === 'technician') return stack.token('technician', caller.technicianId);
  return admin;
}

async function call(id: string, household: Household, token: string) {
  const row = MATRIX[id]!;
  return stack.call(row.path(household as Household & Stocked), { method: id.split(' ')[0]!, token });
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
      // The internal routes (notify's contact lookups) are not for tokens: tests/e2e/notify.test.ts covers them;
      // the public ones (maintenance book keys and verification) take none: tests/e2e/maintenance-book.test.ts.
      routes: () => stack.garage.routes.filter((entry) => !entry.path.startsWith('/internal/') && entry.roles !== 'public'),
      urls: () => [stack.garage.url],
      world: async () => withStock(stack, admin, await createHousehold(stack, admin)),
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
