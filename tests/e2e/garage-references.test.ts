import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { parseEventData, type EventEnvelope } from '@ecar/contracts';
import { queryRows } from '@ecar/db';
import { AMQP_URL, createTestDatabase, waitFor } from '@ecar/testkit';
import { garageMigrations } from '../../services/garage/src/data/migrations.ts';
import { advanceWorkOrder, createHousehold, expectStatus, nextSlot } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { createPart } from '../support/stock-fixtures.ts';

/**
 * Human references (issue #14): work orders, estimate versions sent, appointments and purchase
 * orders get a per-year number from the database, in the inserting transaction; the API returns it
 * and the events carry it (billing and notify cite it).
 */

let stack: GarageStack;
let admin: string;
let connection: ChannelModel;
let channel: Channel;
const seen: EventEnvelope[] = [];

const post = (path: string, token: string, json?: unknown) => stack.call(path, { method: 'POST', token, ...(json === undefined ? {} : { json }) });
const year = () => Number(new Intl.DateTimeFormat('en', { timeZone: 'Africa/Tunis', year: 'numeric' }).format(new Date()));
const sequence = (number: string) => Number(number.split('-')[2]);

describe('garage human references: OR-, DV-, RDV-, BC- numbers per year, race-free, in the API and the events', () => {
  before(async () => {
    stack = await startGarageStack('garageref');
    admin = stack.token('super-admin');
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
    await channel.assertExchange(stack.bus.exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const key of ['garage.workorder.#', 'garage.appointment.#', 'garage.estimate.#', 'garage.purchaseorder.#']) await channel.bindQueue(queue, stack.bus.exchange, key);
    await channel.consume(queue, (message) => {
      if (!message) return;
      seen.push(JSON.parse(message.content.toString()) as EventEnvelope);
      channel.ack(message);
    });
  });
  after(async () => {
    await channel?.close();
    await connection?.close();
    await stack?.stop();
  });

  it('twenty work orders opened at once get twenty distinct, consecutive numbers; a status change keeps the number and takes no counter value', async () => {
    const h = await createHousehold(stack, admin);
    const opened = await Promise.all(
      Array.from({ length: 20 }, () => expectStatus(post('/api/v1/work-orders', admin, { customerId: h.customerId, vehicleId: h.vehicleId, complaint: 'Bruit au freinage' }), 201)),
    );
    const numbers = opened.map((order) => String(order['number']));
    for (const number of numbers) assert.match(number, new RegExp(`^OR-${year()}-\\d{6}$`));
    assert.equal(new Set(numbers).size, 20, 'no number is given twice');
    const values = numbers.map(sequence).sort((a, b) => a - b);
    assert.equal(values.at(-1)! - values[0]!, 19, `consecutive: ${values.join(',')}`);

    const wo = `/api/v1/work-orders/${String(opened[0]!['id'])}`;
    await expectStatus(post(`${wo}/lines`, admin, { kind: 'labour', description: 'Diagnostic', quantityMilli: 1000, unitPriceMillimes: 30_000 }), 201);
    const sent = await expectStatus(post(`${wo}/status`, admin, { status: 'estimate_sent' }), 200);
    assert.equal(sent['number'], numbers[0]);
    const detail = await expectStatus(stack.call(wo, { token: admin }), 200);
    assert.equal(detail['number'], numbers[0]);
    const listed = await expectStatus(stack.call('/api/v1/work-orders?limit=100', { token: admin }), 200);
    const row = (listed['items'] as Array<Record<string, unknown>>).find((item) => item['id'] === opened[0]!['id']);
    assert.equal(row?.['number'], numbers[0]);
    const next = await expectStatus(post('/api/v1/work-orders', admin, { customerId: h.customerId, vehicleId: h.vehicleId, complaint: 'Vidange' }), 201);
    assert.equal(sequence(String(next['number'])), values.at(-1)! + 1, 'the upsert of a status change took no number');
    const [counter] = await queryRows<{ last_value: number }>(stack.garage.domain.dataSource, `SELECT last_value FROM reference_counters WHERE prefix = 'OR' AND year = $1`, [year()]);
    assert.equal(counter!.last_value, sequence(String(next['number'])));

    // The events cite it: status_changed (notify's "estimate ready"), approval_requested with the DV number.
    await waitFor(() => seen.find((e) => e.type === 'garage.workorder.status_changed' && (e.data as { workOrderId: string }).workOrderId === opened[0]!['id']));
    const changed = seen.find((e) => e.type === 'garage.workorder.status_changed' && (e.data as { workOrderId: string }).workOrderId === opened[0]!['id'])!;
    assert.equal(parseEventData('garage.workorder.status_changed', changed.data).workOrderNumber, numbers[0]);
    const asked = await waitFor(() => seen.find((e) => e.type === 'garage.estimate.approval_requested' && (e.data as { workOrderId: string }).workOrderId === opened[0]!['id']));
    assert.match(String(parseEventData('garage.estimate.approval_requested', asked.data).estimateNumber), new RegExp(`^DV-${year()}-\\d{6}$`));
  });

  it('each estimate version sent gets a DV number, a decision version none; the completed event carries the OR number billing prints', async () => {
    const h = await createHousehold(stack, admin);
    const wo = `/api/v1/work-orders/${h.workOrderId}`;
    await advanceWorkOrder(stack, admin, h, 'in_progress');
    await expectStatus(post(`${wo}/lines`, admin, { kind: 'part', description: 'Plaquettes', quantityMilli: 1000, unitPriceMillimes: 80_000 }), 201);
    const versions = await expectStatus(stack.call(`${wo}/estimate/versions`, { token: admin }), 200);
    const items = versions['items'] as Array<{ kind: string; number: string | null; version: number }>;
    const sent = items.filter((item) => item.kind === 'sent');
    assert.equal(sent.length, 2, 'the estimate, then the line found during the job');
    for (const item of sent) assert.match(String(item.number), new RegExp(`^DV-${year()}-\\d{6}$`));
    assert.notEqual(sent[0]!.number, sent[1]!.number);
    for (const item of items.filter((entry) => entry.kind === 'decision')) assert.equal(item.number, null);

    const order = await expectStatus(stack.call(wo, { token: admin }), 200);
    await expectStatus(post(`${wo}/status`, admin, { status: 'completed' }), 200);
    const done = await waitFor(() => seen.find((e) => e.type === 'garage.workorder.completed' && (e.data as { workOrderId: string }).workOrderId === h.workOrderId));
    assert.equal(parseEventData('garage.workorder.completed', done.data).workOrderNumber, order['number']);
  });

  it('appointments and purchase orders are numbered RDV- and BC-; the customer reads their appointment number', async () => {
    const h = await createHousehold(stack, admin);
    const customer = stack.token('customer', h.userId);
    const mine = await expectStatus(stack.call(`/api/v1/appointments/${h.appointmentId}`, { token: customer }), 200);
    assert.match(String(mine['number']), new RegExp(`^RDV-${year()}-\\d{6}$`));
    const booked = await expectStatus(post('/api/v1/appointments', customer, { customerId: h.customerId, vehicleId: h.vehicleId, slotStart: nextSlot() }), 201);
    assert.equal(sequence(String(booked['number'])) > sequence(String(mine['number'])), true);
    const confirmed = await expectStatus(post(`/api/v1/appointments/${String(booked['id'])}/confirm`, admin), 200);
    assert.equal(confirmed['number'], booked['number']);
    const event = await waitFor(() => seen.find((e) => e.type === 'garage.appointment.confirmed' && (e.data as { appointmentId: string }).appointmentId === booked['id']));
    assert.equal(parseEventData('garage.appointment.confirmed', event.data).appointmentNumber, booked['number']);

    const part = await createPart(stack, admin);
    const supplier = await expectStatus(post('/api/v1/suppliers', admin, { name: 'Pièces Sousse' }), 201);
    const po = await expectStatus(post('/api/v1/purchase-orders', admin, { supplierId: supplier['id'], location: 'main', lines: [{ partId: part['id'], quantityMilli: 1000 }] }), 201);
    assert.match(String(po['number']), new RegExp(`^BC-${year()}-\\d{6}$`));
    const read = await expectStatus(stack.call(`/api/v1/purchase-orders/${String(po['id'])}`, { token: admin }), 200);
    assert.equal(read['number'], po['number']);
  });
});

describe('migration GarageWorkshop1797200000000 numbers the rows that existed before it', () => {
  it('per year, in creation order; the counters continue after them', async () => {
    const database = await createTestDatabase('garagerefmig');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const runner = { query: (sql: string) => client.query(sql) };
      // In the order the runner applies them (by the timestamp ending each name), up to this one.
      const stamp = (migration: { name: string }) => Number(/\d+$/.exec(migration.name)![0]);
      const ordered = [...garageMigrations].sort((a, b) => stamp(a) - stamp(b));
      const at = ordered.findIndex((migration) => migration.name === 'GarageWorkshop1797200000000');
      assert.ok(at > 0, 'the migration is in the list');
      const last = ordered[at]!;
      for (const Migration of ordered.slice(0, at)) await new Migration().up(runner as never);
      const customer = randomUUID();
      const vehicle = randomUUID();
      await client.query(`INSERT INTO customers (id, kind, name) VALUES ($1, 'person', 'Old')`, [customer]);
      await client.query(`INSERT INTO vehicles (id, customer_id, plate_sealed, plate_bidx, make, model, year, mileage_km) VALUES ($1,$2,'x','x','Renault','Clio',2015,1)`, [vehicle, customer]);
      const orders = [
        ['2025-12-31T22:30:00Z', randomUUID()], // 2025-12-31 23:30 in Tunis: 2025
        ['2025-03-01T08:00:00Z', randomUUID()],
        ['2026-01-02T08:00:00Z', randomUUID()],
      ] as const;
      for (const [at, id] of orders) {
        await client.query(`INSERT INTO work_orders (id, customer_id, vehicle_id, status, complaint, opened_by, created_at) VALUES ($1,$2,$3,'open','x',$4,$5)`, [id, customer, vehicle, randomUUID(), at]);
      }
      await client.query(
        `INSERT INTO estimate_versions (id, work_order_id, version, kind, lines, totals, approved_totals, created_by, created_at) VALUES
           ($1, $3, 1, 'sent', '[]', '{}', '{}', $4, '2026-01-02T09:00:00Z'), ($2, $3, 2, 'decision', '[]', '{}', '{}', $4, '2026-01-02T10:00:00Z')`,
        [randomUUID(), randomUUID(), orders[2][1], randomUUID()],
      );
      await client.query(`INSERT INTO appointments (id, customer_id, slot_start, status, requested_by) VALUES ($1,$2,now(),'requested',$3)`, [randomUUID(), customer, randomUUID()]);
      await new last().up(runner as never);

      const { rows } = await client.query<{ id: string; number: string }>(`SELECT id, number FROM work_orders`);
      const byId = new Map(rows.map((row) => [row.id, row.number]));
      assert.equal(byId.get(orders[1][1]), 'OR-2025-000001');
      assert.equal(byId.get(orders[0][1]), 'OR-2025-000002');
      assert.equal(byId.get(orders[2][1]), 'OR-2026-000001');
      const versions = await client.query<{ kind: string; number: string | null }>(`SELECT kind, number FROM estimate_versions ORDER BY version`);
      assert.deepEqual(versions.rows, [{ kind: 'sent', number: 'DV-2026-000001' }, { kind: 'decision', number: null }]);
      const { rows: appointments } = await client.query<{ number: string }>(`SELECT number FROM appointments`);
      assert.match(appointments[0]!.number, /^RDV-\d{4}-000001$/);
      // A new row continues the year's counter; a row saved again (upsert) keeps its number.
      const fresh = randomUUID();
      await client.query(`INSERT INTO work_orders (id, customer_id, vehicle_id, status, complaint, opened_by, created_at) VALUES ($1,$2,$3,'open','x',$4,'2025-06-01T00:00:00Z')`, [fresh, customer, vehicle, randomUUID()]);
      assert.equal((await client.query(`SELECT number FROM work_orders WHERE id = $1`, [fresh])).rows[0].number, 'OR-2025-000003');
      await client.query(
        `INSERT INTO work_orders (id, customer_id, vehicle_id, status, complaint, opened_by, created_at) VALUES ($1,$2,$3,'cancelled','x',$4,'2025-06-01T00:00:00Z')
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status`,
        [fresh, customer, vehicle, randomUUID()],
      );
      assert.deepEqual((await client.query(`SELECT number, status FROM work_orders WHERE id = $1`, [fresh])).rows[0], { number: 'OR-2025-000003', status: 'cancelled' });
      assert.equal((await client.query(`SELECT last_value FROM reference_counters WHERE prefix = 'OR' AND year = 2025`)).rows[0].last_value, 3);
      await assert.rejects(client.query(`UPDATE work_orders SET number = 'OR-2025-000001' WHERE id = $1`, [fresh]), /unique/);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
