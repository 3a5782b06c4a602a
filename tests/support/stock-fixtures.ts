import type { GarageStack } from './garage-stack.ts';
import { expectStatus, type Household } from './garage-fixtures.ts';

/** A catalogue part with stock, a canned job using it, and a part line on the household's work order. */
export interface Stocked {
  partId: string;
  partReference: string;
  cannedJobId: string;
  partLineId: string;
  supplierId: string;
  /** A draft purchase order of one line of the part. */
  purchaseOrderId: string;
}

let serial = 0;

/** A fresh catalogue reference (the catalogue refuses a brand + reference twice). */
export function nextReference(): string {
  serial += 1;
  return `REF-${process.pid}-${Date.now().toString(36)}-${serial}`;
}

export async function createPart(stack: GarageStack, admin: string, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return expectStatus(
    stack.call('/api/v1/parts', {
      method: 'POST',
      token: admin,
      json: { reference: nextReference(), brand: 'Bosch', description: 'Filtre à huile', purchasePriceMillimes: 8_000, sellingPriceMillimes: 14_500, vatRateBp: 1900, ...overrides },
    }),
    201,
  );
}

export async function receive(stack: GarageStack, admin: string, partId: string, quantityMilli: number, location = 'main'): Promise<Record<string, unknown>> {
  return expectStatus(stack.call(`/api/v1/parts/${partId}/movements`, { method: 'POST', token: admin, json: { kind: 'receipt', location, quantityMilli } }), 201);
}

export async function withStock<H extends Household>(stack: GarageStack, admin: string, household: H): Promise<H & Stocked> {
  const part = await createPart(stack, admin, { reorderPointMilli: 50_000 });
  const partId = String(part['id']);
  await receive(stack, admin, partId, 10_000);
  const job = await expectStatus(
    stack.call('/api/v1/canned-jobs', { method: 'POST', token: admin, json: { name: 'Vidange', labourHoursMilli: 500, labourRateMillimes: 40_000, parts: [{ partId, quantityMilli: 1000 }] } }),
    201,
  );
  const used = await expectStatus(
    stack.call(`/api/v1/work-orders/${household.workOrderId}/parts`, { method: 'POST', token: admin, json: { partId, quantityMilli: 1000, consume: false } }),
    201,
  );
  const supplier = await expectStatus(stack.call('/api/v1/suppliers', { method: 'POST', token: admin, json: { name: 'Auto Pièces Sfax' } }), 201);
  const order = await expectStatus(
    stack.call('/api/v1/purchase-orders', { method: 'POST', token: admin, json: { supplierId: supplier['id'], lines: [{ partId, quantityMilli: 5000, unitCostMillimes: 8000 }] } }),
    201,
  );
  return { ...household, supplierId: String(supplier['id']), purchaseOrderId: String(order['id']), partId, partReference: String(part['reference']), cannedJobId: String(job['id']), partLineId: String((used['line'] as Record<string, unknown>)['id']) };
}
