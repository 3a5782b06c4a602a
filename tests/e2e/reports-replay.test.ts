import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import type { ReportReadModelResponse, ReportResponse } from '@ecar/contracts/responses/reports';
import { waitFor, waitForConsumer } from '@ecar/testkit';
import { startApiStack, type ApiStack } from '../support/api-stack.ts';
import { publishEvents } from '../support/audit-harness.ts';
import { call } from '../support/stack.ts';

/**
 * The reports' read model rebuilt from garage's history (docs/reports.md, issue 15): work orders
 * and time entries written in garage's database with no event ever reaching billing (a deployment
 * from before the read model's queue), then replayed by garage through its outbox at billing's
 * request. Expected figures by hand, from the fixture below (days before today, UTC):
 *
 *   WO1 opened 40 d ago, completed 30 d ago: T1 39 d ago 08:00–10:30 (2 h 30), T2 08:00–09:15 (1 h 15)
 *   WO2 opened 50 d ago, delivered:          T1 49 d ago 09:00–10:00 (1 h)
 *   WO3 opened 5 d ago, in progress:         T2 4 d ago from 13:00, running in garage's history; the
 *                                            clock-out at 15:00 (2 h) arrives live during the replay
 *   WO4 opened 1 d ago, open, no time.
 * Before the replay the read model has received one live clock event: T1's clock-in on WO1 as
 * garage published it before events carried the time entry (4 ms after the entry's start).
 * Hours clocked: T1 2,5 + 1 = 3,5 h → 3 500; T2 1,25 + 2 = 3,25 h → 3 250; none running.
 * Open work orders: open 1 (0–2 days, 1), in_progress 1 (3–7, 5), completed 1 (> 30, 40).
 */

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const WO = ['a1', 'a2', 'a3', 'a4'].map((n) => `000000${n}-0000-4000-8000-0000000000${n}`) as [string, string, string, string];
const ENTRY = ['e1', 'e2', 'e3', 'e4'].map((n) => `000000${n}-0000-4000-8000-0000000000${n}`) as [string, string, string, string];

/** Today in Tunis (UTC+1 all year): the report counts ages in the garage's calendar days. */
const TODAY = new Date(Date.now() + 3_600_000);
/** `hh:mm` UTC `days` days before today (the same calendar day in Tunis for any time from 00:00 to 22:59). */
function daysAgo(days: number, time = '12:00'): Date {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const day = new Date(Date.UTC(TODAY.getUTCFullYear(), TODAY.getUTCMonth(), TODAY.getUTCDate() - days, hours, minutes));
  return day;
}
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const PERIOD = `from=${isoDay(daysAgo(60))}&to=${isoDay(TODAY)}&granularity=month`;

let stack: ApiStack;
let admin: string;
let customerId: string;
let vehicleId: string;

const garageDb = () => stack.garage.context.dataSource;
const billingDb = () => stack.billing.context.dataSource;

async function ok<T>(response: Promise<{ status: number; body: unknown }>, status: number): Promise<T> {
  const result = await response;
  assert.equal(result.status, status, JSON.stringify(result.body));
  return result.body as T;
}

const report = () => ok<ReportResponse>(call(stack.gateway.url, `/api/v1/reports?${PERIOD}`, { token: admin }), 200);
const readModel = () => ok<ReportReadModelResponse>(call(stack.gateway.url, '/api/v1/reports/read-model', { token: admin }), 200);
const rebuild = () => ok<ReportReadModelResponse>(call(stack.gateway.url, '/api/v1/reports/read-model/rebuild', { method: 'POST', token: admin }), 202);

/** A clock event as garage publishes it, on the stack's exchange (one broker user for all services here). */
async function publishClock(workOrderId: string, technicianId: string, action: 'clock_in' | 'clock_out', occurredAt: Date, timeEntryId?: string): Promise<EventEnvelope> {
  const envelope = buildEvent({
    type: 'garage.workorder.time_recorded',
    producer: 'garage',
    correlationId: `replay-test-${randomUUID()}`,
    actor: { system: 'garage-test' },
    subject: { type: 'work-order', id: workOrderId },
    data: { workOrderId, customerId, vehicleId, status: 'in_progress', technicianId, action, ...(timeEntryId ? { timeEntryId } : {}) },
    occurredAt,
  });
  await publishEvents(stack.bus.exchange, [envelope]);
  return envelope;
}

/** Until billing's reports consumer has handled the event (its inbox row). */
async function handled(envelope: EventEnvelope): Promise<void> {
  await waitFor(
    async () => {
      const rows: unknown[] = await billingDb().query(`SELECT 1 FROM inbox_events WHERE event_id = $1`, [envelope.id]);
      return rows.length > 0 ? true : undefined;
    },
    { timeoutMs: 30_000, what: `billing handling ${envelope.type}` },
  );
}

/** Until the replay has been received to its last batch. */
async function finished(replayId: string): Promise<ReportReadModelResponse> {
  return waitFor(
    async () => {
      const state = await readModel();
      return state.replay?.id === replayId && state.replay.finishedAt !== null ? state : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `replay ${replayId} to finish` },
  );
}

const EXPECTED_HOURS = {
  technicians: [
    { technicianId: T1, clockedMilli: 3_500, billedMilli: 0 },
    { technicianId: T2, clockedMilli: 3_250, billedMilli: 0 },
  ],
  unattributedBilledMilli: 0,
  totalClockedMilli: 6_750,
  totalBilledMilli: 0,
  runningEntries: 0,
};

const EXPECTED_WORK_ORDERS = [
  { status: 'open', count: 1, byAge: { '0-2': 1, '3-7': 0, '8-30': 0, '30+': 0 }, oldestDays: 1 },
  { status: 'in_progress', count: 1, byAge: { '0-2': 0, '3-7': 1, '8-30': 0, '30+': 0 }, oldestDays: 5 },
  { status: 'completed', count: 1, byAge: { '0-2': 0, '3-7': 0, '8-30': 0, '30+': 1 }, oldestDays: 40 },
];

describe("reports: the read model rebuilt from garage's replayed history", () => {
  before(async () => {
    stack = await startApiStack('reports_replay');
    admin = stack.token('super-admin');
    await Promise.all([waitForConsumer(`${stack.bus.queuePrefix}garage.report-replays`), waitForConsumer(`${stack.bus.queuePrefix}billing.reports`)]);
    const n = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
    const customer = await ok<{ id: string }>(
      call(stack.gateway.url, '/api/v1/customers', {
        method: 'POST',
        token: admin,
        json: { kind: 'person', name: `Replay ${n}`, phone: `+216${n}`, email: `r${n}@example.tn`, address: 'rue de Carthage, Tunis', cin: n, consentMethod: 'written-form' },
      }),
      201,
    );
    customerId = customer.id;
    const vehicle = await ok<{ id: string }>(
      call(stack.gateway.url, '/api/v1/vehicles', { method: 'POST', token: admin, json: { customerId, plate: `${n.slice(0, 3)} TU ${n.slice(3, 7)}`, make: 'Renault', model: 'Clio', year: 2019, mileageKm: 54000 } }),
      201,
    );
    vehicleId = vehicle.id;
    // History written before the read model existed: rows in garage's database, no event published.
    const orders: Array<[string, string, Date, Date]> = [
      [WO[0], 'completed', daysAgo(40), daysAgo(30)],
      [WO[1], 'delivered', daysAgo(50), daysAgo(45)],
      [WO[2], 'in_progress', daysAgo(5), daysAgo(4)],
      [WO[3], 'open', daysAgo(1), daysAgo(1)],
    ];
    for (const [id, status, openedAt, updatedAt] of orders) {
      await garageDb().query(
        `INSERT INTO work_orders (id, customer_id, vehicle_id, status, complaint, opened_by, created_at, updated_at) VALUES ($1, $2, $3, $4, 'Révision', $5, $6, $7)`,
        [id, customerId, vehicleId, status, T1, openedAt, updatedAt],
      );
    }
    const entries: Array<[string, string, string, Date, Date | null]> = [
      [ENTRY[0], WO[0], T1, daysAgo(39, '08:00'), daysAgo(39, '10:30')],
      [ENTRY[1], WO[0], T2, daysAgo(39, '08:00'), daysAgo(39, '09:15')],
      [ENTRY[2], WO[1], T1, daysAgo(49, '09:00'), daysAgo(49, '10:00')],
      [ENTRY[3], WO[2], T2, daysAgo(4, '13:00'), null],
    ];
    for (const [id, workOrderId, technicianId, startedAt, endedAt] of entries) {
      await garageDb().query(`INSERT INTO time_entries (id, work_order_id, technician_id, started_at, ended_at) VALUES ($1, $2, $3, $4, $5)`, [id, workOrderId, technicianId, startedAt, endedAt]);
    }
    // The one live event the read model did receive, as garage published it before events carried the time entry.
    await handled(await publishClock(WO[0], T1, 'clock_in', new Date(daysAgo(39, '08:00').getTime() + 4)));
  });

  after(async () => {
    await stack?.stop();
  });

  it('before the replay the read model misses the history: no hours, no open work orders', async () => {
    const before = await report();
    // Only the live clock-in: an entry without its clock-out is running, not counted.
    assert.deepEqual(before.hours.technicians, []);
    assert.equal(before.hours.runningEntries, 1);
    assert.deepEqual(before.workOrders.rows, [{ status: 'in_progress', count: 1, byAge: { '0-2': 0, '3-7': 0, '8-30': 0, '30+': 1 }, oldestDays: 39 }]);
    const state = await readModel();
    assert.equal(state.workOrders, 1);
    assert.equal(state.replay, null);
  });

  it('a rebuild, with a live clock-out arriving during it, gives the hand-computed figures; each entry counted once', async () => {
    const started = await rebuild();
    assert.ok(started.replay, 'the rebuild is shown');
    assert.equal(started.replay.finishedAt, null);
    assert.equal(started.replay.requestedBy !== null, true);
    // Live, while garage replays: T2 clocks out of WO3 (garage stamps the entry, then publishes the event with its id).
    const clockOut = daysAgo(4, '15:00');
    await garageDb().query(`UPDATE time_entries SET ended_at = $2 WHERE id = $1`, [ENTRY[3], clockOut]);
    const live = await publishClock(WO[2], T2, 'clock_out', new Date(clockOut.getTime() + 3), ENTRY[3]);
    const state = await finished(started.replay.id);
    await handled(live);
    assert.equal(state.replay!.total, 4);
    assert.equal(state.replay!.applied, 4);
    assert.equal(state.workOrders, 4);
    assert.equal(state.timeEntries, 4);
    assert.equal(state.since, isoDay(daysAgo(50)), 'the oldest work order, WO2');
    const figures = await report();
    assert.deepEqual(figures.hours, EXPECTED_HOURS);
    assert.deepEqual(figures.workOrders.rows, EXPECTED_WORK_ORDERS);
    assert.equal(figures.workOrders.total, 3);
    // The live clock-in without an entry id was matched to the replayed one, not doubled.
    const [events] = (await billingDb().query(`SELECT count(*)::int AS n, count(time_entry_id)::int AS linked FROM report_time_events`)) as Array<{ n: number; linked: number }>;
    assert.deepEqual(events, { n: 8, linked: 8 });
  });

  it('a second rebuild changes no figure', async () => {
    const again = await rebuild();
    const state = await finished(again.replay!.id);
    assert.equal(state.replay!.applied, 4);
    assert.equal(state.timeEntries, 4);
    const figures = await report();
    assert.deepEqual(figures.hours, EXPECTED_HOURS);
    assert.deepEqual(figures.workOrders.rows, EXPECTED_WORK_ORDERS);
    const [events] = (await billingDb().query(`SELECT count(*)::int AS n FROM report_time_events`)) as Array<{ n: number }>;
    assert.equal(events?.n, 8);
  });

  it('asking while a rebuild is under way starts none and shows it; others than the super-admin get 403', async () => {
    const pending = randomUUID();
    await billingDb().query(`INSERT INTO report_replays (id, requested_by) VALUES ($1, $2)`, [pending, T1]);
    const answer = await rebuild();
    assert.equal(answer.replay?.id, pending);
    const [count] = (await billingDb().query(`SELECT count(*)::int AS n FROM report_replays`)) as Array<{ n: number }>;
    assert.equal(count?.n, 3);
    for (const role of ['technician', 'customer'] as const) {
      const token = stack.token(role);
      assert.equal((await call(stack.gateway.url, '/api/v1/reports/read-model', { token })).status, 403);
      assert.equal((await call(stack.gateway.url, '/api/v1/reports/read-model/rebuild', { method: 'POST', token })).status, 403);
    }
  });

  it('the request and each replayed batch are audited events', async () => {
    const audited = () =>
      stack.audit.context.dataSource.query(
        `SELECT type, count(*)::int AS n FROM audit_events WHERE type IN ('billing.reports.replay_requested', 'garage.workorder.replayed') GROUP BY type ORDER BY type`,
      ) as Promise<Array<{ type: string; n: number }>>;
    const rows = await waitFor(async () => {
      const found = await audited();
      return found.reduce((sum, row) => sum + row.n, 0) >= 4 ? found : undefined;
    }, { timeoutMs: 30_000, what: 'the audit records of both rebuilds' });
    assert.deepEqual(rows, [
      { type: 'billing.reports.replay_requested', n: 2 },
      { type: 'garage.workorder.replayed', n: 2 },
    ]);
  });
});
