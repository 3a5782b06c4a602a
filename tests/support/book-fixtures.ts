import type { GarageStack } from './garage-stack.ts';
import { advanceWorkOrder, createHousehold, expectStatus, type Household } from './garage-fixtures.ts';
import { createPart, receive } from './stock-fixtures.ts';

/** A household whose work order is completed: a catalogue part and a labour line, approved and done (issue 15). */
export interface ServicedHousehold extends Household {
  partReference: string;
}

export async function servicedHousehold(stack: GarageStack, admin: string): Promise<ServicedHousehold> {
  const household = await createHousehold(stack, admin);
  const part = await createPart(stack, admin, { description: 'Plaquettes de frein avant' });
  // On the shelf: completion takes the approved part from stock (issue 14).
  await receive(stack, admin, String(part['id']), 2000);
  await expectStatus(
    stack.call(`/api/v1/work-orders/${household.workOrderId}/parts`, { method: 'POST', token: admin, json: { partId: part['id'], quantityMilli: 2000, consume: false } }),
    201,
  );
  await advanceWorkOrder(stack, admin, household, 'in_progress');
  await expectStatus(stack.call(`/api/v1/work-orders/${household.workOrderId}/status`, { method: 'POST', token: admin, json: { status: 'completed' } }), 200);
  return { ...household, partReference: String(part['reference']) };
}
