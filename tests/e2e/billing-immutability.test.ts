import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startBillingStack, type BillingStack } from '../support/billing-stack.ts';
import { createDraft, expectStatus, issuedInvoice } from '../support/billing-fixtures.ts';

let stack: BillingStack;
let admin: string;
let invoiceId: string;

/** Raw SQL on the billing service's own connection pool: what a bug or an intruder with its credentials could send. */
async function sql(statement: string, params: unknown[] = []): Promise<unknown> {
  return stack.billing.context.dataSource.query(statement, params);
}

async function refused(statement: string, params: unknown[] = []): Promise<void> {
  await assert.rejects(sql(statement, params), (error: Error) => {
    assert.match(error.message, /billing: .*(immutable|never deleted|not allowed|only advance)/, statement);
    return true;
  });
}

describe('billing: an issued invoice can never be edited — enforced by the database', () => {
  before(async () => {
    stack = await startBillingStack('billimm');
    admin = stack.token('super-admin');
    invoiceId = String((await issuedInvoice(stack, admin))['id']);
    const paid = await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}/payments`, { method: 'POST', token: admin, json: { method: 'cash', amountMillimes: 1000 } });
    expectStatus(paid, 201, 'payment');
    expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}/credit-notes`, { method: 'POST', token: admin, json: { reason: 'Geste', lines: [{ description: 'Remise', quantityMilli: 1000, unitPriceMillimes: 1000, vatRateBp: 1900 }] } }), 201, 'credit note');
  });
  after(async () => {
    await stack?.stop();
  });

  it('refuses UPDATE of any column of an issued invoice row, and its DELETE', async () => {
    await refused(`UPDATE invoices SET total_ttc = 1 WHERE id = $1`, [invoiceId]);
    await refused(`UPDATE invoices SET buyer = '{"name":"Autre","kind":"person","stampExempt":true}' WHERE id = $1`, [invoiceId]);
    await refused(`UPDATE invoices SET status = 'draft', number = NULL WHERE id = $1`, [invoiceId]);
    await refused(`UPDATE invoices SET updated_at = now() WHERE id = $1`, [invoiceId]);
    await refused(`DELETE FROM invoices WHERE id = $1`, [invoiceId]);
    const [row] = (await sql(`SELECT total_ttc::int AS ttc, status FROM invoices WHERE id = $1`, [invoiceId])) as Array<{ ttc: number; status: string }>;
    assert.deepEqual(row, { ttc: 124_740, status: 'issued' });
  });

  it('refuses INSERT, UPDATE and DELETE of the lines of an issued invoice', async () => {
    await refused(`UPDATE invoice_lines SET unit_price_millimes = 1 WHERE invoice_id = $1`, [invoiceId]);
    await refused(`DELETE FROM invoice_lines WHERE invoice_id = $1`, [invoiceId]);
    await refused(
      `INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity_milli, unit_price_millimes, vat_rate_bp, amount_ht) VALUES ($1, 99, 'other', 'ajout', 1000, 1, 1900, 1)`,
      [invoiceId],
    );
  });

  it('refuses changes to credit notes, payments, reversals, counters; and TRUNCATE', async () => {
    await refused(`UPDATE credit_notes SET total_ttc = total_ttc + 1, total_ht = total_ht + 1 WHERE invoice_id = $1`, [invoiceId]);
    await refused(`DELETE FROM credit_notes WHERE invoice_id = $1`, [invoiceId]);
    await refused(`UPDATE payments SET amount_millimes = 2 WHERE invoice_id = $1`, [invoiceId]);
    await refused(`DELETE FROM payments WHERE invoice_id = $1`, [invoiceId]);
    await refused(`UPDATE document_counters SET last_seq = last_seq + 5`);
    await refused(`UPDATE document_counters SET last_seq = last_seq - 1`);
    await refused(`DELETE FROM document_counters`);
    for (const table of ['invoices', 'invoice_lines', 'credit_notes', 'payments', 'payment_reversals', 'document_counters']) await refused(`TRUNCATE ${table} CASCADE`);
  });

  it('an issued number must be the one its counter just allocated: no made-up, reused or out-of-order number', async () => {
    const draft = await createDraft(stack, admin);
    const [counter] = (await sql(`SELECT fiscal_year AS year, last_seq AS last FROM document_counters WHERE series = 'FA'`)) as Array<{ year: number; last: number }>;
    const issue = (seq: number, number: string) =>
      sql(
        `UPDATE invoices SET status = 'issued', series = 'FA', fiscal_year = $2, seq = $3, number = $4, issue_date = make_date($2, 6, 1),
                seller = '{}', total_ht = 0, total_vat = 0, stamp = 0, total_ttc = 0 WHERE id = $1`,
        [draft, counter!.year, seq, number],
      );
    const number = (seq: number) => `FA-${counter!.year}-${String(seq).padStart(6, '0')}`;
    await assert.rejects(issue(counter!.last + 5, number(counter!.last + 5)), /is not the number just allocated/, 'a number ahead of the counter');
    await assert.rejects(issue(counter!.last, 'FA-2000-000001'), /is not the number just allocated/, 'a number not in the canonical form');
    await assert.rejects(issue(counter!.last, number(counter!.last)), /duplicate key/, 'the last number again');
    const [row] = (await sql(`SELECT status FROM invoices WHERE id = $1`, [draft])) as Array<{ status: string }>;
    assert.equal(row!.status, 'draft');
  });

  it('a draft stays editable (the guard is about issued documents), and an issued one answers 409 through the API', async () => {
    const draft = await createDraft(stack, admin);
    await sql(`UPDATE invoices SET updated_at = now() WHERE id = $1`, [draft]);
    await sql(`UPDATE invoice_lines SET description = 'modifiée' WHERE invoice_id = $1 AND position = 1`, [draft]);
    const patched = await call(stack.gateway.url, `/api/v1/invoices/${draft}`, { method: 'PATCH', token: admin, json: { lines: [{ description: 'Forfait', quantityMilli: 1000, unitPriceMillimes: 1_000, vatRateBp: 700 }] } });
    assert.equal(patched.status, 200);
    const refusedPatch = await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}`, { method: 'PATCH', token: admin, json: { ownerUserId: null } });
    assert.equal(refusedPatch.status, 409);
  });
});
