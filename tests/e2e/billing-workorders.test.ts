import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { queueDepth, waitFor } from '@ecar/testkit';
import { WORKORDER_QUEUE } from '../../services/billing/src/messaging/subscriptions.ts';
import { call, startBillingStack, type BillingStack } from '../support/billing-stack.ts';
import { asInvoice, expectStatus, workOrderCompleted } from '../support/billing-fixtures.ts';

let stack: BillingStack;
let admin: string;

async function draftsOf(workOrderId: string): Promise<Array<{ id: string; owner: string | null }>> {
  return stack.billing.context.dataSource.query(`SELECT id, owner_user_id AS owner FROM invoices WHERE work_order_id = $1`, [workOrderId]);
}

async function handledEvents(): Promise<number> {
  const [row] = (await stack.billing.context.dataSource.query(`SELECT count(*)::int AS n FROM inbox_events WHERE consumer = 'billing.workorders'`)) as Array<{ n: number }>;
  return row!.n;
}

describe('billing: drafts from garage.workorder.completed', () => {
  before(async () => {
    stack = await startBillingStack('billwo', { WORKORDER_RETRY_DELAYS_MS: '100,200' });
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('the same event twice, and another event for the same work order, make exactly one draft', async () => {
    const customerUserId = randomUUID();
    const event = workOrderCompleted({ customerUserId });
    const workOrderId = String(event.data['workOrderId']);
    const handledBefore = await handledEvents();
    await stack.publish(event);
    await stack.publish(event);
    const sameWorkOrder = workOrderCompleted({ workOrderId, customerUserId });
    assert.notEqual(sameWorkOrder.id, event.id);
    await stack.publish(sameWorkOrder);
    // Both distinct event ids are handled (recorded in the inbox); the redelivered copy is skipped.
    await waitFor(async () => ((await handledEvents()) >= handledBefore + 2 ? true : undefined), { what: 'both events handled' });
    const drafts = await draftsOf(workOrderId);
    assert.equal(drafts.length, 1);
    assert.equal(drafts[0]!.owner, customerUserId);

    const draft = asInvoice(expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${drafts[0]!.id}`, { token: admin }), 200, 'read draft'));
    assert.equal(draft.status, 'draft');
    assert.equal(draft.origin, 'work_order');
    assert.equal(draft.number, null, 'drafts have no number');
    assert.equal(draft.lines.length, 2);
    assert.equal(draft.totals.htMillimes, 110_500);
    assert.equal(draft.vehicle?.plate, '123 TU 4567');
    const drafted = (await stack.publishedEvents('billing.invoice.drafted')).filter((e) => e.data['workOrderId'] === workOrderId);
    assert.equal(drafted.length, 1, 'one billing.invoice.drafted');
    assert.equal(drafted[0]!.correlationId, event.correlationId, 'the correlation id follows the work order');
    assert.equal(await queueDepth(`${stack.bus.queuePrefix}${WORKORDER_QUEUE}.dlq`), 0);
  });

  it('reads of an invoice are recorded for the audit log: who read which customer, for what (AUD-4)', async () => {
    const customerUserId = randomUUID();
    const event = workOrderCompleted({ customerUserId });
    await stack.publish(event);
    const [draft] = await waitFor(async () => {
      const rows = await draftsOf(String(event.data['workOrderId']));
      return rows.length === 1 ? rows : undefined;
    }, { what: 'the draft' });
    expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${draft!.id}/issue`, { method: 'POST', token: admin }), 200, 'issue');
    const customer = stack.token('customer', customerUserId);
    const correlationId = `read-${randomUUID()}`;
    const pdf = await call(stack.gateway.url, `/api/v1/invoices/${draft!.id}/pdf`, { token: customer, headers: { 'x-correlation-id': correlationId, 'user-agent': 'ecar-billing-e2e' } });
    assert.equal(pdf.status, 200);
    const accessed = await waitFor(async () => (await stack.publishedEvents('billing.invoice.accessed')).find((e) => e.correlationId === correlationId), {
      what: 'billing.invoice.accessed',
    });
    assert.deepEqual(accessed.actor, { userId: customerUserId, role: 'customer', ip: '127.0.0.1', userAgent: 'ecar-billing-e2e' });
    assert.deepEqual(accessed.subject, { type: 'invoice', id: draft!.id, ownerId: customerUserId });
    assert.deepEqual(accessed.data, { invoiceIds: [draft!.id], customerIds: [event.data['customerId']], purpose: 'pdf' });

    const listCorrelation = `list-${randomUUID()}`;
    expectStatus(await call(stack.gateway.url, `/api/v1/invoices`, { token: admin, headers: { 'x-correlation-id': listCorrelation } }), 200, 'list');
    const listed = await waitFor(async () => (await stack.publishedEvents('billing.invoice.accessed')).find((e) => e.correlationId === listCorrelation), {
      what: 'the list access',
    });
    assert.equal(listed.data['purpose'], 'list');
    assert.ok((listed.data['customerIds'] as string[]).includes(String(event.data['customerId'])), 'a list names every customer on the page');
  });

  it('a message that breaks the contract is retried, then dead-lettered, and does not block the next one', async () => {
    const broken = workOrderCompleted();
    (broken.data as Record<string, unknown>)['lines'] = [];
    await stack.publish(broken);
    const next = workOrderCompleted();
    await stack.publish(next);
    await waitFor(async () => ((await draftsOf(String(next.data['workOrderId']))).length === 1 ? true : undefined), { timeoutMs: 15_000, what: 'the draft after the broken message' });
    assert.equal((await draftsOf(String(broken.data['workOrderId']))).length, 0);
    assert.equal(await waitFor(async () => ((await queueDepth(`${stack.bus.queuePrefix}${WORKORDER_QUEUE}.dlq`)) >= 1 ? 1 : undefined), { timeoutMs: 15_000, what: 'dead-lettered' }), 1);
  });
});
