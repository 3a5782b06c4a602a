import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Role } from '@ecar/contracts';
import { accessMatrixTests, reach, type MatrixCase } from '../support/access-matrix.ts';
import { call, startBillingStack, type BillingStack } from '../support/billing-stack.ts';
import { createDraft, expectStatus, issuedInvoice } from '../support/billing-fixtures.ts';
import { waitForTeif } from '../support/teif-waits.ts';

let stack: BillingStack;
let admin: string;

/** One customer's billing objects: a draft, and an issued invoice with a payment and a credit note. */
interface World {
  ownerId: string;
  draftId: string;
  invoiceId: string;
  paymentId: string;
  creditNoteId: string;
}

async function world(): Promise<World> {
  const ownerId = randomUUID();
  const draftId = await createDraft(stack, admin, { ownerUserId: ownerId });
  const invoiceId = String((await issuedInvoice(stack, admin, { ownerUserId: ownerId }))['id']);
  const payment = await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}/payments`, { method: 'POST', token: admin, json: { method: 'cash', amountMillimes: 1_000 } });
  const credit = await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}/credit-notes`, {
    method: 'POST',
    token: admin,
    json: { reason: 'Remise', lines: [{ description: 'Remise', quantityMilli: 1000, unitPriceMillimes: 1_000, vatRateBp: 1900 }] },
  });
  return { ownerId, draftId, invoiceId, paymentId: String(expectStatus(payment, 201, 'payment')['paymentId']), creditNoteId: String(expectStatus(credit, 201, 'credit note')['id']) };
}

/** Technicians have no billing access (AUTH-4); a customer reads their own issued invoices (anyone else's: 404); the rest is super-admin only. */
const own = (success: number) => reach(success, 'role-denied', success);
const adminOnly = (success: number) => reach(success, 'role-denied', 'role-denied');
const invoice = (w: World) => `/api/v1/invoices/${w.invoiceId}`;

const MATRIX: Record<string, MatrixCase<World>> = {
  // The newest 100 hold the invoices of the pair just made (the cases run one after another).
  'GET /api/v1/invoices': { path: () => '/api/v1/invoices?limit=100', listedId: (w) => w.invoiceId, expect: reach('listed', 'role-denied', 'listed') },
  'POST /api/v1/invoices': { path: () => '/api/v1/invoices', body: () => ({ buyer: { name: 'Client', kind: 'person', stampExempt: false }, lines: [] }), expect: adminOnly(201) },
  'GET /api/v1/invoices/:invoiceId': { path: invoice, expect: own(200) },
  'PATCH /api/v1/invoices/:invoiceId': {
    path: (w) => `/api/v1/invoices/${w.draftId}`,
    body: () => ({ lines: [{ description: 'Forfait', quantityMilli: 1000, unitPriceMillimes: 1_000, vatRateBp: 1900 }] }),
    expect: adminOnly(200),
  },
  'POST /api/v1/invoices/:invoiceId/issue': { path: (w) => `/api/v1/invoices/${w.draftId}/issue`, isolated: true, expect: adminOnly(200) },
  'GET /api/v1/invoices/:invoiceId/pdf': { path: (w) => `${invoice(w)}/pdf`, expect: own(200) },
  'GET /api/v1/invoices/:invoiceId/teif': { path: (w) => `${invoice(w)}/teif`, expect: adminOnly(200) },
  'GET /api/v1/invoices/:invoiceId/payments': { path: (w) => `${invoice(w)}/payments`, expect: own(200) },
  'POST /api/v1/invoices/:invoiceId/payments': { path: (w) => `${invoice(w)}/payments`, body: () => ({ method: 'transfer', amountMillimes: 500, transferReference: 'VIR-1' }), expect: adminOnly(201) },
  'POST /api/v1/invoices/:invoiceId/payments/:paymentId/reverse': {
    path: (w) => `${invoice(w)}/payments/${w.paymentId}/reverse`,
    body: () => ({ reason: 'Saisie erronée' }),
    isolated: true,
    expect: adminOnly(200),
  },
  'GET /api/v1/invoices/:invoiceId/credit-notes': { path: (w) => `${invoice(w)}/credit-notes`, expect: own(200) },
  'POST /api/v1/invoices/:invoiceId/credit-notes': { path: (w) => `${invoice(w)}/credit-notes`, body: () => ({ reason: 'Annulation', full: true }), isolated: true, expect: adminOnly(201) },
  'GET /api/v1/credit-notes/:creditNoteId': { path: (w) => `/api/v1/credit-notes/${w.creditNoteId}`, expect: own(200) },
  'GET /api/v1/credit-notes/:creditNoteId/pdf': { path: (w) => `/api/v1/credit-notes/${w.creditNoteId}/pdf`, expect: own(200) },
  // TEIF is produced by the consumer right after issue: each case waits for its document first.
  'GET /api/v1/invoices/:id/teif/status': { path: (w) => `${invoice(w)}/teif/status`, prepare: teifRecorded, expect: adminOnly(200) },
  'GET /api/v1/invoices/:id/teif/signed': { path: (w) => `${invoice(w)}/teif/signed`, prepare: teifRecorded, expect: adminOnly(200) },
  // No TTN in this stack: the document stays pending, and re-submitting a pending document is a 409.
  'POST /api/v1/invoices/:id/teif/resubmit': { path: (w) => `${invoice(w)}/teif/resubmit`, prepare: teifRecorded, expect: adminOnly(409) },
  'GET /api/v1/credit-notes/:id/teif/status': { path: (w) => `/api/v1/credit-notes/${w.creditNoteId}/teif/status`, prepare: teifRecorded, expect: adminOnly(200) },
  'GET /api/v1/credit-notes/:id/teif/signed': { path: (w) => `/api/v1/credit-notes/${w.creditNoteId}/teif/signed`, prepare: teifRecorded, expect: adminOnly(200) },
  'POST /api/v1/credit-notes/:id/teif/resubmit': { path: (w) => `/api/v1/credit-notes/${w.creditNoteId}/teif/resubmit`, prepare: teifRecorded, expect: adminOnly(409) },
  // Reports (issue 15): super-admin only, no object of anyone's in the answer.
  'GET /api/v1/reports': { path: () => '/api/v1/reports?from=2026-01-01&to=2026-12-31', expect: adminOnly(200) },
  'GET /api/v1/reports/export': { path: () => '/api/v1/reports/export?from=2026-01-01&to=2026-12-31&format=csv', expect: adminOnly(200) },
  'GET /api/v1/reports/read-model': { path: () => '/api/v1/reports/read-model', expect: adminOnly(200) },
  // No garage in this stack: the first request stays under way, and the next ones answer with it (202 each time).
  'POST /api/v1/reports/read-model/rebuild': { path: () => '/api/v1/reports/read-model/rebuild', expect: adminOnly(202) },
};

/** Waits until the TEIF documents of a world's invoice and credit note are recorded. */
async function teifRecorded(w: World): Promise<void> {
  await waitForTeif(stack, admin, `${invoice(w)}/teif/status`, () => true);
  await waitForTeif(stack, admin, `/api/v1/credit-notes/${w.creditNoteId}/teif/status`, () => true);
}

function tokenFor(role: Role, owner: World): string {
  if (role === 'customer') return stack.token('customer', owner.ownerId);
  if (role === 'technician') return stack.token('technician');
  return admin;
}

/**
 * The access matrix (AUTH-4, AUTH-6): every route of the billing route table — the table the
 * service mounts — for anonymous, technician, customer (own object / another customer's) and
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

  accessMatrixTests({ routes: () => stack.billing.routes, urls: () => [stack.gateway.url, stack.billing.url], world, token: tokenFor, sequential: true }, MATRIX);

  it("a customer's list holds their issued invoices, not their drafts", async () => {
    const mine = await world();
    const listed = expectStatus(await call(stack.gateway.url, '/api/v1/invoices?limit=100', { token: tokenFor('customer', mine) }), 200, 'list');
    const ids = (listed['items'] as Array<{ id: string }>).map((item) => item.id);
    assert.ok(ids.includes(mine.invoiceId), 'their issued invoice is listed');
    assert.ok(!ids.includes(mine.draftId), 'their draft is not (not an invoice yet)');
  });

  it('anything outside the table is not routed, and a customer cannot see a draft made for them', async () => {
    const objects = await world();
    assert.equal((await call(stack.billing.url, `/api/v1/invoices/${objects.invoiceId}`, { method: 'DELETE', token: admin })).status, 404);
    assert.equal((await call(stack.billing.url, `/api/v1/invoices/${objects.invoiceId}`, { method: 'PUT', token: admin, json: {} })).status, 404);
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
