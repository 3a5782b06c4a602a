import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Role } from '@ecar/contracts';
import { routeId } from '@ecar/runtime';
import { advanceWorkOrder, createHousehold, nextPlate, nextSlot, PDF, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

/**
 * AUTH-4/AUTH-6 (OWASP API1/API3): every garage route × every role × own / someone else's object.
 * The caller is always household A's customer, A's assigned technician, or a super-admin; "own"
 * targets household A's objects, "other" household B's. Generated from ONE table keyed by the
 * service's own route table: a route mounted without a row here fails the first test.
 */

/** A status code, or for list routes whether the target household's row is in the answer. */
type Outcome = number | 'listed' | 'empty';
type Expect = Record<Role, { own: Outcome; other: Outcome }>;

interface MatrixRow {
  /** Request path for the target household. */
  path(h: Household): string;
  /** JSON body (for a valid request); absent = no body. */
  body?(h: Household): Record<string, unknown>;
  /** File upload instead of JSON. */
  upload?: boolean;
  /** Brings both households to the state the route needs. */
  prepare?(h: Household): Promise<void>;
  /** For list routes: the id that shows the target household's row is in `items`. */
  listedId?(h: Household): string;
  /** An allowed call changes what the next role would meet (e.g. a decision taken): a fresh pair per role. */
  isolated?: boolean;
  expect: Expect;
}

const same = (outcome: Outcome) => ({ own: outcome, other: outcome });
const owned = (own: Outcome): { own: Outcome; other: Outcome } => ({ own, other: typeof own === 'number' ? 404 : 'empty' });
/** Super-admin reaches everything; the others only what is theirs. */
const reach = (admin: Outcome, technician: Outcome | 'role-denied', customer: Outcome | 'role-denied'): Expect => ({
  'super-admin': same(admin),
  technician: technician === 'role-denied' ? same(403) : owned(technician),
  customer: customer === 'role-denied' ? same(403) : owned(customer),
});

let stack: GarageStack;
let admin: string;

const MATRIX: Record<string, MatrixRow> = {
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
  'POST /api/v1/vehicles/:id/documents': { path: (h) => `/api/v1/vehicles/${h.vehicleId}/documents`, upload: true, expect: reach(201, 'role-denied', 201) },
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

const ROLES: Role[] = ['super-admin', 'technician', 'customer'];

function tokenFor(role: Role, caller: Household): string {
  if (role === 'customer') return stack.token('customer', caller.userId);
  if (role === 'technician') return stack.token('technician', caller.technicianId);
  return admin;
}

async function send(id: string, row: MatrixRow, target: Household, token: string | undefined, extraField = false): Promise<{ status: number; body: Record<string, unknown> }> {
  const method = id.split(' ')[0]!;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: Buffer | string | undefined;
  if (row.upload) {
    headers['content-type'] = 'application/pdf';
    body = PDF;
  } else if (row.body || extraField) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ ...row.body?.(target), ...(extraField ? { isAdmin: true } : {}) });
  }
  const response = await fetch(`${stack.garage.url}${row.path(target)}`, { method, headers, ...(body ? { body } : {}) });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text.slice(0, 80) };
  }
  return { status: response.status, body: parsed };
}

function outcomeOf(row: MatrixRow, target: Household, response: { status: number; body: Record<string, unknown> }): Outcome {
  if (!row.listedId || response.status !== 200) return response.status;
  const items = response.body['items'] as Array<Record<string, unknown>>;
  return items.some((item) => item['id'] === row.listedId!(target)) ? 'listed' : 'empty';
}

describe('garage access-control matrix: every route × role × own/other', () => {
  before(async () => {
    stack = await startGarageStack('garagematrix');
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('the matrix has exactly one row per mounted route', () => {
    const mounted = stack.garage.routes.map(routeId).sort();
    assert.deepEqual(Object.keys(MATRIX).sort(), mounted, 'a garage route without a matrix row (or a row for a route that does not exist)');
    assert.ok(mounted.length >= 30);
  });

  it('docs/openapi/garage.yaml documents exactly the mounted routes', async () => {
    const document = parse(await readFile(new URL('../../docs/openapi/garage.yaml', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).filter((key) => key !== 'parameters').map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
    assert.deepEqual(documented, stack.garage.routes.map(routeId).sort());
  });

  it('every route refuses a request without a token (401)', async () => {
    const household = await createHousehold(stack, admin);
    for (const [id, row] of Object.entries(MATRIX)) {
      const response = await send(id, row, household, undefined);
      assert.equal(response.status, 401, id);
    }
  });

  it('every role × own/other object gets the expected answer on every route', async () => {
    const failures: string[] = [];
    await Promise.all(
      Object.entries(MATRIX).map(async ([id, row]) => {
        const pair = async () => {
          const households = await Promise.all([createHousehold(stack, admin), createHousehold(stack, admin)]);
          if (row.prepare) await Promise.all(households.map((h) => row.prepare!(h)));
          return households;
        };
        const shared = row.isolated ? undefined : await pair();
        for (const role of ROLES) {
          const [own, other] = shared ?? (await pair());
          for (const whose of ['other', 'own'] as const) {
            const response = await send(id, row, whose === 'own' ? own : other, tokenFor(role, own));
            const actual = outcomeOf(row, whose === 'own' ? own : other, response);
            const expected = row.expect[role][whose];
            if (actual !== expected) failures.push(`${id} as ${role} on ${whose}: expected ${expected}, got ${actual} ${JSON.stringify(response.body).slice(0, 160)}`);
            if (typeof expected === 'number' && expected >= 400 && !String(response.body['type'] ?? '').startsWith('urn:ecar:problem:')) {
              failures.push(`${id} as ${role} on ${whose}: refusal is not problem+json`);
            }
          }
        }
      }),
    );
    assert.deepEqual(failures, []);
  });

  it('every route that takes a JSON body refuses an unknown field (mass assignment → 400)', async () => {
    const failures: string[] = [];
    const writes = Object.entries(MATRIX).filter(([id, row]) => !row.upload && !id.startsWith('GET '));
    assert.ok(writes.length >= 15);
    await Promise.all(
      writes.map(async ([id, row]) => {
        const role = ROLES.find((candidate) => row.expect[candidate].own !== 403)!;
        const own = await createHousehold(stack, admin);
        if (row.prepare) await row.prepare(own);
        const response = await send(id, row, own, tokenFor(role, own), true);
        const codes = ((response.body['errors'] as Array<{ code: string }> | undefined) ?? []).map((error) => error.code);
        if (response.status !== 400 || !codes.includes('unknown_field')) failures.push(`${id}: ${response.status} ${codes.join(',')}`);
      }),
    );
    assert.deepEqual(failures, []);
  });

  it('bad input on every route is a 400/415 problem, never a 500 (APP-1)', async () => {
    const household = await createHousehold(stack, admin);
    const failures: string[] = [];
    for (const [id, row] of Object.entries(MATRIX)) {
      const [method, template] = id.split(' ') as [string, string];
      const role = ROLES.find((candidate) => row.expect[candidate].own !== 403)!;
      const token = tokenFor(role, household);
      const headers = { authorization: `Bearer ${token}` };
      const cases: Array<[string, string, RequestInit, number[]]> = [];
      if (template.includes(':id')) cases.push(['malformed id', template.replace(':id', 'not-a-uuid'), { method }, [400]]);
      const path = row.path(household);
      if (method === 'GET') {
        cases.push(['unknown query field', `${path}${path.includes('?') ? '&' : '?'}sort=name`, { method, headers }, [400]]);
        cases.push(['repeated query field', `${path}${path.includes('?') ? '&' : '?'}limit=1&limit=2`, { method, headers }, [400]]);
      } else if (!row.upload) {
        const json = { ...headers, 'content-type': 'application/json' };
        cases.push(['invalid JSON', path, { method, headers: json, body: '{"a":' }, [400]]);
        cases.push(['array body', path, { method, headers: json, body: '[]' }, [400]]);
        cases.push(['wrong types', path, { method, headers: json, body: JSON.stringify(Object.fromEntries(Object.keys(row.body?.(household) ?? { x: 1 }).map((key) => [key, { nested: [1] }]))) }, [400]]);
        cases.push(['form body', path, { method, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }, [415]]);
      } else {
        cases.push(['no content type', path, { method, headers, body: PDF }, [415]]);
        cases.push(['empty PDF', path, { method, headers: { ...headers, 'content-type': 'application/pdf' }, body: Buffer.alloc(0) }, [415]]);
      }
      for (const [name, url, init, expected] of cases) {
        const response = await fetch(`${stack.garage.url}${url}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
        const type = response.headers.get('content-type') ?? '';
        await response.arrayBuffer();
        if (!expected.includes(response.status) || !type.startsWith('application/problem+json')) failures.push(`${id} ${name}: ${response.status} ${type}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('a technician sees only the name and phone of the customer of their job', async () => {
    const household = await createHousehold(stack, admin);
    const technician = stack.token('technician', household.technicianId);
    const customer = await send('GET /api/v1/customers/:id', MATRIX['GET /api/v1/customers/:id']!, household, technician);
    assert.equal(customer.status, 200);
    assert.deepEqual(Object.keys(customer.body).sort(), ['id', 'name', 'phone']);
    const order = await send('GET /api/v1/work-orders/:id', MATRIX['GET /api/v1/work-orders/:id']!, household, technician);
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
