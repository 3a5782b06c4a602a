import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import type { GarageStack } from './garage-stack.ts';

/** One customer with an account, a vehicle, a document, an appointment and a work order assigned to one technician. */
export interface Household {
  userId: string;
  technicianId: string;
  customerId: string;
  vehicleId: string;
  documentId: string;
  appointmentId: string;
  workOrderId: string;
  plate: string;
  phone: string;
  slotStart: string;
}

export const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('1 0 obj << /Type /Catalog >> endobj\n'.repeat(40)), Buffer.from('%%EOF\n')]);

let plateSerial = 100;
let slotSerial = 0;

export function nextPlate(): string {
  plateSerial += 1;
  return `${plateSerial} TU ${1000 + plateSerial}`;
}

/** A distinct future slot on a 30-minute boundary, so fixtures never compete for capacity. */
export function nextSlot(): string {
  slotSerial += 1;
  const base = Math.ceil(Date.now() / 1_800_000) * 1_800_000 + 86_400_000;
  return new Date(base + slotSerial * 1_800_000 * 7).toISOString();
}

export async function expectStatus(response: Promise<{ status: number; body: Record<string, unknown> }>, status: number): Promise<Record<string, unknown>> {
  const result = await response;
  assert.equal(result.status, status, JSON.stringify(result.body));
  return result.body;
}

export async function createCustomer(stack: GarageStack, admin: string, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const n = Math.floor(Math.random() * 1e8).toString().padStart(8, '0');
  return expectStatus(
    stack.call('/api/v1/customers', {
      method: 'POST',
      token: admin,
      json: { kind: 'person', name: `Customer ${n}`, phone: `+216${n}`, email: `c${n}@example.tn`, address: `${n} rue de Carthage, Tunis`, cin: n, consentMethod: 'written-form', ...overrides },
    }),
    201,
  );
}

export async function createHousehold(stack: GarageStack, admin: string): Promise<Household> {
  const userId = randomUUID();
  const technicianId = randomUUID();
  const customer = await createCustomer(stack, admin, { userId });
  const plate = nextPlate();
  const vehicle = await expectStatus(
    stack.call('/api/v1/vehicles', {
      method: 'POST',
      token: admin,
      json: { customerId: customer['id'], plate, vin: 'VF1RFB00X56789012', make: 'Renault', model: 'Clio', year: 2019, mileageKm: 54000 },
    }),
    201,
  );
  const upload = await fetch(`${stack.garage.url}/api/v1/vehicles/${String(vehicle['id'])}/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/pdf' },
    body: PDF,
  });
  assert.equal(upload.status, 201, await upload.clone().text());
  const document = (await upload.json()) as Record<string, unknown>;
  const slotStart = nextSlot();
  const appointment = await expectStatus(
    stack.call('/api/v1/appointments', { method: 'POST', token: admin, json: { customerId: customer['id'], vehicleId: vehicle['id'], slotStart } }),
    201,
  );
  const workOrder = await expectStatus(
    stack.call('/api/v1/work-orders', {
      method: 'POST',
      token: admin,
      json: { customerId: customer['id'], vehicleId: vehicle['id'], complaint: 'Brakes squeal', mileageInKm: 54000, technicianIds: [technicianId] },
    }),
    201,
  );
  return {
    userId,
    technicianId,
    customerId: String(customer['id']),
    vehicleId: String(vehicle['id']),
    documentId: String(document['id']),
    appointmentId: String(appointment['id']),
    workOrderId: String(workOrder['id']),
    plate,
    phone: String(customer['phone']),
    slotStart,
  };
}

/** Moves a household's work order along: a line, then the estimate sent, approved, work started. */
export async function advanceWorkOrder(stack: GarageStack, admin: string, h: Household, to: 'estimate_sent' | 'approved' | 'in_progress'): Promise<void> {
  const path = `/api/v1/work-orders/${h.workOrderId}`;
  await expectStatus(
    stack.call(`${path}/lines`, { method: 'POST', token: admin, json: { kind: 'labour', description: 'Replace brake pads', quantityMilli: 1500, unitPriceMillimes: 45_000 } }),
    201,
  );
  await expectStatus(stack.call(`${path}/status`, { method: 'POST', token: admin, json: { status: 'estimate_sent' } }), 200);
  if (to === 'estimate_sent') return;
  await expectStatus(stack.call(`${path}/estimate/approve`, { method: 'POST', token: stack.token('customer', h.userId) }), 200);
  if (to === 'approved') return;
  await expectStatus(stack.call(`${path}/status`, { method: 'POST', token: admin, json: { status: 'in_progress' } }), 200);
}
