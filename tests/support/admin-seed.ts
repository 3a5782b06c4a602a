import assert from 'node:assert/strict';
import { createTechnician, type WebStack } from './web-stack.ts';

export const HOSTILE_NAME = '<img src=x onerror="window.__xss=1">Société Amira';

export interface AdminScreen {
  name: string;
  /** Path under /admin/. */
  path: string;
}

async function created(stack: WebStack, path: string, json: unknown): Promise<string> {
  const response = await stack.api(path, { method: 'POST', json });
  assert.equal(response.status, 201, `${path}: ${JSON.stringify(response.body)}`);
  return String(response.body['id']);
}

/** Tomorrow 10:00 in Tunis (UTC+1 all year), a free slot of a fresh stack. */
function tomorrowAtTen(): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Tunis' }).format(new Date(Date.now() + 86_400_000));
  return `${day}T10:00:00+01:00`;
}

/**
 * A garage's day through the API (a technician, a company customer with a hostile name, a
 * vehicle, a work order with a line, a draft invoice, an appointment), and every back-office
 * screen with real objects behind its detail screens. Used by the browser tests and the
 * screenshot script.
 */
export async function seedBackOffice(stack: WebStack): Promise<{ screens: AdminScreen[]; customerId: string }> {
  await createTechnician(stack, 'Sami Technicien');
  const customerId = await created(stack, '/api/v1/customers', { kind: 'company', name: HOSTILE_NAME, phone: '+216 71 000 111', email: 'amira@societe.test', taxId: '1234567A/P/M/000' });
  const vehicleId = await created(stack, '/api/v1/vehicles', { customerId, plate: '200 TU 1234', make: 'Renault', model: 'Clio', year: 2020, mileageKm: 42000 });
  const workOrderId = await created(stack, '/api/v1/work-orders', { customerId, vehicleId, complaint: `Bruit au freinage — ${HOSTILE_NAME}` });
  const line = await stack.api(`/api/v1/work-orders/${workOrderId}/lines`, { method: 'POST', json: { kind: 'labour', description: 'Diagnostic freinage', quantityMilli: 1500, unitPriceMillimes: 40_000 } });
  assert.equal(line.status, 201, JSON.stringify(line.body));
  const invoiceId = await created(stack, '/api/v1/invoices', {
    buyer: { name: HOSTILE_NAME, kind: 'person' },
    lines: [{ kind: 'part', description: 'Plaquettes avant', quantityMilli: 2000, unitPriceMillimes: 12_500, vatRateBp: 1900 }],
  });
  await created(stack, '/api/v1/appointments', { customerId, vehicleId, slotStart: tomorrowAtTen(), note: 'Vidange' });
  return {
    customerId,
    screens: [
      { name: 'customers', path: 'customers' },
      { name: 'customer', path: `customers/${customerId}` },
      { name: 'vehicle', path: `vehicles/${vehicleId}` },
      { name: 'appointments', path: 'appointments' },
      { name: 'work-orders', path: 'work-orders' },
      { name: 'work-order', path: `work-orders/${workOrderId}` },
      { name: 'invoices', path: 'invoices' },
      { name: 'invoice', path: `invoices/${invoiceId}` },
      { name: 'users', path: 'users' },
      { name: 'audit', path: 'audit' },
      { name: 'alerts', path: 'alerts' },
      { name: 'backups', path: 'backups' },
    ],
  };
}
