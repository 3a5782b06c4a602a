import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { buildEvent, type EventEnvelope, type EventType } from '@ecar/contracts';
import type { ReportResponse } from '@ecar/contracts/responses/reports';
import { call, startBillingStack, type BillingStack } from '../support/billing-stack.ts';
import { COMPANY_BUYER, PERSON_BUYER, createDraft, expectStatus, issue } from '../support/billing-fixtures.ts';

/**
 * Reports (issue 15): every figure below is computed by hand from the fixture in this file and
 * written literally; none is derived from the code under test. Tunis is UTC+1 all year; the
 * clock issues each document at 10:00 UTC on its date, and "today" is 2026-06-30.
 *
 * Invoices (HT / TVA / stamp / TTC, in millimes):
 *   D 2026-01-15 manual   other 1 × 500 000 @19 %                       500 000 / 95 000 / 1 000 / 596 000
 *   A 2026-03-10 manual   labour 2 h × 50 000 @19 % + part 200 000 @7 %   300 000 / 33 000 / 1 000 / 334 000
 *   B 2026-03-20 WO1      labour 3 h × 40 000 @19 % + 2 × 15 500 @13 %    151 000 / 26 830 / 1 000 / 178 830
 *   C 2026-04-05 WO2      labour 1,5 h × 60 000 + part 10 001, both @19 % 100 001 / 19 000 (19 000,19 rounded) / 1 000 / 120 001
 *   E 2026-05-02 WO3      labour 1 h × 30 000 @19 %                         30 000 /  5 700 / 1 000 /  36 700
 *   G 2026-05-15 manual   other 2 × 25 000 @13 %                            50 000 /  6 500 / 1 000 /  57 500
 *   F 2026-06-10 manual   other 1 × 10 000 @19 %, stamp-exempt buyer        10 000 /  1 900 /     0 /  11 900
 * Credit notes: CN1 2026-04-10 on A, partial, 100 000 @7 % → 100 000 / 7 000 / 0 / 107 000;
 *               CN2 2026-05-03 on E, full → 30 000 / 5 700 / 1 000 (the stamp given back) / 36 700.
 * Payments: A 50 000 on 03-15; B 178 830 on 03-25; C 20 001 on 04-06; G 7 500 on 05-20; D 96 000 on 06-20.
 */

const execute = promisify(execFile);
let stack: BillingStack;
let admin: string;
let scratch: string;

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const WO = Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, `0000000${n}-0000-4000-8000-00000000000${n}`])) as Record<number, string>;
const CUSTOMER = randomUUID();
const VEHICLE = randomUUID();

const at = (date: string) => new Date(`${date}T10:00:00Z`);

/** A work-order event as garage publishes it (status after the event), at a chosen instant. */
function workOrderEvent(type: EventType, workOrder: string, status: string, occurredAt: string, extra: Record<string, unknown> = {}): EventEnvelope {
  return buildEvent({
    type: type as 'garage.workorder.status_changed',
    producer: 'garage',
    correlationId: `report-${randomUUID()}`,
    actor: { system: 'garage-test' },
    subject: { type: 'work-order', id: workOrder },
    data: { workOrderId: workOrder, customerId: CUSTOMER, vehicleId: VEHICLE, status, ...extra } as never,
    occurredAt: new Date(occurredAt),
  });
}

const clock = (workOrder: string, technicianId: string, action: 'clock_in' | 'clock_out', occurredAt: string) =>
  workOrderEvent('garage.workorder.time_recorded', workOrder, 'in_progress', occurredAt, { technicianId, action });

function completed(workOrder: string, occurredAt: string, lines: Array<Record<string, unknown>>): EventEnvelope {
  return buildEvent({
    type: 'garage.workorder.completed',
    producer: 'garage',
    correlationId: `report-${randomUUID()}`,
    actor: { system: 'garage-test' },
    subject: { type: 'work-order', id: workOrder },
    data: {
      workOrderId: workOrder,
      customerId: CUSTOMER,
      buyer: { name: 'Amira Ben Salem', kind: 'person', cin: '01234567', stampExempt: false },
      vehicle: { plate: '123 TU 4567', description: 'Peugeot 208' },
      completedAt: occurredAt,
      lines: lines as never,
    },
    occurredAt: new Date(occurredAt),
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const db = () => stack.billing.context.dataSource;

async function draftOf(workOrder: string): Promise<string> {
  return until(`the draft of ${workOrder}`, async () => {
    const rows: Array<{ id: string }> = await db().query(`SELECT id FROM invoices WHERE work_order_id = $1`, [workOrder]);
    return rows[0]?.id;
  });
}

async function issueOn(date: string, invoiceId: string): Promise<string> {
  stack.clock.set(at(date));
  await issue(stack, admin, invoiceId);
  return invoiceId;
}

async function manualInvoice(date: string, lines: Array<Record<string, unknown>>, buyer: Record<string, unknown> = COMPANY_BUYER): Promise<string> {
  return issueOn(date, await createDraft(stack, admin, { buyer, lines }));
}

async function pay(invoiceId: string, amountMillimes: number, receivedOn: string): Promise<void> {
  expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}/payments`, { method: 'POST', token: admin, json: { method: 'cash', amountMillimes, receivedOn } }), 201, 'payment');
}

async function creditNote(date: string, invoiceId: string, body: Record<string, unknown>): Promise<void> {
  stack.clock.set(at(date));
  expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}/credit-notes`, { method: 'POST', token: admin, json: body }), 201, 'credit note');
}

async function report(query: string, token = admin): Promise<ReportResponse> {
  return expectStatus(await call(stack.gateway.url, `/api/v1/reports?${query}`, { token }), 200, `report ${query}`) as unknown as ReportResponse;
}

async function download(query: string): Promise<{ response: Response; bytes: Buffer }> {
  const response = await fetch(`${stack.gateway.url}/api/v1/reports/export?${query}`, { headers: { authorization: `Bearer ${admin}` } });
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.equal(response.status, 200, bytes.toString('utf8').slice(0, 500));
  return { response, bytes };
}

const HALF_YEAR = 'from=2026-01-01&to=2026-06-30';
let timeEvent: EventEnvelope;

describe('reports: figures equal to a hand computation over a fixture of invoices', () => {
  before(async () => {
    stack = await startBillingStack('reports');
    admin = stack.token('super-admin');
    scratch = await mkdtemp(join(tmpdir(), 'ecar-reports-'));

    // Garage's events: the read model of work orders and technician time. Some arrive out of order.
    timeEvent = clock(WO[1]!, T1, 'clock_in', '2026-03-16T08:00:00Z');
    const events = [
      workOrderEvent('garage.workorder.opened', WO[1]!, 'open', '2026-03-15T09:00:00Z'),
      workOrderEvent('garage.workorder.status_changed', WO[1]!, 'in_progress', '2026-03-16T07:00:00Z', { from: 'approved' }),
      clock(WO[1]!, T1, 'clock_out', '2026-03-16T10:00:00Z'), // before its clock-in: order of arrival does not matter
      timeEvent,
      clock(WO[1]!, T2, 'clock_in', '2026-03-16T08:00:00Z'),
      clock(WO[1]!, T2, 'clock_out', '2026-03-16T09:00:00Z'),
      clock(WO[1]!, T1, 'clock_in', '2026-03-17T08:00:00Z'),
      clock(WO[1]!, T1, 'clock_out', '2026-03-17T09:00:00Z'),
      completed(WO[1]!, '2026-03-19T12:00:00Z', [
        { kind: 'labour', description: 'Main-d’œuvre', quantityMilli: 3000, unitPriceMillimes: 40_000, vatRateBp: 1900 },
        { kind: 'part', description: 'Disques', quantityMilli: 2000, unitPriceMillimes: 15_500, vatRateBp: 1300 },
      ]),
      workOrderEvent('garage.workorder.status_changed', WO[1]!, 'delivered', '2026-03-25T09:00:00Z', { from: 'completed' }),
      workOrderEvent('garage.workorder.opened', WO[2]!, 'open', '2026-04-01T09:00:00Z'),
      clock(WO[2]!, T2, 'clock_in', '2026-04-02T07:00:00Z'),
      clock(WO[2]!, T2, 'clock_out', '2026-04-02T09:30:00Z'),
      completed(WO[2]!, '2026-04-04T12:00:00Z', [
        { kind: 'labour', description: 'Main-d’œuvre', quantityMilli: 1500, unitPriceMillimes: 60_000, vatRateBp: 1900 },
        { kind: 'part', description: 'Filtre', quantityMilli: 1000, unitPriceMillimes: 10_001, vatRateBp: 1900 },
      ]),
      workOrderEvent('garage.workorder.opened', WO[3]!, 'open', '2026-04-28T09:00:00Z'),
      clock(WO[3]!, T1, 'clock_in', '2026-05-01T08:00:00Z'),
      clock(WO[3]!, T1, 'clock_out', '2026-05-01T09:00:00Z'),
      completed(WO[3]!, '2026-05-01T12:00:00Z', [{ kind: 'labour', description: 'Contrôle', quantityMilli: 1000, unitPriceMillimes: 30_000, vatRateBp: 1900 }]),
      workOrderEvent('garage.workorder.status_changed', WO[3]!, 'delivered', '2026-05-02T09:00:00Z', { from: 'completed' }),
      workOrderEvent('garage.workorder.opened', WO[4]!, 'open', '2026-06-28T08:00:00Z'),
      workOrderEvent('garage.workorder.status_changed', WO[4]!, 'in_progress', '2026-06-28T09:00:00Z', { from: 'approved' }),
      clock(WO[4]!, T1, 'clock_in', '2026-06-29T08:00:00Z'), // still running
      workOrderEvent('garage.workorder.opened', WO[5]!, 'open', '2026-06-25T10:00:00Z'),
      workOrderEvent('garage.workorder.status_changed', WO[6]!, 'estimate_sent', '2026-06-11T10:00:00Z', { from: 'open' }), // before its opening
      workOrderEvent('garage.workorder.opened', WO[6]!, 'open', '2026-06-10T10:00:00Z'),
      workOrderEvent('garage.workorder.opened', WO[7]!, 'open', '2026-06-01T10:00:00Z'),
      workOrderEvent('garage.workorder.status_changed', WO[7]!, 'cancelled', '2026-06-02T10:00:00Z', { from: 'open' }),
    ];
    for (const event of events) await stack.publish(event);

    const d = await manualInvoice('2026-01-15', [{ kind: 'other', description: 'Carrosserie', quantityMilli: 1000, unitPriceMillimes: 500_000, vatRateBp: 1900 }], PERSON_BUYER);
    const a = await manualInvoice('2026-03-10', [
      { kind: 'labour', description: 'Main-d’œuvre', quantityMilli: 2000, unitPriceMillimes: 50_000, vatRateBp: 1900 },
      { kind: 'part', description: 'Pièce', quantityMilli: 1000, unitPriceMillimes: 200_000, vatRateBp: 700 },
    ]);
    const b = await issueOn('2026-03-20', await draftOf(WO[1]!));
    const c = await issueOn('2026-04-05', await draftOf(WO[2]!));
    await creditNote('2026-04-10', a, { reason: 'Geste commercial', lines: [{ description: 'Remise pièce', quantityMilli: 1000, unitPriceMillimes: 100_000, vatRateBp: 700 }] });
    const e = await issueOn('2026-05-02', await draftOf(WO[3]!));
    await creditNote('2026-05-03', e, { reason: 'Annulation', full: true });
    const g = await manualInvoice('2026-05-15', [{ kind: 'other', description: 'Pneus', quantityMilli: 2000, unitPriceMillimes: 25_000, vatRateBp: 1300 }]);
    const f = await manualInvoice('2026-06-10', [{ kind: 'other', description: 'Location', quantityMilli: 1000, unitPriceMillimes: 10_000, vatRateBp: 1900 }], { ...PERSON_BUYER, stampExempt: true });
    assert.ok(f);
    stack.clock.set(at('2026-06-30'));
    await pay(a, 50_000, '2026-03-15');
    await pay(b, 178_830, '2026-03-25');
    await pay(c, 20_001, '2026-04-06');
    await pay(g, 7_500, '2026-05-20');
    await pay(d, 96_000, '2026-06-20');

    // A redelivered clock event (same id), then a last event: once it is in, the duplicate was handled before it (one consumer, in order).
    await stack.publish(timeEvent);
    await stack.publish(workOrderEvent('garage.workorder.opened', WO[8]!, 'open', '2026-06-30T09:00:00Z'));
    await until('the read model', async () => {
      const [row]: Array<{ n: number }> = await db().query(`SELECT count(*)::int AS n FROM report_work_orders WHERE work_order_id = $1`, [WO[8]]);
      return row?.n === 1 ? true : undefined;
    });
  });
  after(async () => {
    await stack?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('revenue per month: invoices minus credit notes, HT, TVA, stamp and TTC', async () => {
    const figures = await report(`${HALF_YEAR}&granularity=month`);
    assert.deepEqual(figures.revenue.rows, [
      { period: '2026-01', invoices: 1, creditNotes: 0, htMillimes: 500_000, vatMillimes: 95_000, stampMillimes: 1_000, ttcMillimes: 596_000 },
      { period: '2026-03', invoices: 2, creditNotes: 0, htMillimes: 451_000, vatMillimes: 59_830, stampMillimes: 2_000, ttcMillimes: 512_830 },
      { period: '2026-04', invoices: 1, creditNotes: 1, htMillimes: 1, vatMillimes: 12_000, stampMillimes: 1_000, ttcMillimes: 13_001 },
      { period: '2026-05', invoices: 2, creditNotes: 1, htMillimes: 50_000, vatMillimes: 6_500, stampMillimes: 1_000, ttcMillimes: 57_500 },
      { period: '2026-06', invoices: 1, creditNotes: 0, htMillimes: 10_000, vatMillimes: 1_900, stampMillimes: 0, ttcMillimes: 11_900 },
    ]);
    assert.deepEqual(figures.revenue.total, { invoices: 7, creditNotes: 2, htMillimes: 1_011_001, vatMillimes: 175_230, stampMillimes: 5_000, ttcMillimes: 1_191_231 });
    const byYear = await report(`${HALF_YEAR}&granularity=year`);
    assert.deepEqual(byYear.revenue.rows, [{ period: '2026', invoices: 7, creditNotes: 2, htMillimes: 1_011_001, vatMillimes: 175_230, stampMillimes: 5_000, ttcMillimes: 1_191_231 }]);
    const byDay = await report('from=2026-04-01&to=2026-04-30&granularity=day');
    assert.deepEqual(byDay.revenue.rows, [
      { period: '2026-04-05', invoices: 1, creditNotes: 0, htMillimes: 100_001, vatMillimes: 19_000, stampMillimes: 1_000, ttcMillimes: 120_001 },
      { period: '2026-04-10', invoices: 0, creditNotes: 1, htMillimes: -100_000, vatMillimes: -7_000, stampMillimes: 0, ttcMillimes: -107_000 },
    ]);
  });

  it('VAT collected per rate per month (the monthly TVA return), credit notes deducted in their month', async () => {
    const figures = await report(HALF_YEAR);
    assert.deepEqual(figures.vat.rows, [
      { month: '2026-01', rateBp: 1900, baseMillimes: 500_000, vatMillimes: 95_000 },
      { month: '2026-03', rateBp: 1900, baseMillimes: 220_000, vatMillimes: 41_800 },
      { month: '2026-03', rateBp: 1300, baseMillimes: 31_000, vatMillimes: 4_030 },
      { month: '2026-03', rateBp: 700, baseMillimes: 200_000, vatMillimes: 14_000 },
      { month: '2026-04', rateBp: 1900, baseMillimes: 100_001, vatMillimes: 19_000 },
      { month: '2026-04', rateBp: 700, baseMillimes: -100_000, vatMillimes: -7_000 },
      { month: '2026-05', rateBp: 1900, baseMillimes: 0, vatMillimes: 0 },
      { month: '2026-05', rateBp: 1300, baseMillimes: 50_000, vatMillimes: 6_500 },
      { month: '2026-06', rateBp: 1900, baseMillimes: 10_000, vatMillimes: 1_900 },
    ]);
    assert.deepEqual(figures.vat.stamps, [
      { month: '2026-01', stampMillimes: 1_000 },
      { month: '2026-03', stampMillimes: 2_000 },
      { month: '2026-04', stampMillimes: 1_000 },
      { month: '2026-05', stampMillimes: 1_000 },
      { month: '2026-06', stampMillimes: 0 },
    ]);
    assert.equal(figures.vat.totalVatMillimes, 175_230);
  });

  it('unpaid invoices by age from the issue date, as of the end of the period', async () => {
    const june = await report(HALF_YEAR);
    assert.equal(june.ageing.asOf, '2026-06-30');
    assert.deepEqual(june.ageing.buckets, [
      { bucket: '0-30', invoices: 1, balanceMillimes: 11_900 },
      { bucket: '31-60', invoices: 1, balanceMillimes: 50_000 },
      { bucket: '61-90', invoices: 1, balanceMillimes: 100_000 },
      { bucket: '90+', invoices: 2, balanceMillimes: 677_000 },
    ]);
    assert.equal(june.ageing.totalMillimes, 838_900);
    assert.deepEqual(
      june.ageing.invoices.map((row) => [row.issueDate, row.ageDays, row.bucket, row.totalTtcMillimes, row.balanceMillimes]),
      [
        ['2026-01-15', 166, '90+', 596_000, 500_000],
        ['2026-03-10', 112, '90+', 334_000, 177_000],
        ['2026-04-05', 86, '61-90', 120_001, 100_000],
        ['2026-05-15', 46, '31-60', 57_500, 50_000],
        ['2026-06-10', 20, '0-30', 11_900, 11_900],
      ],
    );
    // As of 31 May: F not issued yet, D's payment of 20 June not received yet.
    const may = await report('from=2026-05-01&to=2026-05-31');
    assert.equal(may.ageing.asOf, '2026-05-31');
    assert.deepEqual(may.ageing.buckets, [
      { bucket: '0-30', invoices: 1, balanceMillimes: 50_000 },
      { bucket: '31-60', invoices: 1, balanceMillimes: 100_000 },
      { bucket: '61-90', invoices: 1, balanceMillimes: 177_000 },
      { bucket: '90+', invoices: 1, balanceMillimes: 596_000 },
    ]);
  });

  it('hours clocked vs hours billed per technician; a redelivered clock event counts once', async () => {
    const figures = await report(HALF_YEAR);
    assert.deepEqual(figures.hours, {
      technicians: [
        { technicianId: T1, clockedMilli: 4_000, billedMilli: 2_250 },
        { technicianId: T2, clockedMilli: 3_500, billedMilli: 2_250 },
      ],
      unattributedBilledMilli: 2_000,
      totalClockedMilli: 7_500,
      totalBilledMilli: 6_500,
      runningEntries: 1,
    });
    const [row]: Array<{ n: number }> = await db().query(`SELECT count(*)::int AS n FROM report_time_events WHERE event_id = $1`, [timeEvent.id]);
    assert.equal(row?.n, 1);
    const march = await report('from=2026-03-01&to=2026-03-31');
    assert.deepEqual(march.hours.technicians, [
      { technicianId: T1, clockedMilli: 3_000, billedMilli: 2_250 },
      { technicianId: T2, clockedMilli: 1_000, billedMilli: 750 },
    ]);
    assert.equal(march.hours.unattributedBilledMilli, 2_000);
    assert.equal(march.hours.totalBilledMilli, 5_000);
  });

  it('open work orders by status and age; average repair order', async () => {
    const figures = await report(HALF_YEAR);
    assert.deepEqual(figures.workOrders.rows, [
      { status: 'open', count: 2, byAge: { '0-2': 1, '3-7': 1, '8-30': 0, '30+': 0 }, oldestDays: 5 },
      { status: 'estimate_sent', count: 1, byAge: { '0-2': 0, '3-7': 0, '8-30': 1, '30+': 0 }, oldestDays: 20 },
      { status: 'in_progress', count: 1, byAge: { '0-2': 1, '3-7': 0, '8-30': 0, '30+': 0 }, oldestDays: 2 },
      { status: 'completed', count: 1, byAge: { '0-2': 0, '3-7': 0, '8-30': 0, '30+': 1 }, oldestDays: 90 },
    ]);
    assert.equal(figures.workOrders.total, 5);
    // B 178 830 + C 120 001 (E cancelled by its credit note) = 298 831 over 2 = 149 415,5 → 149 416.
    assert.deepEqual(figures.averageOrder, { workOrderInvoices: 2, totalTtcMillimes: 298_831, averageTtcMillimes: 149_416 });
  });

  it('CSV export: the tables with amounts as printed (1 234,560 TND)', async () => {
    const { response, bytes } = await download(`${HALF_YEAR}&format=csv`);
    assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(response.headers.get('content-disposition'), 'attachment; filename="rapport_2026-01-01_2026-06-30.csv"');
    const text = bytes.toString('utf8');
    assert.ok(text.startsWith('\uFEFF'), 'UTF-8 byte order mark');
    const lines = text.slice(1).split('\r\n');
    assert.ok(lines.includes("Chiffre d'affaires (factures moins avoirs)"));
    assert.ok(lines.includes('Période;Factures;Avoirs;Total HT;TVA;Droit de timbre;Total TTC'));
    assert.ok(lines.includes('2026-03;2;0;451,000 TND;59,830 TND;2,000 TND;512,830 TND'));
    assert.ok(lines.includes('Total;7;2;1 011,001 TND;175,230 TND;5,000 TND;1 191,231 TND'));
    assert.ok(lines.includes('2026-03;13 %;31,000 TND;4,030 TND'));
    assert.ok(lines.includes("2026-04;7 %;'-100,000 TND;'-7,000 TND"), 'a negative amount cannot be read as a formula');
    assert.ok(lines.includes('> 90;2;677,000 TND'));
    assert.ok(lines.includes(`${T1};4,00 h;2,25 h`));
    assert.ok(lines.includes('2;298,831 TND;149,416 TND'));
    const english = (await download(`${HALF_YEAR}&format=csv&lang=en`)).bytes.toString('utf8');
    assert.match(english, /VAT collected per rate per month/);
  });

  it('XLSX export: parsed back, amounts are numbers in the TND format', async () => {
    const { response, bytes } = await download(`${HALF_YEAR}&format=xlsx`);
    assert.equal(response.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    assert.deepEqual(
      workbook.worksheets.map((sheet) => sheet.name),
      ["Chiffre d'affaires", 'TVA', 'Impayés', 'Heures', 'Ordres ouverts', 'Panier moyen'],
    );
    const vat = workbook.getWorksheet('TVA')!;
    const rows: unknown[][] = [];
    vat.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    assert.deepEqual(rows[2], ['Mois', 'Taux', 'Base HT', 'TVA']);
    assert.deepEqual(rows[4], ['2026-03', '19 %', 220, 41.8]);
    assert.deepEqual(rows[6], ['2026-03', '7 %', 200, 14]);
    assert.deepEqual(rows[7], ['2026-04', '19 %', 100.001, 19]);
    assert.equal(vat.getRow(5).getCell(3).numFmt, '#,##0.000" TND"');
    const revenue = workbook.getWorksheet("Chiffre d'affaires")!;
    const total = (revenue.getRow(revenue.rowCount).values as unknown[]).slice(1);
    assert.deepEqual(total, ['Total', 7, 2, 1011.001, 175.23, 5, 1191.231]);
    const ageing = workbook.getWorksheet('Impayés')!;
    assert.deepEqual((ageing.getRow(7).values as unknown[]).slice(1), ['> 90', 2, 677]);
    const hoursSheet = workbook.getWorksheet('Heures')!;
    assert.deepEqual((hoursSheet.getRow(4).values as unknown[]).slice(1), [T1, 4, 2.25]);
  });

  it('printable PDF in French and in Arabic', async () => {
    for (const lang of ['fr', 'ar'] as const) {
      const { response, bytes } = await download(`${HALF_YEAR}&format=pdf&lang=${lang}`);
      assert.equal(response.headers.get('content-type'), 'application/pdf');
      assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
      const file = join(scratch, `report-${lang}.pdf`);
      await writeFile(file, bytes);
      const { stdout } = await execute('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
      const text = stdout.replace(/[ \t]+/g, ' ');
      assert.match(text, /1 191,231 TND/);
      assert.match(text, lang === 'fr' ? /TVA collectée par taux et par mois/ : /الأداء على القيمة المضافة المحصل/);
    }
  });

  it('refuses other roles and bad periods', async () => {
    for (const token of [stack.token('technician'), stack.token('customer')]) {
      assert.equal((await call(stack.gateway.url, `/api/v1/reports?${HALF_YEAR}`, { token })).status, 403);
      assert.equal((await call(stack.billing.url, `/api/v1/reports?${HALF_YEAR}`, { token })).status, 403);
      assert.equal((await call(stack.billing.url, `/api/v1/reports/export?${HALF_YEAR}&format=csv`, { token })).status, 403);
    }
    assert.equal((await call(stack.gateway.url, `/api/v1/reports?${HALF_YEAR}`)).status, 401);
    for (const query of ['from=2026-06-30&to=2026-01-01', 'from=2025-01-01&to=2026-06-30&granularity=day', 'from=2026-01-01', 'from=2026-02-30&to=2026-03-01', `${HALF_YEAR}&granularity=week`]) {
      const response = await call(stack.gateway.url, `/api/v1/reports?${query}`, { token: admin });
      assert.equal(response.status, 400, query);
      assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    }
    assert.equal((await call(stack.gateway.url, `/api/v1/reports/export?${HALF_YEAR}&format=docx`, { token: admin })).status, 400);
  });
});
