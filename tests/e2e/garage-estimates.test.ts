import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { allConsumerQueues, consumerQueueNames } from '@ecar/bus';
import { parseEventData, type EventEnvelope } from '@ecar/contracts';
import { AMQP_URL, createTestDatabase, waitFor, type TestDatabase } from '@ecar/testkit';
import { billingService, type BillingService } from '../../services/billing/src/service.ts';
import { WORKORDER_QUEUE } from '../../services/billing/src/messaging/subscriptions.ts';
import { TEIF_QUEUE } from '../../services/billing/src/messaging/teif-subscriptions.ts';
import { REPORTS_QUEUE } from '../../services/billing/src/messaging/report-subscriptions.ts';
import { createHousehold, expectStatus, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { call } from '../support/stack.ts';

/**
 * Issue #14, estimates: lines corrected or removed until approved, the customer's answer line by
 * line (app, or recorded by staff from a phone call), work found during the job awaiting a new
 * approval, versions kept — and, end to end over the real broker, billing's draft invoice holds
 * exactly the approved lines (garage's `workorder.completed` → billing's consumer).
 */

let stack: GarageStack;
let billing: BillingService;
let billingDb: TestDatabase;
let admin: string;
let connection: ChannelModel;
let channel: Channel;
const published: EventEnvelope[] = [];

interface Line {
  id: string;
  description: string;
  approval: string;
  unitPriceMillimes: number;
}

const send = (method: string, path: string, token: string, json?: unknown) => stack.call(path, { method, token, ...(json === undefined ? {} : { json }) });
const post = (path: string, token: string, json?: unknown) => send('POST', path, token, json);
const line = (description: string, unitPriceMillimes: number, kind: 'labour' | 'part' = 'part') => ({ kind, description, quantityMilli: 1000, unitPriceMillimes, vatRateBp: 1900 });

async function addLine(h: Household, token: string, description: string, price: number): Promise<Line> {
  return (await expectStatus(post(`/api/v1/work-orders/${h.workOrderId}/lines`, token, line(description, price)), 201)) as unknown as Line;
}

async function linesOf(h: Household): Promise<Line[]> {
  const card = await expectStatus(stack.call(`/api/v1/work-orders/${h.workOrderId}`, { token: admin }), 200);
  return card['lines'] as Line[];
}

const eventsOf = (type: string, workOrderId: string) => published.filter((event) => event.type === type && (event.data as Record<string, unknown>)['workOrderId'] === workOrderId);

/** Billing's draft for a work order, made from the completed event it consumed over the broker. */
async function draftInvoiceLines(workOrderId: string): Promise<string[]> {
  const invoice = await waitFor(
    async () => {
      const list = await call(billing.url, '/api/v1/invoices?status=draft&limit=100', { token: admin });
      return (list.body['items'] as Array<{ id: string; workOrderId: string | null }>).find((item) => item.workOrderId === workOrderId);
    },
    { what: `billing draft of ${workOrderId}`, timeoutMs: 30_000 },
  );
  const detail = await call(billing.url, `/api/v1/invoices/${invoice.id}`, { token: admin });
  assert.equal(detail.status, 200, JSON.stringify(detail.body));
  return (detail.body['lines'] as Array<{ description: string }>).map((item) => item.description).sort();
}

describe('garage estimates: editable lines, per-line approval, approval ceiling, versions (issue #14)', () => {
  before(async () => {
    stack = await startGarageStack('garageestimates');
    admin = stack.token('super-admin');
    billingDb = await createTestDatabase('garageestimates_billing');
    billing = await billingService.start({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'error',
      AMQP_URL,
      BUS_EXCHANGE: stack.bus.exchange,
      BUS_QUEUE_PREFIX: stack.bus.queuePrefix,
      DATABASE_URL: billingDb.url,
      AUTH_JWKS_URL: `${stack.auth.url}/.well-known/jwks.json`,
    });
    // Every event is routable (the relay publishes `mandatory`), and the test reads what garage published.
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
    await channel.assertExchange(stack.bus.exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, stack.bus.exchange, '#');
    await channel.consume(queue, (message) => {
      if (!message) return;
      published.push(JSON.parse(message.content.toString()) as EventEnvelope);
      channel.ack(message);
    });
  });
  after(async () => {
    await channel?.close();
    await connection?.close();
    await billing?.stop();
    await stack?.bus.cleanup([
      ...allConsumerQueues(consumerQueueNames(`${stack.bus.queuePrefix}${WORKORDER_QUEUE}`, billing.config.WORKORDER_RETRY_DELAYS_MS.map(Number))),
      ...allConsumerQueues(consumerQueueNames(`${stack.bus.queuePrefix}${TEIF_QUEUE}`, [1000, 5000, 30000])),
      ...allConsumerQueues(consumerQueueNames(`${stack.bus.queuePrefix}${REPORTS_QUEUE}`, [1000, 5000, 30000])),
    ]);
    await billingDb?.drop();
    await stack?.stop();
  });

  it('lines are corrected and removed until approved; a bad change is a 4xx problem', async () => {
    const h = await createHousehold(stack, admin);
    const wo = `/api/v1/work-orders/${h.workOrderId}`;
    const technician = stack.token('technician', h.technicianId);
    const typo = await addLine(h, admin, 'Plaquetes avant', 90_000);
    const extra = await addLine(h, technician, 'Balais essuie-glace', 25_000);
    assert.equal(typo.approval, 'draft');

    const fixed = await expectStatus(send('PATCH', `${wo}/lines/${typo.id}`, admin, { description: 'Plaquettes avant', unitPriceMillimes: 95_000 }), 200);
    assert.equal(fixed['description'], 'Plaquettes avant');
    assert.equal(fixed['unitPriceMillimes'], 95_000);
    assert.equal(fixed['quantityMilli'], 1000, 'fields not given are kept');
    await expectStatus(send('DELETE', `${wo}/lines/${extra.id}`, technician), 204);
    assert.deepEqual((await linesOf(h)).map((item) => item.description), ['Plaquettes avant']);

    const refusals: Array<[string, Promise<{ status: number; body: Record<string, unknown> }>, number]> = [
      ['empty patch', send('PATCH', `${wo}/lines/${typo.id}`, admin, {}), 400],
      ['negative price', send('PATCH', `${wo}/lines/${typo.id}`, admin, { unitPriceMillimes: -1 }), 400],
      ['unknown field', send('PATCH', `${wo}/lines/${typo.id}`, admin, { approval: 'approved' }), 400],
      ['unknown line', send('PATCH', `${wo}/lines/${randomUUID()}`, admin, { description: 'x' }), 404],
      ['removed line', send('DELETE', `${wo}/lines/${extra.id}`, admin), 404],
      ['malformed line id', send('DELETE', `${wo}/lines/not-a-uuid`, admin), 400],
      ['customer', send('PATCH', `${wo}/lines/${typo.id}`, stack.token('customer', h.userId), { description: 'x' }), 403],
    ];
    for (const [what, response, status] of refusals) {
      const answer = await response;
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
      assert.match(String(answer.body['type']), /^urn:ecar:problem:/, what);
    }

    await expectStatus(post(`${wo}/status`, admin, { status: 'estimate_sent' }), 200);
    assert.equal((await send('PATCH', `${wo}/lines/${typo.id}`, admin, { description: 'x' })).status, 409, 'a sent estimate is not changed under the customer');
    await expectStatus(post(`${wo}/status`, admin, { status: 'open' }), 200);
    assert.equal((await linesOf(h))[0]?.approval, 'draft', 'taken back to open: a draft again');
    await expectStatus(send('PATCH', `${wo}/lines/${typo.id}`, admin, { quantityMilli: 2000 }), 200);
  });

  it('the customer approves 3 of 4 lines: the invoice holds exactly those 3; a line found during the job is not invoiced until approved; a declined one never is', async () => {
    const h = await createHousehold(stack, admin);
    const wo = `/api/v1/work-orders/${h.workOrderId}`;
    const customer = stack.token('customer', h.userId);
    const technician = stack.token('technician', h.technicianId);
    const lines = [
      await addLine(h, admin, 'Vidange', 60_000),
      await addLine(h, admin, 'Filtre à huile', 20_000),
      await addLine(h, admin, 'Plaquettes avant', 95_000),
      await addLine(h, admin, 'Disques avant', 240_000),
    ];
    await expectStatus(post(`${wo}/status`, admin, { status: 'estimate_sent' }), 200);
    const asked = await waitFor(() => eventsOf('garage.estimate.approval_requested', h.workOrderId)[0], { what: 'approval requested on send' });
    const askedData = parseEventData('garage.estimate.approval_requested', asked.data);
    assert.equal(askedData.reason, 'estimate_sent');
    assert.equal(askedData.customerUserId, h.userId, 'a notifier knows whom to ask');
    assert.deepEqual([...askedData.lineIds].sort(), lines.map((item) => item.id).sort());

    const decisions = lines.map((item, index) => ({ lineId: item.id, decision: index === 3 ? 'declined' : 'approved' }));
    assert.equal((await post(`${wo}/estimate/decisions`, customer, { decisions: decisions.slice(0, 3) })).status, 409, 'a sent estimate is answered line by line, every line');
    assert.equal((await post(`${wo}/estimate/decisions`, customer, { decisions: [...decisions.slice(0, 3), { lineId: randomUUID(), decision: 'approved' }] })).status, 404);
    assert.equal((await post(`${wo}/estimate/decisions`, customer, { decisions: [decisions[0], decisions[0]] })).status, 400, 'each line once');
    assert.equal((await post(`${wo}/estimate/decisions`, customer, { decisions: [{ lineId: lines[0]!.id, decision: 'maybe' }] })).status, 400);
    assert.equal((await post(`${wo}/estimate/decisions`, admin, { decisions })).status, 403, 'staff record an answer with how, who and when');
    const answer = await expectStatus(post(`${wo}/estimate/decisions`, customer, { decisions }), 200);
    assert.equal(answer['status'], 'approved');
    assert.deepEqual(answer['approvedTotals'], { netMillimes: 175_000, vatMillimes: 33_250, grossMillimes: 208_250, vatByRate: [{ vatRateBp: 1900, baseMillimes: 175_000, vatMillimes: 33_250 }] });
    assert.equal((await post(`${wo}/estimate/decisions`, customer, { decisions: [decisions[0]] })).status, 409, 'already answered');
    assert.equal((await send('PATCH', `${wo}/lines/${lines[0]!.id}`, admin, { unitPriceMillimes: 1 })).status, 409, 'an approved line is not changed');
    assert.equal((await send('DELETE', `${wo}/lines/${lines[3]!.id}`, admin)).status, 409, 'a declined line is kept as declined');

    await expectStatus(post(`${wo}/status`, technician, { status: 'in_progress' }), 200);
    const found = await addLine(h, technician, 'Flexible de frein', 35_000);
    assert.equal(found.approval, 'awaiting_approval', 'work found during the job needs a new approval');
    const reasked = await waitFor(() => eventsOf('garage.estimate.approval_requested', h.workOrderId).find((event) => (event.data as { reason: string }).reason === 'line_added'), { what: 'approval requested for the new line' });
    assert.deepEqual((reasked.data as { lineIds: string[] }).lineIds, [found.id]);
    const card = await expectStatus(stack.call(wo, { token: customer }), 200);
    assert.equal((card['approvedTotals'] as { grossMillimes: number }).grossMillimes, 208_250, 'the ceiling stays what was approved');

    await expectStatus(post(`${wo}/status`, technician, { status: 'completed' }), 200);
    assert.deepEqual(await draftInvoiceLines(h.workOrderId), ['Filtre à huile', 'Plaquettes avant', 'Vidange']);
    const completed = eventsOf('garage.workorder.completed', h.workOrderId);
    assert.equal(completed.length, 1);
    assert.equal(parseEventData('garage.workorder.completed', completed[0]!.data).lines.length, 3);
  });

  it('staff record a phone approval (how, who, when, the words) of work found during the job: it is invoiced; versions show what was sent and approved', async () => {
    const h = await createHousehold(stack, admin);
    const wo = `/api/v1/work-orders/${h.workOrderId}`;
    const customer = stack.token('customer', h.userId);
    const technician = stack.token('technician', h.technicianId);
    await addLine(h, admin, 'Diagnostic', 30_000);
    await expectStatus(post(`${wo}/status`, admin, { status: 'estimate_sent' }), 200);
    await expectStatus(post(`${wo}/estimate/approve`, customer), 200);
    assert.equal((await linesOf(h))[0]?.approval, 'approved', 'the whole-estimate answer approves every line');
    await expectStatus(post(`${wo}/status`, admin, { status: 'in_progress' }), 200);
    const pump = await addLine(h, technician, 'Pompe à eau', 180_000);
    const belt = await addLine(h, technician, 'Courroie', 90_000);
    await expectStatus(send('PATCH', `${wo}/lines/${belt.id}`, technician, { unitPriceMillimes: 85_000 }), 200);
    await waitFor(() => eventsOf('garage.estimate.approval_requested', h.workOrderId).find((event) => (event.data as { reason: string }).reason === 'line_updated'), { what: 'asked again after a correction' });

    const phone = { method: 'phone', givenBy: 'Mme Trabelsi (épouse)', givenAt: new Date(Date.now() - 60_000).toISOString(), customerWords: 'Oui pour la pompe, pas la courroie pour le moment' };
    const bad: Array<[string, Record<string, unknown>]> = [
      ['future', { ...phone, givenAt: new Date(Date.now() + 86_400_000).toISOString() }],
      ['app is not recorded by staff', { ...phone, method: 'app' }],
      ['no words', { ...phone, customerWords: '' }],
    ];
    for (const [what, body] of bad) assert.equal((await post(`${wo}/estimate/recorded-decisions`, admin, { ...body, decisions: [{ lineId: pump.id, decision: 'approved' }] })).status, 400, what);
    assert.equal((await post(`${wo}/estimate/recorded-decisions`, customer, { ...phone, decisions: [{ lineId: pump.id, decision: 'approved' }] })).status, 403);
    const answer = await expectStatus(post(`${wo}/estimate/recorded-decisions`, admin, { ...phone, decisions: [{ lineId: pump.id, decision: 'approved' }, { lineId: belt.id, decision: 'declined' }] }), 200);
    assert.equal(answer['status'], 'in_progress', 'answers during the job do not move the order');
    assert.equal((answer['approvedTotals'] as { netMillimes: number }).netMillimes, 210_000);
    const decided = await waitFor(() => eventsOf('garage.estimate.lines_decided', h.workOrderId).find((event) => (event.data as { method: string }).method === 'phone'), { what: 'lines decided by phone' });
    assert.deepEqual(parseEventData('garage.estimate.lines_decided', decided.data).decisions, [{ lineId: pump.id, decision: 'approved' }, { lineId: belt.id, decision: 'declined' }]);
    assert.ok(!JSON.stringify(decided).includes('Trabelsi'), 'the event names no one');

    // The customer's words and who gave them are sealed at rest (ENC-1).
    const rows: Array<{ given_by_sealed: string; words_sealed: string }> = await stack.garage.domain.dataSource.query(
      `SELECT given_by_sealed, words_sealed FROM estimate_decisions WHERE work_order_id = $1 AND method = 'phone'`,
      [h.workOrderId],
    );
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.words_sealed, /^v1\./);
    assert.ok(!rows[0]!.words_sealed.includes('pompe') && !rows[0]!.given_by_sealed.includes('Trabelsi'));

    const versions = await expectStatus(stack.call(`${wo}/estimate/versions`, { token: admin }), 200);
    const items = versions['items'] as Array<{ version: number; kind: string; lines: Line[]; decision: Record<string, unknown> | null; approvedTotals: { netMillimes: number } }>;
    assert.deepEqual(items.map((item) => [item.version, item.kind]), [[1, 'sent'], [2, 'decision'], [3, 'sent'], [4, 'sent'], [5, 'sent'], [6, 'decision']]);
    assert.deepEqual(items[0]!.lines.map((item) => [item.description, item.approval]), [['Diagnostic', 'awaiting_approval']], 'what was sent');
    assert.equal(items[4]!.lines.find((item) => item.id === belt.id)?.unitPriceMillimes, 85_000, 'the corrected line as it was sent again');
    assert.equal(items[3]!.lines.find((item) => item.id === belt.id)?.unitPriceMillimes, 90_000, 'the earlier version keeps the first price');
    assert.deepEqual(items[5]!.decision && { ...items[5]!.decision, givenAt: undefined, recordedBy: undefined, ip: undefined }, { method: 'phone', givenBy: phone.givenBy, givenAt: undefined, customerWords: phone.customerWords, recordedBy: undefined, ip: undefined });
    assert.equal(items[5]!.approvedTotals.netMillimes, 210_000);
    assert.equal(items[1]!.decision?.['method'], 'app');
    assert.equal((await stack.call(`${wo}/estimate/versions`, { token: customer })).status, 403, 'versions are for staff');
    assert.equal((await stack.call(`${wo}/estimate/versions`, { token: technician })).status, 403);

    await expectStatus(post(`${wo}/status`, technician, { status: 'completed' }), 200);
    assert.deepEqual(await draftInvoiceLines(h.workOrderId), ['Diagnostic', 'Pompe à eau']);
  });
});
