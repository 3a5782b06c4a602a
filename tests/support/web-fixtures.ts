import assert from 'node:assert/strict';
import { createCustomer, type CustomerAccount, type WebStack } from './web-stack.ts';

export const HOSTILE_COMPLAINT = '<script>window.__xss=1</script>Bruit au freinage';

async function expectCreated(response: Promise<{ status: number; body: Record<string, unknown> }>, status = 201): Promise<Record<string, unknown>> {
  const result = await response;
  assert.equal(result.status, status, JSON.stringify(result.body));
  return result.body;
}

function tunisDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Tunis' }).format(at);
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface GarageDay {
  customer: CustomerAccount;
  /** The appointment's slot when one still fits in today's Tunis day (else none is booked). */
  todaySlot: string | undefined;
}

/**
 * One of each thing the admin dashboard shows, created through the API as the garage would: a
 * customer with a vehicle, an appointment today, two work orders (open; estimate sent), an issued
 * unpaid invoice, an open security alert (five failed sign-ins), a backup and its restore drill.
 */
export async function seedGarageDay(stack: WebStack): Promise<GarageDay> {
  const customer = await createCustomer(stack, 'Amira Ben Salah');
  let todaySlot: string | undefined;
  const vehicle = await expectCreated(
    stack.api('/api/v1/vehicles', { method: 'POST', json: { customerId: customer.customerId, plate: '123 TU 4567', make: 'Peugeot', model: '208', year: 2019, mileageKm: 84000 } }),
  );
  const slot = new Date(Math.ceil((Date.now() + 60_000) / 1_800_000) * 1_800_000);
  if (tunisDay(slot) === tunisDay(new Date())) {
    todaySlot = slot.toISOString();
    await expectCreated(stack.api('/api/v1/appointments', { method: 'POST', json: { customerId: customer.customerId, vehicleId: vehicle['id'], slotStart: todaySlot, note: 'Vidange et filtres' } }));
  }
  await expectCreated(stack.api('/api/v1/work-orders', { method: 'POST', json: { customerId: customer.customerId, vehicleId: vehicle['id'], complaint: HOSTILE_COMPLAINT } }));
  const estimate = await expectCreated(stack.api('/api/v1/work-orders', { method: 'POST', json: { customerId: customer.customerId, vehicleId: vehicle['id'], complaint: 'Climatisation faible' } }));
  await expectCreated(
    stack.api(`/api/v1/work-orders/${String(estimate['id'])}/lines`, { method: 'POST', json: { kind: 'labour', description: 'Recharge climatisation', quantityMilli: 1000, unitPriceMillimes: 90_000 } }),
  );
  await expectCreated(stack.api(`/api/v1/work-orders/${String(estimate['id'])}/status`, { method: 'POST', json: { status: 'estimate_sent' } }), 200);
  const invoice = await expectCreated(
    stack.api('/api/v1/invoices', {
      method: 'POST',
      json: { buyer: { name: 'Société Carthage Auto', kind: 'company', taxId: '1234567A/B/M/000' }, lines: [{ kind: 'part', description: 'Plaquettes', quantityMilli: 2000, unitPriceMillimes: 617_280, vatRateBp: 1900 }] },
    }),
  );
  await expectCreated(stack.api(`/api/v1/invoices/${String(invoice['id'])}/issue`, { method: 'POST' }), 200);
  // Five failed sign-ins of one account: the audit service's anomaly rule raises an alert.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await stack.api('/api/v1/auth/login', { method: 'POST', json: { email: customer.email, password: 'wrong-password-1', client: 'mobile' }, token: '' });
  }
  await until('an open alert', async () => {
    const alerts = await stack.api('/api/v1/audit/alerts?status=open');
    return Array.isArray(alerts.body['items']) && alerts.body['items'].length > 0 ? true : undefined;
  });
  const backup = await expectCreated(stack.api('/api/v1/backups', { method: 'POST' }), 202);
  await until('the backup', async () => {
    const run = await stack.api(`/api/v1/backups/${String(backup['id'])}`);
    if (run.body['status'] === 'failed') throw new Error(`backup failed: ${JSON.stringify(run.body)}`);
    return run.body['status'] === 'succeeded' ? true : undefined;
  }, 60_000);
  // The service drills after its first backup by itself; run one by hand only if it did not.
  const drilled = await stack.backup.jobs.drill();
  if (drilled) assert.equal(drilled.ok, true, JSON.stringify(drilled));
  const drill = await until('the restore drill', async () => {
    const drills = await stack.api('/api/v1/backups/drills?limit=1');
    const last = (drills.body['items'] as Array<{ status: string }> | undefined)?.[0];
    return last && last.status !== 'running' ? last : undefined;
  }, 60_000);
  assert.equal(drill.status, 'succeeded', JSON.stringify(drill));
  return { customer, todaySlot };
}
