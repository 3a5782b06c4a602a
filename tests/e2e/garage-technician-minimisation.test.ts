import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { Params, workOrderReach } from '../../services/garage/src/data/scope.ts';
import { advanceWorkOrder, createHousehold, expectStatus, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

/**
 * Issue 12, finding 7: a technician's job card carries no customer address (estimateDecidedIp);
 * a technician may not look customers up by fields they cannot read; their reach ends a
 * configured time after the work order is delivered or cancelled.
 */
let stack: GarageStack;
let admin: string;

describe('technician data minimisation (issue 12, finding 7)', () => {
  before(async () => {
    stack = await startGarageStack('garagemin');
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('the estimate decision’s address reaches the garage, never the technician (card, list, their own changes)', async () => {
    const h = await createHousehold(stack, admin);
    await advanceWorkOrder(stack, admin, h, 'approved');
    const path = `/api/v1/work-orders/${h.workOrderId}`;
    const forAdmin = await expectStatus(stack.call(path, { token: admin }), 200);
    assert.ok(forAdmin['estimateDecidedIp'], 'the garage sees the address it recorded');
    const technician = stack.token('technician', h.technicianId);
    const card = await expectStatus(stack.call(path, { token: technician }), 200);
    assert.equal(card['estimateDecidedIp'], null);
    assert.ok(!JSON.stringify(card).includes(String(forAdmin['estimateDecidedIp'])), 'the address appears nowhere in the card');
    const list = await expectStatus(stack.call(`/api/v1/work-orders?vehicleId=${h.vehicleId}`, { token: technician }), 200);
    const rows = list['items'] as Array<Record<string, unknown>>;
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!['estimateDecidedIp'], null);
    const started = await expectStatus(stack.call(`${path}/status`, { method: 'POST', token: technician, json: { status: 'in_progress' } }), 200);
    assert.equal(started['estimateDecidedIp'], null);
  });

  it('a technician may not look customers up by e-mail, CIN or tax ID (403), the phone stays; the super-admin keeps every filter', async () => {
    const h = await createHousehold(stack, admin);
    const customer = await expectStatus(stack.call(`/api/v1/customers/${h.customerId}`, { token: admin }), 200);
    const email = String(customer['email']);
    const cin = String(customer['cin']);
    assert.ok(email.includes('@') && cin.length > 0);
    const technician = stack.token('technician', h.technicianId);
    const filters = { email, cin, taxId: '1234567APM000' };
    for (const [name, value] of Object.entries(filters)) {
      const refused = await stack.call(`/api/v1/customers?${name}=${encodeURIComponent(value)}`, { token: technician });
      assert.equal(refused.status, 403, `${name}: ${JSON.stringify(refused.body)}`);
      assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.match(String(refused.body['detail']), new RegExp(name));
    }
    // Combined with an allowed filter, still refused: the oracle is the e-mail term, whatever else is asked.
    assert.equal((await stack.call(`/api/v1/customers?phone=${encodeURIComponent(h.phone)}&email=${encodeURIComponent(email)}`, { token: technician })).status, 403);
    const byPhone = await expectStatus(stack.call(`/api/v1/customers?phone=${encodeURIComponent(h.phone)}`, { token: technician }), 200);
    assert.deepEqual((byPhone['items'] as Array<Record<string, unknown>>).map((row) => row['id']), [h.customerId]);
    for (const query of [`email=${encodeURIComponent(email)}`, `cin=${encodeURIComponent(cin)}`]) {
      const found = await expectStatus(stack.call(`/api/v1/customers?${query}`, { token: admin }), 200);
      assert.deepEqual((found['items'] as Array<Record<string, unknown>>).map((row) => row['id']), [h.customerId], query);
    }
    // The counter search (no e-mail/CIN/tax ID kind) is refused to technicians outright.
    assert.equal((await stack.call(`/api/v1/customers/search?q=${encodeURIComponent(h.phone.slice(-4))}`, { token: technician })).status, 403);
  });

  describe('reach after the work order is closed', () => {
    async function backdateClosing(workOrderId: string, hoursAgo: number): Promise<void> {
      const client = new pg.Client({ connectionString: stack.databases.garage.url });
      await client.connect();
      try {
        await client.query(`UPDATE work_orders SET delivered_at = now() - make_interval(hours => $2), updated_at = now() - make_interval(hours => $2) WHERE id = $1`, [workOrderId, hoursAgo]);
      } finally {
        await client.end();
      }
    }

    async function reach(h: Household): Promise<number[]> {
      const technician = stack.token('technician', h.technicianId);
      const statuses = [];
      for (const path of [`/api/v1/customers/${h.customerId}`, `/api/v1/vehicles/${h.vehicleId}`, `/api/v1/work-orders/${h.workOrderId}`]) {
        statuses.push((await stack.call(path, { token: technician })).status);
      }
      const lists = [`/api/v1/customers?phone=${encodeURIComponent(h.phone)}`, `/api/v1/work-orders?vehicleId=${h.vehicleId}`];
      for (const path of lists) {
        const page = await expectStatus(stack.call(path, { token: technician }), 200);
        statuses.push((page['items'] as unknown[]).length);
      }
      return statuses;
    }

    async function delivered(): Promise<Household> {
      const h = await createHousehold(stack, admin);
      await advanceWorkOrder(stack, admin, h, 'in_progress');
      for (const status of ['completed', 'delivered']) {
        await expectStatus(stack.call(`/api/v1/work-orders/${h.workOrderId}/status`, { method: 'POST', token: admin, json: { status } }), 200);
      }
      return h;
    }

    it('a delivered job keeps its technician’s reach for 7 days (the default), then customer, vehicle and job answer 404 and leave the lists', async () => {
      const h = await delivered();
      assert.deepEqual(await reach(h), [200, 200, 200, 1, 1], 'just delivered: still in reach');
      await backdateClosing(h.workOrderId, 7 * 24 - 1);
      assert.deepEqual(await reach(h), [200, 200, 200, 1, 1], 'delivered 6 days 23 hours ago: still in reach');
      await backdateClosing(h.workOrderId, 7 * 24 + 1);
      assert.deepEqual(await reach(h), [404, 404, 404, 0, 0], 'delivered over 7 days ago: out of reach, as another technician’s job');
      // The super-admin and the customer keep theirs.
      await expectStatus(stack.call(`/api/v1/work-orders/${h.workOrderId}`, { token: admin }), 200);
      await expectStatus(stack.call(`/api/v1/work-orders/${h.workOrderId}`, { token: stack.token('customer', h.userId) }), 200);
    });

    it('a cancelled job ends the reach the same way; a job still open never expires', async () => {
      const cancelled = await createHousehold(stack, admin);
      await expectStatus(stack.call(`/api/v1/work-orders/${cancelled.workOrderId}/status`, { method: 'POST', token: admin, json: { status: 'cancelled' } }), 200);
      await backdateClosing(cancelled.workOrderId, 7 * 24 + 1);
      assert.deepEqual(await reach(cancelled), [404, 404, 404, 0, 0]);
      const open = await createHousehold(stack, admin);
      await advanceWorkOrder(stack, admin, open, 'in_progress');
      await backdateClosing(open.workOrderId, 365 * 24);
      assert.deepEqual(await reach(open), [200, 200, 200, 1, 1], 'a job in progress, however old, stays in reach');
    });

    it('a database session without the reach setting gives no reach to a closed job (fails closed), and still to an open one', async () => {
      const closed = await delivered();
      const open = await createHousehold(stack, admin);
      const client = new pg.Client({ connectionString: stack.databases.garage.url });
      await client.connect();
      try {
        const reaches = async (h: Household) => {
          const params = new Params();
          const caller = { userId: h.technicianId, role: 'technician' as const, ip: '127.0.0.1', userAgent: 'test', correlationId: 'test' };
          const sql = `SELECT count(*)::int AS n FROM work_orders w WHERE w.id = ${params.add(h.workOrderId)} AND ${workOrderReach(caller, 'w', params)}`;
          return ((await client.query(sql, params.values)).rows[0] as { n: number }).n;
        };
        assert.equal(await reaches(closed), 0, 'delivered a moment ago, but no window configured on this session');
        assert.equal(await reaches(open), 1);
      } finally {
        await client.end();
      }
    });

    it('TECHNICIAN_REACH_AFTER_CLOSE_HOURS=0 ends the reach at delivery', async () => {
      const h = await delivered();
      assert.equal((await stack.call(`/api/v1/work-orders/${h.workOrderId}`, { token: stack.token('technician', h.technicianId) })).status, 200);
      await stack.restartGarage({ TECHNICIAN_REACH_AFTER_CLOSE_HOURS: '0' });
      try {
        assert.deepEqual(await reach(h), [404, 404, 404, 0, 0]);
      } finally {
        await stack.restartGarage({ TECHNICIAN_REACH_AFTER_CLOSE_HOURS: '168' });
      }
    });
  });
});
