import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@ecar/testkit';
import { call, startBillingStack, type BillingStack } from '../support/billing-stack.ts';
import { asCreditNote, asInvoice, createDraft, expectStatus, issuedInvoice, type InvoiceJson } from '../support/billing-fixtures.ts';

let stack: BillingStack;
let admin: string;

async function invoice(id: string): Promise<InvoiceJson> {
  return asInvoice(expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${id}`, { token: admin }), 200, 'read invoice'));
}

async function pay(id: string, json: Record<string, unknown>) {
  return call(stack.gateway.url, `/api/v1/invoices/${id}/payments`, { method: 'POST', token: admin, json });
}

async function credit(id: string, json: Record<string, unknown>) {
  return call(stack.gateway.url, `/api/v1/invoices/${id}/credit-notes`, { method: 'POST', token: admin, json });
}

describe('billing: payments, credit notes and balances', () => {
  before(async () => {
    stack = await startBillingStack('billset');
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('issues with totals per VAT rate, stamp and words; partial payments move the status; an overpayment is a clear 409 problem', async () => {
    const issued = asInvoice(await issuedInvoice(stack, admin));
    assert.match(String(issued.number), /^FA-\d{4}-\d{6}$/);
    assert.deepEqual(issued.vat, [
      { rateBp: 1900, baseMillimes: 86_000, vatMillimes: 16_340 },
      { rateBp: 700, baseMillimes: 20_000, vatMillimes: 1_400 },
    ]);
    assert.deepEqual(
      { ht: issued.totals.htMillimes, vat: issued.totals.vatMillimes, stamp: issued.totals.stampMillimes, ttc: issued.totals.ttcMillimes },
      { ht: 106_000, vat: 17_740, stamp: 1_000, ttc: 124_740 },
    );
    assert.equal(issued.totals.ttcFormatted, '124,740 TND');
    assert.equal(issued.totals.ttcInWords, 'cent vingt-quatre dinars et sept cent quarante millimes');
    assert.equal(issued.seller?.taxId, '0000000/Z/A/M/000');
    assert.equal(issued.buyer.taxId, '7654321/B/A/M/000', 'the buyer matricule is frozen normalised');
    assert.equal(issued.paymentStatus, 'unpaid');
    const id = issued.id;

    expectStatus(await pay(id, { method: 'cash', amountMillimes: 24_740 }), 201, 'cash');
    assert.equal((await invoice(id)).paymentStatus, 'partially_paid');
    expectStatus(await pay(id, { method: 'cheque', amountMillimes: 50_000, chequeNumber: '0012345', chequeBank: 'BIAT' }), 201, 'cheque');

    const over = await pay(id, { method: 'transfer', amountMillimes: 50_001, transferReference: 'VIR-2026-77' });
    assert.equal(over.status, 409);
    assert.equal(over.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(over.body['type'], 'urn:ecar:problem:overpayment');
    assert.equal(over.body['detail'], 'The payment of 50,001 TND exceeds the balance due of 50,000 TND');

    expectStatus(await pay(id, { method: 'card', amountMillimes: 50_000 }), 201, 'card');
    const paid = await invoice(id);
    assert.equal(paid.paymentStatus, 'paid');
    assert.equal(paid.balance.balanceMillimes, 0);
    assert.equal((await pay(id, { method: 'cash', amountMillimes: 1 })).status, 409, 'nothing more can be paid');

    const badCheque = await pay(id, { method: 'cheque', amountMillimes: 1 });
    assert.equal(badCheque.status, 400, 'a cheque needs its number and bank');
    assert.equal((await pay(id, { method: 'cash', amountMillimes: 1.5 })).status, 400, 'integer millimes only');
    assert.equal((await pay(id, { method: 'cash', amountMillimes: 10, note: 'x' })).status, 400, 'unknown field');
    assert.equal((await pay(id, { method: 'cash', amountMillimes: 10, receivedOn: '2999-01-01' })).status, 422, 'not in the future');
    assert.equal((await pay(id, { method: 'cash', amountMillimes: 10, receivedOn: '2001-01-01' })).status, 422, 'not before the invoice');
  });

  it('a partial credit note reduces the balance and carries no stamp; the closing one gives back the stamp; nothing can be credited twice', async () => {
    const id = String((await issuedInvoice(stack, admin))['id']);
    const partial = await credit(id, { reason: 'Remise commerciale', lines: [{ description: 'Remise sur main-d’œuvre', quantityMilli: 1000, unitPriceMillimes: 10_000, vatRateBp: 1900 }] });
    const note = asCreditNote(expectStatus(partial, 201, 'partial credit note'));
    assert.match(note.number, /^AV-\d{4}-000001$/);
    assert.deepEqual(note.totals, { htMillimes: 10_000, vatMillimes: 1_900, stampMillimes: 0, ttcMillimes: 11_900, ttcFormatted: '11,900 TND', ttcInWords: 'onze dinars et neuf cents millimes' });
    let view = await invoice(id);
    assert.equal(view.balance.balanceMillimes, 124_740 - 11_900);
    assert.equal(view.balance.creditedMillimes, 11_900);
    assert.equal(view.paymentStatus, 'unpaid');

    const tooMuch = await credit(id, { reason: 'Erreur', lines: [{ description: 'Trop', quantityMilli: 1000, unitPriceMillimes: 20_001, vatRateBp: 700 }] });
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.body['type'], 'urn:ecar:problem:credit-exceeds-invoice');
    const wrongRate = await credit(id, { reason: 'Erreur', lines: [{ description: 'Taux absent', quantityMilli: 1000, unitPriceMillimes: 1_000, vatRateBp: 1300 }] });
    assert.equal(wrongRate.status, 422);

    expectStatus(await pay(id, { method: 'cash', amountMillimes: 12_840 }), 201, 'payment before the closing credit');
    const closing = asCreditNote(expectStatus(await credit(id, { reason: 'Annulation', full: true }), 201, 'closing credit note'));
    assert.equal(closing.closesInvoice, true);
    assert.equal(closing.totals.stampMillimes, 1_000, 'the closing credit note gives back the stamp');
    assert.equal(closing.totals.ttcMillimes, 124_740 - 11_900);
    view = await invoice(id);
    assert.equal(view.paymentStatus, 'credited');
    assert.equal(view.balance.creditableMillimes, 0);
    assert.equal(view.balance.balanceMillimes, -12_840, 'what was paid is now owed back');
    assert.equal((await credit(id, { reason: 'Encore', full: true })).status, 422);
    const listed = expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${id}/credit-notes`, { token: admin }), 200, 'list credit notes');
    assert.equal((listed['items'] as unknown[]).length, 2);
  });

  it('a draft cannot be paid or credited; an issued invoice cannot be patched (409 explains the credit note)', async () => {
    const draft = await createDraft(stack, admin);
    assert.equal((await pay(draft, { method: 'cash', amountMillimes: 1000 })).status, 409);
    assert.equal((await credit(draft, { reason: 'x', full: true })).status, 409);
    const issued = String((await issuedInvoice(stack, admin))['id']);
    const patch = await call(stack.gateway.url, `/api/v1/invoices/${issued}`, { method: 'PATCH', token: admin, json: { lines: [] } });
    assert.equal(patch.status, 409);
    assert.match(String(patch.body['detail']), /credit note/);
  });

  it('a payment reversal (super-admin, with a reason) restores the balance, once, and is published for the audit log with its actor', async () => {
    const id = String((await issuedInvoice(stack, admin))['id']);
    const paymentId = String(expectStatus(await pay(id, { method: 'cheque', amountMillimes: 100_000, chequeNumber: 'CHQ-99', chequeBank: 'STB' }), 201, 'cheque')['paymentId']);
    const reverse = (token: string) => call(stack.gateway.url, `/api/v1/invoices/${id}/payments/${paymentId}/reverse`, { method: 'POST', token, json: { reason: 'Chèque impayé' } });
    assert.equal((await reverse(stack.token('customer'))).status, 403);
    const reversed = expectStatus(await reverse(admin), 200, 'reverse');
    assert.equal(reversed['balanceMillimes'], 124_740);
    assert.equal((await reverse(admin)).status, 409, 'a payment is reversed once');
    assert.equal((await invoice(id)).paymentStatus, 'unpaid');
    const payments = expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${id}/payments`, { token: admin }), 200, 'payments')['items'] as Array<Record<string, unknown>>;
    assert.equal(payments[0]?.['reversed'], true, 'the payment row stays, marked reversed');
    assert.equal((await call(stack.gateway.url, `/api/v1/invoices/${id}/payments/${randomUUID()}/reverse`, { method: 'POST', token: admin, json: { reason: 'x' } })).status, 404);

    const published = await waitFor(async () => (await stack.publishedEvents('billing.payment.reversed')).find((event) => event.subject.id === id), {
      what: 'billing.payment.reversed published',
    });
    assert.equal((published.actor as { role: string }).role, 'super-admin');
    assert.equal(published.data['reason'], 'Chèque impayé');
    assert.equal(published.data['amountMillimes'], 100_000);
  });

  it("the reports' ageing follows each invoice's kept balance: paid → not owed, payment reversed → owed again, credited → not owed", async () => {
    const id = String((await issuedInvoice(stack, admin))['id']);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Tunis' }).format(new Date());
    const owed = async () => {
      const report = expectStatus(await call(stack.gateway.url, `/api/v1/reports?from=${today}&to=${today}`, { token: admin }), 200, 'report') as { ageing: { invoices: Array<{ invoiceId: string; balanceMillimes: number }> } };
      return report.ageing.invoices.find((row) => row.invoiceId === id)?.balanceMillimes;
    };
    assert.equal(await owed(), 124_740);
    const paymentId = String(expectStatus(await pay(id, { method: 'cash', amountMillimes: 124_740 }), 201, 'pay in full')['paymentId']);
    assert.equal(await owed(), undefined, 'paid in full: not owed');
    expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${id}/payments/${paymentId}/reverse`, { method: 'POST', token: admin, json: { reason: 'Erreur de caisse' } }), 200, 'reverse');
    assert.equal(await owed(), 124_740, 'the reversal makes it owed again');
    expectStatus(await credit(id, { reason: 'Annulation', full: true }), 201, 'full credit note');
    assert.equal(await owed(), undefined, 'cancelled by its credit note: not owed');
  });

  it('every draft change is published (for the audit log) with a masked before/after diff (AUD-1)', async () => {
    const id = await createDraft(stack, admin, { buyer: { name: 'Client Un', kind: 'person', cin: '11111111', stampExempt: false } });
    const patched = await call(stack.gateway.url, `/api/v1/invoices/${id}`, {
      method: 'PATCH',
      token: admin,
      json: { buyer: { name: 'Client Deux', kind: 'person', cin: '22222222', stampExempt: true }, lines: [{ description: 'Forfait', quantityMilli: 1000, unitPriceMillimes: 5_000, vatRateBp: 1900 }] },
    });
    expectStatus(patched, 200, 'patch draft');
    const event = await waitFor(async () => (await stack.publishedEvents('billing.invoice.updated')).find((e) => e.subject.id === id), {
      what: 'billing.invoice.updated published',
    });
    const changes = event.changes as Record<string, [unknown, unknown]>;
    assert.equal((event.actor as { role: string }).role, 'super-admin');
    assert.deepEqual(changes['cin'], ['***', '***'], 'the CIN is masked');
    assert.deepEqual(changes['buyerName'], ['***', '***'], 'the name is masked');
    assert.deepEqual(changes['stampExempt'], [false, true]);
    assert.deepEqual(changes['lines']?.[1], { count: 1, totalTtcMillimes: 5_950 });
    assert.ok(!JSON.stringify(event).includes('22222222'));
    assert.ok(!JSON.stringify(event).includes('Client Deux'));
  });
});
