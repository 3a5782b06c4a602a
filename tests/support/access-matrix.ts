import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLES, type Role } from '@ecar/contracts';
import { pathParamNames, routeId, type Route } from '@ecar/runtime';

/**
 * AUTH-4/AUTH-6 (OWASP API1/API3) for any service: every route of its route table × every role ×
 * own / someone else's object, plus no token, mass assignment and malformed input. The cases are
 * keyed by the route table's own ids: a route mounted without a case fails the first test.
 */

/** A status code, or for list routes whether the target world's row is in the answer. */
export type Outcome = number | 'listed' | 'empty';
export type Expect = Record<Role, { own: Outcome; other: Outcome }>;

export interface MatrixCase<W> {
  /** Request path for the target world. */
  path(w: W): string;
  /** JSON body of a valid request; absent = no body. */
  body?(w: W): Record<string, unknown>;
  /** A file upload instead of JSON. */
  upload?: { contentType: string; body: Buffer };
  /** Brings both worlds to the state the route needs. */
  prepare?(w: W): Promise<void>;
  /** For list routes: the id showing that the target world's row is in `items`. */
  listedId?(w: W): string;
  /** An allowed call changes what the next role would meet (a decision taken): a fresh pair per role. */
  isolated?: boolean;
  expect: Expect;
}

export interface MatrixTarget<W> {
  /** The route table as the service mounted it. */
  routes(): readonly Route[];
  /** Where to send the requests (the service, and the gateway in front of it). */
  urls(): string[];
  /** One fresh set of objects owned by one customer ("household"). */
  world(): Promise<W>;
  /** A token of `role` acting as the owner (customer) or assigned technician of `own`. */
  token(role: Role, own: W): string;
  /** Run the cases one after another (lists whose page must hold the newest objects). Default: all at once. */
  sequential?: boolean;
}

export const same = (outcome: Outcome) => ({ own: outcome, other: outcome });
export const owned = (own: Outcome): { own: Outcome; other: Outcome } => ({ own, other: typeof own === 'number' ? 404 : 'empty' });
/** Super-admin reaches everything; the others only what is theirs (or nothing: 'role-denied' → 403). */
export const reach = (admin: Outcome, technician: Outcome | 'role-denied', customer: Outcome | 'role-denied'): Expect => ({
  'super-admin': same(admin),
  technician: technician === 'role-denied' ? same(403) : owned(technician),
  customer: customer === 'role-denied' ? same(403) : owned(customer),
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function send<W>(url: string, method: string, row: MatrixCase<W>, target: W, token: string | undefined, extraField = false): Promise<Answer> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: Buffer | string | undefined;
  if (row.upload) {
    headers['content-type'] = row.upload.contentType;
    body = row.upload.body;
  } else if (row.body || extraField) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ ...row.body?.(target), ...(extraField ? { isAdmin: true } : {}) });
  }
  const response = await fetch(`${url}${row.path(target)}`, { method, headers, ...(body ? { body } : {}) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: response.status, body: { raw: text.slice(0, 80) } };
  }
}

function outcomeOf<W>(row: MatrixCase<W>, target: W, response: Answer): Outcome {
  if (!row.listedId || response.status !== 200) return response.status;
  const items = response.body['items'] as Array<Record<string, unknown>>;
  return items.some((item) => item['id'] === row.listedId!(target)) ? 'listed' : 'empty';
}

const methodOf = (id: string) => id.split(' ')[0]!;
/** Rows run at the same time when the target is not sequential. */
const MATRIX_CONCURRENCY = 8;

/** Registers the matrix tests (inside the caller's `describe`, whose `before` starts the stack). */
export function accessMatrixTests<W>(target: MatrixTarget<W>, matrix: Record<string, MatrixCase<W>>): void {
  const inTurn = async <T>(items: T[], work: (item: T) => Promise<void>) => {
    if (target.sequential) for (const item of items) await work(item);
    else {
      // A bounded number at a time: every row builds its own worlds, and all of them at once wait
      // longer than the service's database pool lets a request wait for a connection (5 s → 500).
      const queue = [...items];
      await Promise.all(Array.from({ length: Math.min(MATRIX_CONCURRENCY, queue.length) }, async () => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
      }));
    }
  };
  const firstAllowedRole = (row: MatrixCase<W>) => ROLES.find((role) => row.expect[role].own !== 403)!;

  it('the matrix has exactly one case per mounted route', () => {
    const mounted = target.routes().map(routeId).sort();
    assert.deepEqual(Object.keys(matrix).sort(), mounted, 'a route without a matrix case (or a case for a route that does not exist)');
  });

  it('every route refuses a request without a token (401 problem)', async () => {
    const world = await target.world();
    for (const url of target.urls()) {
      for (const [id, row] of Object.entries(matrix)) {
        const response = await send(url, methodOf(id), row, world, undefined);
        assert.equal(response.status, 401, `${url} ${id}`);
        assert.ok(String(response.body['type'] ?? '').startsWith('urn:ecar:problem:'), `${url} ${id}: refusal is not problem+json`);
      }
    }
  });

  it('every role × own/other object gets the expected answer on every route', async () => {
    const failures: string[] = [];
    for (const url of target.urls()) {
      await inTurn(Object.entries(matrix), async ([id, row]) => {
        const pair = async () => {
          const worlds = target.sequential ? [await target.world(), await target.world()] : await Promise.all([target.world(), target.world()]);
          if (row.prepare) await inTurn(worlds, row.prepare);
          return worlds as [W, W];
        };
        const shared = row.isolated ? undefined : await pair();
        for (const role of ROLES) {
          const [own, other] = shared ?? (await pair());
          for (const whose of ['other', 'own'] as const) {
            const world = whose === 'own' ? own : other;
            const response = await send(url, methodOf(id), row, world, target.token(role, own));
            const actual = outcomeOf(row, world, response);
            const expected = row.expect[role][whose];
            if (actual !== expected) failures.push(`${url} ${id} as ${role} on ${whose}: expected ${expected}, got ${actual} ${JSON.stringify(response.body).slice(0, 160)}`);
            if (typeof expected === 'number' && expected >= 400 && !String(response.body['type'] ?? '').startsWith('urn:ecar:problem:')) {
              failures.push(`${url} ${id} as ${role} on ${whose}: refusal is not problem+json`);
            }
          }
        }
      });
    }
    assert.deepEqual(failures, []);
  });

  it('every route that takes a JSON body refuses an unknown field (mass assignment → 400)', async () => {
    const failures: string[] = [];
    const writes = Object.entries(matrix).filter(([id, row]) => !row.upload && methodOf(id) !== 'GET');
    const [url] = target.urls();
    await inTurn(writes, async ([id, row]) => {
      const own = await target.world();
      if (row.prepare) await row.prepare(own);
      const response = await send(url!, methodOf(id), row, own, target.token(firstAllowedRole(row), own), true);
      const codes = ((response.body['errors'] as Array<{ code: string }> | undefined) ?? []).map((error) => error.code);
      if (response.status !== 400 || !codes.includes('unknown_field')) failures.push(`${id}: ${response.status} ${codes.join(',')}`);
    });
    assert.deepEqual(failures, []);
  });

  it('bad input on every route is a 400/415 problem, never a 500 (APP-1)', async () => {
    const world = await target.world();
    const [url] = target.urls();
    const failures: string[] = [];
    for (const [id, row] of Object.entries(matrix)) {
      const [method, template] = id.split(' ') as [string, string];
      const headers = { authorization: `Bearer ${target.token(firstAllowedRole(row), world)}` };
      const cases: Array<[string, string, RequestInit, number[]]> = [];
      for (const name of pathParamNames(template)) cases.push([`malformed :${name}`, template.replace(`:${name}`, 'not-a-uuid').replace(/:\w+/g, '00000000-0000-4000-8000-000000000000'), { method }, [400]]);
      const path = row.path(world);
      const join = path.includes('?') ? '&' : '?';
      if (method === 'GET') {
        cases.push(['unknown query field', `${path}${join}sort=name`, { method }, [400]]);
        cases.push(['repeated query field', `${path}${join}limit=1&limit=2`, { method }, [400]]);
      } else if (!row.upload) {
        const json = { 'content-type': 'application/json' };
        cases.push(['invalid JSON', path, { method, headers: json, body: '{"a":' }, [400]]);
        cases.push(['array body', path, { method, headers: json, body: '[]' }, [400]]);
        const wrongTypes = Object.fromEntries(Object.keys(row.body?.(world) ?? { x: 1 }).map((key) => [key, { nested: [1] }]));
        cases.push(['wrong types', path, { method, headers: json, body: JSON.stringify(wrongTypes) }, [400]]);
        cases.push(['form body', path, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }, [415]]);
      } else {
        cases.push(['no content type', path, { method, body: row.upload.body }, [415]]);
        cases.push(['empty file', path, { method, headers: { 'content-type': row.upload.contentType }, body: Buffer.alloc(0) }, [415]]);
      }
      for (const [name, requestPath, init, expected] of cases) {
        const response = await fetch(`${url}${requestPath}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
        const type = response.headers.get('content-type') ?? '';
        await response.arrayBuffer();
        if (!expected.includes(response.status) || !type.startsWith('application/problem+json')) failures.push(`${id} ${name}: ${response.status} ${type}`);
      }
    }
    assert.deepEqual(failures, []);
  });
}
