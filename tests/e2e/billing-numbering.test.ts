import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startBillingStack, type BillingStack } from '../support/billing-stack.ts';
import { createDraft, expectStatus, issue } from '../support/billing-fixtures.ts';

let stack: BillingStack;
let admin: string;

const sequenceOf = (number: string) => Number(number.split('-')[2]);

describe('billing: gapless invoice numbering', () => {
  before(async () => {
    stack = await startBillingStack('billnum');
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('50 invoices issued concurrently get FA-<year>-000001 … 000050: no gap, no duplicate', async () => {
    stack.clock.set(new Date('2026-06-15T10:00:00Z'));
    const drafts = await Promise.all(Array.from({ length: 50 }, () => createDraft(stack, admin)));
    const issued = await Promise.all(drafts.map((id) => issue(stack, admin, id)));
    const numbers = issued.map((invoice) => String(invoice['number']));
    for (const number of numbers) assert.match(number, /^FA-2026-\d{6}$/);
    assert.deepEqual(numbers.map(sequenceOf).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.equal(new Set(numbers).size, 50);
    const { rows } = await stack.billing.context.dataSource
      .query(`SELECT count(*)::int AS n, count(DISTINCT number)::int AS d, max(seq) AS max FROM invoices WHERE status = 'issued' AND fiscal_year = 2026`)
      .then((rows: Array<{ n: number; d: number; max: number }>) => ({ rows }));
    assert.deepEqual(rows[0], { n: 50, d: 50, max: 50 });
  });

  it('an issue that fails (a VAT rate not in force) takes no number: the next one is still consecutive', async () => {
    stack.clock.set(new Date('2026-06-16T10:00:00Z'));
    const bad = await createDraft(stack, admin, { lines: [{ description: 'Taux de 18 % abrogé', quantityMilli: 1000, unitPriceMillimes: 1000, vatRateBp: 1800 }] });
    const refused = await call(stack.gateway.url, `/api/v1/invoices/${bad}/issue`, { method: 'POST', token: admin });
    assert.equal(refused.status, 422);
    assert.match(String(refused.body['detail']), /18 %.*not in force on 2026-06-16/);
    assert.equal((await issue(stack, admin, await createDraft(stack, admin)))['number'], 'FA-2026-000051');
    const twice = await call(stack.gateway.url, `/api/v1/invoices/${bad}/issue`, { method: 'POST', token: admin });
    assert.equal(twice.status, 422, 'still refused, and still without a number');
  });

  it('issuing twice is refused; the date is the calendar date in Tunis; a new year restarts the series at 000001', async () => {
    stack.clock.set(new Date('2026-12-31T22:30:00Z'));
    const lastOf2026 = await createDraft(stack, admin);
    const december = await issue(stack, admin, lastOf2026);
    assert.equal(december['number'], 'FA-2026-000052');
    assert.equal(december['issueDate'], '2026-12-31');
    assert.equal((await call(stack.gateway.url, `/api/v1/invoices/${lastOf2026}/issue`, { method: 'POST', token: admin })).status, 409);

    // 23:30 UTC on 31 December is already 1 January in Tunis (UTC+1).
    stack.clock.set(new Date('2026-12-31T23:30:00Z'));
    const january = await issue(stack, admin, await createDraft(stack, admin));
    assert.equal(january['number'], 'FA-2027-000001');
    assert.equal(january['issueDate'], '2027-01-01');
    const [second, third] = await Promise.all([issue(stack, admin, await createDraft(stack, admin)), issue(stack, admin, await createDraft(stack, admin))]);
    assert.deepEqual([second['number'], third['number']].sort(), ['FA-2027-000002', 'FA-2027-000003']);
  });

  it('the stamp and the VAT rates are those in force on the invoice date (dated tables)', async () => {
    stack.clock.set(new Date('2022-12-31T12:00:00Z'));
    const old = await issue(stack, admin, await createDraft(stack, admin, { lines: [{ description: 'Avant 2023', quantityMilli: 1000, unitPriceMillimes: 100_000, vatRateBp: 1900 }] }));
    assert.equal((old['totals'] as Record<string, unknown>)['stampMillimes'], 600, '0,600 TND before 2023');
    assert.equal(old['number'], 'FA-2022-000001');
    stack.clock.set(new Date('2023-01-01T12:00:00Z'));
    const recent = await issue(stack, admin, await createDraft(stack, admin, { lines: [{ description: 'Depuis 2023', quantityMilli: 1000, unitPriceMillimes: 100_000, vatRateBp: 1900 }] }));
    assert.equal((recent['totals'] as Record<string, unknown>)['stampMillimes'], 1_000, '1,000 TND since 2023-01-01');
    stack.clock.set(new Date('2017-06-01T12:00:00Z'));
    const before2018 = await issue(stack, admin, await createDraft(stack, admin, { lines: [{ description: 'TVA 18 %', quantityMilli: 1000, unitPriceMillimes: 100_000, vatRateBp: 1800 }] }));
    assert.equal((before2018['totals'] as Record<string, unknown>)['vatMillimes'], 18_000, '18 % was in force in 2017');

    // A change of law is a row: a new stamp amount from a future date applies from that date.
    await stack.billing.context.dataSource.query(`INSERT INTO fiscal_stamp_rates (valid_from, amount_millimes, source) VALUES ('2031-01-01', 1500, 'test: future law')`);
    stack.clock.set(new Date('2031-03-01T12:00:00Z'));
    const future = await issue(stack, admin, await createDraft(stack, admin));
    assert.equal((future['totals'] as Record<string, unknown>)['stampMillimes'], 1_500);
    const exempt = await issue(stack, admin, await createDraft(stack, admin, { buyer: { name: 'Ministère de la Santé', kind: 'company', taxId: '0000001/A/P/M/000', stampExempt: true } }));
    assert.equal((exempt['totals'] as Record<string, unknown>)['stampMillimes'], 0, 'State bodies are exempt');
    stack.clock.set(undefined);
  });

  it('refuses to issue an invoice without lines, or for a company without a valid matricule fiscal', async () => {
    const empty = await createDraft(stack, admin, { lines: [] });
    const refused = await call(stack.gateway.url, `/api/v1/invoices/${empty}/issue`, { method: 'POST', token: admin });
    assert.equal(refused.status, 422);
    const noTaxId = await createDraft(stack, admin, { buyer: { name: 'Société X', kind: 'company', taxId: '1234567/I/A/M/000' } });
    const badTaxId = await call(stack.gateway.url, `/api/v1/invoices/${noTaxId}/issue`, { method: 'POST', token: admin });
    assert.equal(badTaxId.status, 422);
    assert.match(String(badTaxId.body['detail']), /matricule fiscal/);
    expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${noTaxId}`, { token: admin }), 200, 'still a draft');
  });
});
