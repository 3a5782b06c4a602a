import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { queryRows } from '@ecar/db';
import { waitFor } from '@ecar/testkit';
import { listenTo, type BusListener } from '../support/bus-listener.ts';
import { advanceWorkOrder, createHousehold, expectStatus } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { createPart, nextReference, receive } from '../support/stock-fixtures.ts';

/**
 * Issue 14, parts and stock: the catalogue (EAN-13, search, keyset paging), the ledger (quantity on
 * hand = sum of the movements, never negative without the override), two technicians taking the
 * last unit at once (one 409), parts used on a work order (line + movement in one transaction, its
 * event through the outbox), canned jobs applied in one step. Real PostgreSQL and RabbitMQ.
 */

let stack: GarageStack;
let admin: string;
let bus: BusListener;

const post = (path: string, token: string, json: unknown) => stack.call(path, { method: 'POST', token, json });

async function ledgerSum(partId: string): Promise<{ ledger: number; level: number }> {
  const db = stack.garage.domain.dataSource;
  const [ledger] = await queryRows<{ sum: number }>(db, `SELECT COALESCE(sum(quantity_milli), 0)::float8 AS sum FROM stock_movements WHERE part_id = $1`, [partId]);
  const [level] = await queryRows<{ sum: number }>(db, `SELECT COALESCE(sum(on_hand_milli), 0)::float8 AS sum FROM stock_levels WHERE part_id = $1`, [partId]);
  return { ledger: ledger!.sum, level: level!.sum };
}

describe('garage parts and stock', () => {
  before(async () => {
    stack = await startGarageStack('garagestock');
    admin = stack.token('super-admin');
    bus = await listenTo(stack.bus.exchange, 'garage.stock.moved');
  });
  after(async () => {
    await bus?.close();
    await stack?.stop();
  });

  it('keeps a catalogue: EAN-13 check digit, one brand + reference, search with keyset pages, purchase price hidden from technicians', async () => {
    const bad = await post('/api/v1/parts', admin, { reference: nextReference(), brand: 'Bosch', description: 'Bougie', purchasePriceMillimes: 1, sellingPriceMillimes: 2, vatRateBp: 1900, barcode: '4006381333932' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /barcode/);
    const brand = `Brand${Date.now().toString(36)}`;
    const good = await createPart(stack, admin, { brand, barcode: '4006381333931', description: 'Bougie d’allumage' });
    assert.equal(good['barcode'], '4006381333931');
    const twice = await post('/api/v1/parts', admin, { reference: String(good['reference']).toLowerCase(), brand: brand.toUpperCase(), description: 'x', purchasePriceMillimes: 1, sellingPriceMillimes: 2, vatRateBp: 1900 });
    assert.equal(twice.status, 409);
    for (let i = 0; i < 4; i += 1) await createPart(stack, admin, { brand, description: `Plaquette ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Record<string, unknown> = await expectStatus(stack.call(`/api/v1/parts?q=${brand.toLowerCase()}&limit=2${cursor ? `&after=${cursor}` : ''}`, { token: admin }), 200);
      seen.push(...(page['items'] as Array<{ id: string }>).map((item) => item.id));
      cursor = page['nextCursor'] as string | null;
    } while (cursor);
    assert.equal(seen.length, 5);
    assert.deepEqual([...seen].sort(), seen, 'pages follow the id order without gaps or repeats');
    const byBarcode = await expectStatus(stack.call('/api/v1/parts?q=4006381333931', { token: admin }), 200);
    assert.deepEqual((byBarcode['items'] as Array<{ id: string }>).map((item) => item.id), [good['id']]);
    const wildcard = await expectStatus(stack.call(`/api/v1/parts?q=${encodeURIComponent('%')}`, { token: admin }), 200);
    assert.equal((wildcard['items'] as unknown[]).length, 0, 'a LIKE wildcard is searched as text');
    const technician = stack.token('technician');
    const seenByTechnician = await expectStatus(stack.call(`/api/v1/parts/${String(good['id'])}`, { token: technician }), 200);
    assert.equal('purchasePriceMillimes' in seenByTechnician, false);
    assert.equal(seenByTechnician['sellingPriceMillimes'], 14_500);
    const patched = await expectStatus(stack.call(`/api/v1/parts/${String(good['id'])}`, { method: 'PATCH', token: admin, json: { barcode: null, sellingPriceMillimes: 15_000 } }), 200);
    assert.equal(patched['barcode'], null);
  });

  it('keeps the quantity on hand equal to the ledger, per location, and never below zero without the audited override', async () => {
    const part = await createPart(stack, admin, { reorderPointMilli: 5_000 });
    const partId = String(part['id']);
    await receive(stack, admin, partId, 4_000);
    await receive(stack, admin, partId, 2_000, 'van-1');
    const noReason = await post(`/api/v1/parts/${partId}/movements`, admin, { kind: 'adjustment', quantityMilli: -1000 });
    assert.equal(noReason.status, 400, 'an adjustment needs its reason');
    await expectStatus(post(`/api/v1/parts/${partId}/movements`, admin, { kind: 'adjustment', quantityMilli: -1000, reason: 'Inventaire: une pièce cassée' }), 201);
    const tooMuch = await post(`/api/v1/parts/${partId}/movements`, admin, { kind: 'adjustment', quantityMilli: -5000, reason: 'Inventaire' });
    assert.equal(tooMuch.status, 409);
    assert.match(String(tooMuch.body['detail']), /Not enough stock/);
    const low = await expectStatus(stack.call('/api/v1/stock/low?limit=100', { token: admin }), 200);
    // 3 at main + 2 in the van = 5: not below the reorder point of 5.
    assert.equal((low['items'] as Array<{ id: string }>).some((item) => item.id === partId), false);
    const override = await expectStatus(post(`/api/v1/parts/${partId}/movements`, admin, { kind: 'adjustment', quantityMilli: -5000, reason: 'Vente comptoir non saisie', allowNegative: true }), 201);
    assert.equal(override['onHandAfterMilli'], -2000);
    assert.equal(override['negativeAllowed'], true);
    await expectStatus(post(`/api/v1/parts/${partId}/movements`, admin, { kind: 'return', quantityMilli: 1000, reason: 'Retour client' }), 201);
    const lowNow = await expectStatus(stack.call('/api/v1/stock/low?limit=100', { token: admin }), 200);
    assert.ok((lowNow['items'] as Array<{ id: string }>).some((item) => item.id === partId), 'below its reorder point, the part is on the low-stock list');
    const detail = await expectStatus(stack.call(`/api/v1/parts/${partId}`, { token: admin }), 200);
    assert.deepEqual(detail['levels'], [
      { location: 'main', onHandMilli: -1000, reservedMilli: 0, availableMilli: -1000 },
      { location: 'van-1', onHandMilli: 2000, reservedMilli: 0, availableMilli: 2000 },
    ]);
    assert.equal(detail['onHandMilli'], 1000);
    assert.deepEqual(await ledgerSum(partId), { ledger: 1000, level: 1000 });
    const ledger = await expectStatus(stack.call(`/api/v1/parts/${partId}/movements?limit=2`, { token: admin }), 200);
    assert.deepEqual((ledger['items'] as Array<{ kind: string }>).map((item) => item.kind), ['return', 'adjustment'], 'newest first');
    const rest = await expectStatus(stack.call(`/api/v1/parts/${partId}/movements?after=${String(ledger['nextCursor'])}`, { token: admin }), 200);
    assert.deepEqual((rest['items'] as Array<{ kind: string }>).map((item) => item.kind), ['adjustment', 'receipt', 'receipt']);
    const events = await waitFor(() => {
      const mine = bus.events.filter((event) => (event.data as { partId: string }).partId === partId);
      return mine.length === 5 ? mine : undefined;
    });
    const overridden = events.find((event) => (event.data as { negativeAllowed?: boolean }).negativeAllowed);
    assert.ok(overridden, 'the override is in the event the audit log stores');
    assert.equal((overridden.data as { reason: string }).reason, 'Vente comptoir non saisie');
    assert.equal(JSON.stringify(events).includes('purchasePrice'), false);
  });

  it('two technicians taking the last unit at the same moment: one succeeds, the other gets a clear 409, and the line of the refused one is not written', async () => {
    const part = await createPart(stack, admin);
    const partId = String(part['id']);
    await receive(stack, admin, partId, 1000);
    const [a, b] = await Promise.all([createHousehold(stack, admin), createHousehold(stack, admin)]);
    await Promise.all([advanceWorkOrder(stack, admin, a, 'in_progress'), advanceWorkOrder(stack, admin, b, 'in_progress')]);
    const answers = await Promise.all(
      [a, b].map((household) => post(`/api/v1/work-orders/${household.workOrderId}/parts`, stack.token('technician', household.technicianId), { partId, quantityMilli: 1000 })),
    );
    assert.deepEqual(answers.map((answer) => answer.status).sort(), [201, 409], JSON.stringify(answers.map((answer) => answer.body)));
    const refused = answers.find((answer) => answer.status === 409)!;
    assert.equal(refused.body['type'], 'urn:ecar:problem:conflict');
    assert.match(String(refused.body['detail']), /Not enough stock at main: 0 on hand, 1 asked/);
    assert.deepEqual(await ledgerSum(partId), { ledger: 0, level: 0 });
    const lines = await Promise.all([a, b].map(async (household) => (await expectStatus(stack.call(`/api/v1/work-orders/${household.workOrderId}`, { token: admin }), 200))['lines'] as Array<{ kind: string }>));
    assert.deepEqual(lines.map((list) => list.filter((line) => line.kind === 'part').length).sort(), [0, 1], 'the refused use left no line behind');
  });

  it('uses a part on a work order: the line at the catalogue price, its consumption in the same transaction, once per line', async () => {
    const part = await createPart(stack, admin, { sellingPriceMillimes: 52_000, vatRateBp: 700, brand: 'Valeo', description: 'Plaquettes avant' });
    const partId = String(part['id']);
    await receive(stack, admin, partId, 3000);
    const h = await createHousehold(stack, admin);
    const wo = `/api/v1/work-orders/${h.workOrderId}`;
    const technician = stack.token('technician', h.technicianId);
    const estimate = await expectStatus(post(`${wo}/parts`, technician, { partId, quantityMilli: 2000 }), 201);
    assert.equal(estimate['movement'], null, 'an open work order (estimate) does not take stock yet');
    const line = estimate['line'] as Record<string, unknown>;
    assert.deepEqual([line['unitPriceMillimes'], line['vatRateBp'], line['description']], [52_000, 700, `Valeo ${String(part['reference'])} — Plaquettes avant`]);
    const early = await post(`${wo}/lines/${String(line['id'])}/consume`, technician, {});
    assert.equal(early.status, 409);
    await advanceWorkOrder(stack, admin, h, 'in_progress');
    const taken = await expectStatus(post(`${wo}/lines/${String(line['id'])}/consume`, technician, { location: 'main' }), 201);
    assert.equal(taken['quantityMilli'], -2000);
    assert.equal(taken['onHandAfterMilli'], 1000);
    const again = await post(`${wo}/lines/${String(line['id'])}/consume`, technician, {});
    assert.equal(again.status, 409, 'a line consumes its part once');
    const during = await expectStatus(post(`${wo}/parts`, technician, { partId, quantityMilli: 1000 }), 201);
    assert.equal((during['movement'] as Record<string, unknown>)['onHandAfterMilli'], 0, 'during the work the part is taken at once');
    const parts = await expectStatus(stack.call(`${wo}/parts`, { token: technician }), 200);
    assert.deepEqual((parts['items'] as Array<{ consumed: boolean }>).map((item) => item.consumed), [true, true]);
    // The technician's job card: reference, description and quantity of each part, never a price.
    const first = (parts['items'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual([typeof first['reference'], typeof first['description'], first['quantityMilli']], ['string', 'string', 2000]);
    assert.doesNotMatch(JSON.stringify(parts), /Millimes/, 'no price on the parts of a job');
    const events = await waitFor(() => {
      const mine = bus.events.filter((event) => (event.data as { workOrderId?: string }).workOrderId === h.workOrderId);
      return mine.length === 2 ? mine : undefined;
    });
    assert.deepEqual(events.map((event) => (event.data as { kind: string }).kind), ['consumption', 'consumption']);
    assert.equal((events[0]!.actor as { userId?: string }).userId, h.technicianId);
    assert.deepEqual(await ledgerSum(partId), { ledger: 0, level: 0 });
  });

  it('applies a canned job to a work order in one step, and refuses one for another make', async () => {
    const oil = await createPart(stack, admin, { sellingPriceMillimes: 12_000, description: 'Huile 5W30 (litre)' });
    const filter = await createPart(stack, admin, { sellingPriceMillimes: 14_500 });
    const bad = await post('/api/v1/canned-jobs', admin, { name: 'Vide', labourHoursMilli: 0, labourRateMillimes: 0, parts: [] });
    assert.equal(bad.status, 400);
    const job = await expectStatus(
      post('/api/v1/canned-jobs', admin, {
        name: 'Vidange Clio',
        make: 'Renault',
        model: 'Clio',
        labourHoursMilli: 750,
        labourRateMillimes: 40_000,
        parts: [
          { partId: oil['id'], quantityMilli: 4500 },
          { partId: filter['id'], quantityMilli: 1000 },
        ],
      }),
      201,
    );
    const other = await expectStatus(post('/api/v1/canned-jobs', admin, { name: 'Vidange Peugeot', make: 'Peugeot', labourHoursMilli: 500, labourRateMillimes: 40_000, parts: [] }), 201);
    const fits = await expectStatus(stack.call('/api/v1/canned-jobs?make=renault&model=clio&limit=100', { token: admin }), 200);
    const ids = (fits['items'] as Array<{ id: string }>).map((item) => item.id);
    assert.ok(ids.includes(String(job['id'])) && !ids.includes(String(other['id'])));
    const h = await createHousehold(stack, admin);
    const wo = `/api/v1/work-orders/${h.workOrderId}`;
    const refused = await post(`${wo}/canned-jobs`, admin, { cannedJobId: other['id'] });
    assert.equal(refused.status, 409);
    const applied = await expectStatus(post(`${wo}/canned-jobs`, admin, { cannedJobId: job['id'] }), 201);
    assert.equal((applied['lines'] as unknown[]).length, 3);
    const order = await expectStatus(stack.call(wo, { token: admin }), 200);
    const lines = order['lines'] as Array<{ kind: string; description: string; quantityMilli: number; unitPriceMillimes: number }>;
    assert.deepEqual(
      lines.map((line) => [line.kind, line.quantityMilli, line.unitPriceMillimes]),
      [
        ['labour', 750, 40_000],
        ['part', 4500, 12_000],
        ['part', 1000, 14_500],
      ],
    );
    // 0.75 h × 40 + 4.5 × 12 + 14.5 = 30 + 54 + 14.5 = 98.5 TND net.
    assert.equal((order['totals'] as { netMillimes: number }).netMillimes, 98_500);
    const replaced = await expectStatus(stack.call(`/api/v1/canned-jobs/${String(job['id'])}`, { method: 'PUT', token: admin, json: { name: 'Vidange Clio', labourHoursMilli: 750, labourRateMillimes: 45_000, parts: [] } }), 200);
    assert.deepEqual([replaced['parts'], replaced['make']], [[], null]);
    const missing = await post('/api/v1/canned-jobs', admin, { name: 'X', labourHoursMilli: 100, labourRateMillimes: 1, parts: [{ partId: h.customerId, quantityMilli: 1 }] });
    assert.equal(missing.status, 404);
  });

  it('a purchase order goes draft → ordered → received; the receipt writes one movement per line, and a receipt sent twice (even at once) changes stock once', async () => {
    const filter = await createPart(stack, admin);
    const pads = await createPart(stack, admin);
    const supplier = await expectStatus(post('/api/v1/suppliers', admin, { name: 'Auto Pièces Sfax', phone: '+216 74 000 000' }), 201);
    const order = await expectStatus(
      post('/api/v1/purchase-orders', admin, {
        supplierId: supplier['id'],
        location: 'main',
        lines: [
          { partId: filter['id'], quantityMilli: 6000, unitCostMillimes: 8000 },
          { partId: pads['id'], quantityMilli: 2000 },
        ],
      }),
      201,
    );
    const po = `/api/v1/purchase-orders/${String(order['id'])}`;
    assert.equal(order['status'], 'draft');
    assert.equal((await post(`${po}/receive`, admin, {})).status, 409, 'a draft is not received');
    await expectStatus(post(`${po}/order`, admin, {}), 200);
    const receipts = await Promise.all([post(`${po}/receive`, admin, {}), post(`${po}/receive`, admin, {})]);
    assert.deepEqual(receipts.map((answer) => answer.status).sort(), [200, 409]);
    assert.equal((await post(`${po}/receive`, admin, {})).status, 409);
    assert.deepEqual(await ledgerSum(String(filter['id'])), { ledger: 6000, level: 6000 });
    assert.deepEqual(await ledgerSum(String(pads['id'])), { ledger: 2000, level: 2000 });
    const received = await expectStatus(stack.call(po, { token: admin }), 200);
    assert.equal(received['status'], 'received');
    assert.ok(received['receivedAt']);
    const listed = await expectStatus(stack.call('/api/v1/purchase-orders?status=received&limit=100', { token: admin }), 200);
    assert.ok((listed['items'] as Array<{ id: string }>).some((item) => item.id === order['id']));
    assert.equal((await post(`${po}/cancel`, admin, {})).status, 409, 'a received order cannot be cancelled');
  });
  it('receives a purchase order in parts: partially_received until every line is in, each receipt id changes stock once (even sent twice at once), over-receipt refused unless allowed, average cost weighted by quantity', async () => {
    // 10 on hand valued at 8.000 TND (the catalogue purchase price is the starting average).
    const filter = await createPart(stack, admin, { purchasePriceMillimes: 8_000 });
    const pads = await createPart(stack, admin, { purchasePriceMillimes: 20_000 });
    await receive(stack, admin, String(filter['id']), 10_000);
    const supplier = await expectStatus(post('/api/v1/suppliers', admin, { name: 'Tunis Auto Distribution' }), 201);
    const order = await expectStatus(
      post('/api/v1/purchase-orders', admin, {
        supplierId: supplier['id'],
        lines: [
          { partId: filter['id'], quantityMilli: 6000, unitCostMillimes: 9_001 },
          { partId: pads['id'], quantityMilli: 2000 },
        ],
      }),
      201,
    );
    const po = `/api/v1/purchase-orders/${String(order['id'])}`;
    const first = { receiptId: randomUUID(), lines: [{ position: 0, quantityMilli: 4000 }] };
    assert.equal((await post(`${po}/receipts`, admin, first)).status, 409, 'a draft receives nothing');
    await expectStatus(post(`${po}/order`, admin, {}), 200);
    const answers = await Promise.all([post(`${po}/receipts`, admin, first), post(`${po}/receipts`, admin, first)]);
    assert.deepEqual(answers.map((answer) => answer.status), [200, 200]);
    assert.equal((await post(`${po}/receipts`, admin, first)).status, 200, 'the same receipt later: still once');
    assert.deepEqual(await ledgerSum(String(filter['id'])), { ledger: 14_000, level: 14_000 });
    const partial = await expectStatus(stack.call(po, { token: admin }), 200);
    assert.equal(partial['status'], 'partially_received');
    assert.equal(partial['receivedAt'], null);
    assert.deepEqual((partial['lines'] as Array<{ receivedMilli: number }>).map((line) => line.receivedMilli), [4000, 0]);
    // (10 × 8000 + 4 × 9001) / 14 = 116004 / 14 = 8286.0 → 8286 millimes.
    const costed = await expectStatus(stack.call(`/api/v1/parts/${String(filter['id'])}`, { token: admin }), 200);
    assert.equal(costed['averageCostMillimes'], 8286);
    const asTechnician = await expectStatus(stack.call(`/api/v1/parts/${String(filter['id'])}`, { token: stack.token('technician') }), 200);
    assert.equal(asTechnician['averageCostMillimes'], undefined, 'technicians never see purchase costs');
    assert.equal(asTechnician['purchasePriceMillimes'], undefined);
    const ledger = await expectStatus(stack.call(`/api/v1/parts/${String(filter['id'])}/movements?limit=1`, { token: admin }), 200);
    const newest = (ledger['items'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual([newest['kind'], newest['quantityMilli'], newest['unitCostMillimes'], newest['averageCostAfterMillimes']], ['receipt', 4000, 9_001, 8286]);

    const reused = await post(`${po}/receipts`, admin, { ...first, lines: [{ position: 0, quantityMilli: 1000 }] });
    assert.equal(reused.status, 409, 'a receipt id reused for another delivery');
    const over = { receiptId: randomUUID(), lines: [{ position: 0, quantityMilli: 3000 }] };
    const refused = await post(`${po}/receipts`, admin, over);
    assert.equal(refused.status, 409);
    assert.match(JSON.stringify(refused.body), /allowOverReceipt/);
    assert.equal((await post(`${po}/receipts`, admin, { receiptId: randomUUID(), lines: [{ position: 7, quantityMilli: 1000 }] })).status, 400);
    assert.equal((await post(`${po}/receipts`, admin, { receiptId: randomUUID(), lines: [{ position: 0, quantityMilli: 1 }, { position: 0, quantityMilli: 1 }] })).status, 400);
    assert.deepEqual(await ledgerSum(String(filter['id'])), { ledger: 14_000, level: 14_000 }, 'refused receipts move nothing');

    // The pads line without a unit cost is valued at the catalogue price; nothing on hand: the average is that cost.
    const rest = await expectStatus(post(`${po}/receipts`, admin, { receiptId: randomUUID(), allowOverReceipt: true, lines: [{ position: 0, quantityMilli: 3000 }, { position: 1, quantityMilli: 2000 }] }), 200);
    assert.equal(rest['status'], 'received');
    assert.ok(rest['receivedAt']);
    assert.deepEqual((rest['lines'] as Array<{ receivedMilli: number }>).map((line) => line.receivedMilli), [7000, 2000]);
    assert.deepEqual(await ledgerSum(String(filter['id'])), { ledger: 17_000, level: 17_000 });
    // (14 × 8286 + 3 × 9001) / 17 = 143007 / 17 = 8412.18 → 8412.
    assert.equal((await expectStatus(stack.call(`/api/v1/parts/${String(filter['id'])}`, { token: admin }), 200))['averageCostMillimes'], 8412);
    assert.equal((await expectStatus(stack.call(`/api/v1/parts/${String(pads['id'])}`, { token: admin }), 200))['averageCostMillimes'], 20_000);
    assert.equal((await post(`${po}/receipts`, admin, { receiptId: randomUUID(), lines: [{ position: 1, quantityMilli: 1000 }] })).status, 409, 'a received order takes no more receipts');
    assert.equal((await post(`${po}/receive`, admin, {})).status, 409);
    const events = await queryRows<{ count: number }>(
      stack.garage.domain.dataSource,
      `SELECT count(*)::int AS count FROM outbox_events WHERE type = 'garage.purchaseorder.received' AND payload LIKE $1`,
      [`%${String(order['id'])}%`],
    );
    assert.equal(events[0]!.count, 2, 'one event per receipt, none for the repeats');
  });
});
