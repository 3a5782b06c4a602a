import type { WebStack } from './web-stack.ts';

/** Garage data the technician and customer browser tests start from, made by the super-admin through the API. */

let plateSerial = Math.floor(Math.random() * 500);

async function expectOk(stack: WebStack, path: string, init: RequestInit & { json?: unknown; token?: string }, status: number): Promise<Record<string, unknown>> {
  const response = await stack.api(path, init);
  if (response.status !== status) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function createVehicle(stack: WebStack, customerId: string, make = 'Peugeot', model = '208'): Promise<{ id: string; plate: string }> {
  plateSerial += 1;
  const plate = `${plateSerial} TU ${1000 + plateSerial}`;
  const body = await expectOk(stack, '/api/v1/vehicles', { method: 'POST', json: { customerId, plate, make, model, year: 2020, mileageKm: 41000 } }, 201);
  return { id: String(body['id']), plate };
}

export async function openWorkOrder(stack: WebStack, input: { customerId?: string; vehicleId?: string; appointmentId?: string; complaint: string; technicianIds?: string[] }): Promise<string> {
  const body = await expectOk(stack, '/api/v1/work-orders', { method: 'POST', json: { ...input, mileageInKm: 41250 } }, 201);
  return String(body['id']);
}

export async function addLine(stack: WebStack, workOrderId: string, line: { kind: 'labour' | 'part'; description: string; quantityMilli: number; unitPriceMillimes: number }): Promise<void> {
  await expectOk(stack, `/api/v1/work-orders/${workOrderId}/lines`, { method: 'POST', json: line }, 201);
}

export async function moveWorkOrder(stack: WebStack, workOrderId: string, status: string): Promise<void> {
  await expectOk(stack, `/api/v1/work-orders/${workOrderId}/status`, { method: 'POST', json: { status } }, 200);
}

export async function approveAsGarage(stack: WebStack, workOrderId: string): Promise<void> {
  await expectOk(stack, `/api/v1/work-orders/${workOrderId}/estimate/approve`, { method: 'POST', json: {} }, 200);
}

export async function workOrder(stack: WebStack, workOrderId: string): Promise<Record<string, unknown>> {
  return expectOk(stack, `/api/v1/work-orders/${workOrderId}`, {}, 200);
}

/** Asks again until `check` holds (events cross the real broker): bounded, never a fixed sleep as the assertion. */
export async function eventually<T>(what: string, probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe();
  }
  return last;
}

/**
 * Gives the seeded garage day's jobs to a technician: every work order of the customer is
 * assigned, and the open one goes through an approved estimate to "in progress" (a job card
 * with lines to show). The one waiting for the customer's answer stays as it is.
 */
export async function assignSeededJobs(stack: WebStack, customerId: string, technicianId: string): Promise<void> {
  const orders = (await expectOk(stack, '/api/v1/work-orders', {}, 200))['items'] as Array<{ id: string; customerId: string; status: string }>;
  for (const order of orders.filter((item) => item.customerId === customerId)) {
    await expectOk(stack, `/api/v1/work-orders/${order.id}/assign`, { method: 'POST', json: { technicianIds: [technicianId] } }, 200);
    if (order.status !== 'open') continue;
    await addLine(stack, order.id, { kind: 'labour', description: 'Remplacement des plaquettes avant', quantityMilli: 1500, unitPriceMillimes: 40_000 });
    await addLine(stack, order.id, { kind: 'part', description: 'Jeu de plaquettes avant', quantityMilli: 1000, unitPriceMillimes: 61_000 });
    await moveWorkOrder(stack, order.id, 'estimate_sent');
    await approveAsGarage(stack, order.id);
    await moveWorkOrder(stack, order.id, 'in_progress');
  }
}
