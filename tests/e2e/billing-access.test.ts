import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BILLING_ROUTES, type BillingRoute, type BillingRouteName } from '../../services/billing/src/api/route-table.ts';
import { call, startBillingStack, type BillingStack } from '../support/billing-stack.ts';
import { createDraft, expectStatus, issuedInvoice } from '../support/billing-fixtures.ts';

let stack: BillingStack;
let admin: string;

/** One customer's billing objects: a draft, and an issued invoice with a payment and a credit note. */
interface World {
  draftId: string;
  invoiceId: string;
  paymentId: string;
  creditNoteId: string;
}

async function world(ownerUserId: string): Promise<World> {
  const draftId = await createDraft(stack, admin, { ownerUserId });
  const invoiceId = String((await issuedInvoice(stack, admin, { ownerUserId }))['id']);
  const payment = await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}/payments`, { method: 'POST', token: admin, json: { method: 'cash', amountMillimes: 1_000 } });
  const credit = await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}/credit-notes`, {
    method: 'POST',
    token: admin,
    json: { reason: 'Remise', lines: [{ description: 'Remise', quantityMilli: 1000, unitPriceMillimes: 1_000, vatRateBp: 1900 }] },
  });
  return { draftId, invoiceId, paymentId: String(expectStatus(payment, 201, 'payment')['paymentId']), creditNoteId: String(expectStatus(credit, 201, 'credit note')['id']) };
}

/**
 * What a super-admin sends to each route for a successful call, and which invoice of a world it
 * works on. `satisfies Record<BillingRouteName, …>`: a route added to the table without an entry
 * here does not compile, so the matrix below always covers every route.
 */
const ADMIN_CALLS = {
  listInvoices: { invoice: 'issued' },
  createDraft: { invoice: 'issued', body: { buyer: { name: 'Client', kind: 'person', stampExempt: false }, lines: [] } },
  getInvoice: { invoice: 'issued' },
  updateDraft: { invoice: 'draft', body: { lines: [{ description: 'Forfait', quantityMilli: 1000, unitPriceMillimes: 1_000, vatRateBp: 1900 }] } },
  issueInvoice: { invoice: 'draft' },
  invoicePdf: { invoice: 'issued' },
  invoiceTeif: { invoice: 'issued' },
  listPayments: { invoice: 'issued' },
  recordPayment: { invoice: 'issued', body: { method: 'transfer', amountMillimes: 500, transferReference: 'VIR-1' } },
  reversePayment: { invoice: 'issued', body: { reason: 'Saisie erronée' } },
  listCreditNotes: { invoice: 'issued' },
  issueCreditNote: { invoice: 'issued', body: { reason: 'Annulation', full: true } },
  getCreditNote: { invoice: 'issued' },
  creditNotePdf: { invoice: 'issued' },
} as const satisfies Record<BillingRouteName, { invoice: 'draft' | 'issued'; body?: unknown }>;

function pathOf(route: BillingRoute, objects: World): string {
  const adminCall = ADMIN_CALLS[route.name as BillingRouteName];
  return route.path
    .replace(':invoiceId', adminCall.invoice === 'draft' ? objects.draftId : objects.invoiceId)
    .replace(':paymentId', objects.paymentId)
    .replace(':creditNoteId', objects.creditNoteId);
}

async function request(base: string, route: BillingRoute, objects: World, token: string | undefined) {
  const adminCall = ADMIN_CALLS[route.name as BillingRouteName] as { body?: unknown };
  return call(base, pathOf(route, objects), {
    method: route.method.toUpperCase(),
    ...(token ? { token } : {}),
    ...(adminCall.body !== undefined ? { json: adminCall.body } : {}),
  });
}

/**
 * The access matrix (AUTH-4, AUTH-6): every route of BILLING_ROUTES — the table the router is
 * built from — for anonymous, technician, customer (own object / another customer's) and
 * super-admin, through the gateway and directly against the service.
 */
describe('billing: access matrix over every route', () => {
  before(async () => {
    stack = await startBillingStack('billacl');
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('the matrix covers exactly the routes of the table', () => {
    assert.deepEqual(Object.keys(ADMIN_CALLS).sort(), BILLING_ROUTES.map((route) => route.name).sort());
    assert.equal(new Set(BILLING_ROUTES.map((route) => `${route.method} ${route.path}`)).size, BILLING_ROUTES.length);
  });

  for (const target of ['gateway', 'service'] as const) {
    it(`role × ownership → status, for every route (${target})`, async () => {
      const base = target === 'gateway' ? stack.gateway.url : stack.billing.url;
      const ownerId = randomUUID();
      const otherId = randomUUID();
      const customer = stack.token('customer', ownerId);
      const technician = stack.token('technician');
      const own = await world(ownerId);
      const others = await world(otherId);
      const table: string[] = [];
      const expect = async (route: BillingRoute, who: string, objects: World, token: string | undefined, status: number) => {
        const response = await request(base, route, objects, token);
        table.push(`${route.name} ${who} → ${response.status}`);
        assert.equal(response.status, status, `${target}: ${route.method.toUpperCase()} ${route.path} as ${who}: ${JSON.stringify(response.body)}`);
        if (status >= 400) assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        return response;
      };

      for (const route of BILLING_ROUTES as readonly BillingRoute[]) {
        await expect(route, 'anonymous', own, undefined, 401);
        await expect(route, 'technician', own, technician, 403);
        if (route.customer === 'none') {
          await expect(route, 'customer (own)', own, customer, 403);
        } else if (route.customer === 'own') {
          await expect(route, 'customer (own)', own, customer, route.success);
          await expect(route, "customer (another's)", others, customer, 404);
        } else {
          const listed = await expect(route, 'customer (list)', own, customer, route.success);
          const ids = (listed.body['items'] as Array<{ id: string }>).map((item) => item.id);
          assert.ok(ids.includes(own.invoiceId), 'their issued invoice is listed');
          assert.ok(!ids.includes(own.draftId), 'their draft is not (not an invoice yet)');
          assert.ok(!ids.includes(others.invoiceId), "another customer's invoice is not");
        }
        await expect(route, 'super-admin', await world(ownerId), admin, route.success);
      }
      assert.equal(table.length, BILLING_ROUTES.length * 4 + BILLING_ROUTES.filter((route) => route.customer === 'own').length);
    });
  }

  it('anything outside the table is not routed, and a customer cannot see a draft made for them', async () => {
    const own = await world(randomUUID());
    assert.equal((await call(stack.billing.url, `/api/v1/invoices/${own.invoiceId}`, { method: 'DELETE', token: admin })).status, 404);
    assert.equal((await call(stack.billing.url, `/api/v1/invoices/${own.invoiceId}`, { method: 'PUT', token: admin, json: {} })).status, 404);
    assert.equal((await call(stack.billing.url, `/api/v1/payments`, { token: admin })).status, 404);
    const ownerOfDraft = randomUUID();
    const draft = await createDraft(stack, admin, { ownerUserId: ownerOfDraft });
    assert.equal((await call(stack.gateway.url, `/api/v1/invoices/${draft}`, { token: stack.token('customer', ownerOfDraft) })).status, 404);
    assert.equal((await call(stack.gateway.url, `/api/v1/invoices/not-a-uuid`, { token: admin })).status, 400);
    assert.equal((await call(stack.gateway.url, `/api/v1/invoices?limit=100000`, { token: admin })).status, 400, 'hard maximum page size');
    assert.equal((await call(stack.gateway.url, `/api/v1/invoices?role=super-admin`, { token: admin })).status, 400, 'unknown query field');
    assert.equal((await call(stack.gateway.url, `/api/v1/invoices?cursor=bm90LWEtY3Vyc29y`, { token: admin })).status, 400, 'forged cursor');
    const impossible = Buffer.from(`2026-13-45T25:00:00.000000|${randomUUID()}`).toString('base64url');
    assert.equal((await call(stack.gateway.url, `/api/v1/invoices?cursor=${impossible}`, { token: admin })).status, 400, 'impossible date in a cursor');
  });

  it('lists page with a cursor, without overlap or loss', async () => {
    for (let i = 0; i < 7; i++) await issuedInvoice(stack, admin);
    const first = expectStatus(await call(stack.gateway.url, `/api/v1/invoices?limit=3&status=issued`, { token: admin }), 200, 'page 1');
    const second = expectStatus(await call(stack.gateway.url, `/api/v1/invoices?limit=3&status=issued&cursor=${String(first['nextCursor'])}`, { token: admin }), 200, 'page 2');
    const ids = (page: Record<string, unknown>) => (page['items'] as Array<{ id: string; status: string }>).map((item) => item.id);
    assert.equal(ids(first).length, 3);
    assert.equal(ids(second).length, 3);
    assert.equal(new Set([...ids(first), ...ids(second)]).size, 6);
    const all = expectStatus(await call(stack.gateway.url, `/api/v1/invoices?limit=6&status=issued`, { token: admin }), 200, 'both pages at once');
    assert.deepEqual(ids(all), [...ids(first), ...ids(second)]);

    // Rows a few microseconds apart (within one millisecond): a cursor must not skip any of them.
    const drafts = [await createDraft(stack, admin), await createDraft(stack, admin), await createDraft(stack, admin), await createDraft(stack, admin)];
    for (const [index, draft] of drafts.entries()) {
      await stack.billing.context.dataSource.query(`UPDATE invoices SET created_at = $2::timestamptz WHERE id = $1`, [draft, `2099-01-01T00:00:00.000${index + 1}01Z`]);
    }
    const newest = expectStatus(await call(stack.gateway.url, `/api/v1/invoices?limit=2&status=draft`, { token: admin }), 200, 'newest drafts');
    const next = expectStatus(await call(stack.gateway.url, `/api/v1/invoices?limit=2&status=draft&cursor=${String(newest['nextCursor'])}`, { token: admin }), 200, 'next drafts');
    assert.deepEqual([...ids(newest), ...ids(next)], [...drafts].reverse());
  });
});
