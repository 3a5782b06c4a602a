import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadBillingConfig } from '../../services/billing/src/config.ts';
import { noneMatchHits, RenderedPdfCache } from '../../services/billing/src/pdf/pdf-cache.ts';
import { startBillingStack, type BillingStack } from '../support/billing-stack.ts';
import { createDraft, issue } from '../support/billing-fixtures.ts';
import { FakeTtnServer } from '../support/fake-ttn.ts';
import { createTestSigningCa } from '../support/teif-test-ca.ts';
import { waitForTeif } from '../support/teif-waits.ts';

// The cache of rendered invoice PDFs (issue 16): small enough that a few invoices overflow it.
const CACHE_BYTES = 150_000;
const TTN_CREDENTIALS = { login: 'garage-el-amen', password: 'ttn-webservice-pass-2026' };

let stack: BillingStack;
let admin: string;
let ttn: FakeTtnServer;

async function pdf(invoiceId: string, token: string, headers: Record<string, string> = {}): Promise<{ status: number; etag: string | null; bytes: Buffer }> {
  const response = await fetch(`${stack.gateway.url}/api/v1/invoices/${invoiceId}/pdf`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, etag: response.headers.get('etag'), bytes: Buffer.from(await response.arrayBuffer()) };
}

/** Every PDF access record of an invoice in billing's outbox (published or not yet). */
async function pdfReads(invoiceId: string): Promise<number> {
  const rows: Array<{ n: string }> = await stack.billing.context.dataSource.query(
    `SELECT count(*)::text AS n FROM outbox_events WHERE type = 'billing.invoice.accessed' AND payload::jsonb->'data'->>'purpose' = 'pdf'
        AND payload::jsonb->'data'->'invoiceIds' ? $1`,
    [invoiceId],
  );
  return Number(rows[0]!.n);
}

describe('billing: cached PDFs of issued invoices (strong ETag, 304, never stale, bounded)', () => {
  before(async () => {
    const ca = createTestSigningCa();
    ttn = new FakeTtnServer(ca.caPem, TTN_CREDENTIALS);
    await ttn.start();
    stack = await startBillingStack('billpdfcache', {
      SELLER_TAX_ID: '1234567/A/B/M/000',
      ...ca.env,
      ...ttn.billingEnv,
      TTN_RETRY_INITIAL_MS: '200',
      TTN_RETRY_MAX_MS: '400',
      INVOICE_PDF_CACHE_BYTES: String(CACHE_BYTES),
    });
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
    await ttn?.stop();
  });

  it('a second read returns the same bytes and tag; If-None-Match gets 304; TTN acceptance changes the PDF; every read is recorded', async () => {
    ttn.takeDown();
    const owner = randomUUID();
    const invoice = await issue(stack, admin, await createDraft(stack, admin, { ownerUserId: owner }));
    const id = String(invoice['id']);
    const status = `/api/v1/invoices/${id}/teif/status`;
    await waitForTeif(stack, admin, status, (body) => body['status'] === 'pending' && Number(body['attempts']) >= 1);

    const first = await pdf(id, admin);
    assert.equal(first.status, 200);
    assert.match(first.etag ?? '', /^"[A-Za-z0-9_-]{43}"$/, 'a strong tag: the SHA-256 of the bytes');
    const second = await pdf(id, admin);
    assert.equal(second.status, 200);
    assert.equal(second.etag, first.etag);
    assert.ok(second.bytes.equals(first.bytes), 'identical bytes from the cache');
    assert.ok(stack.billing.domain.pdfCache.size >= 1);

    const notModified = await pdf(id, admin, { 'if-none-match': first.etag! });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.etag, first.etag);
    assert.equal(notModified.bytes.length, 0);
    assert.equal((await pdf(id, admin, { 'if-none-match': '"another"' })).status, 200, 'another tag gets the PDF');
    assert.equal((await pdf(id, stack.token('customer', owner), { 'if-none-match': `W/${first.etag!}` })).status, 304, 'its owner, weak comparison');
    // Three 200s, two 304s: five reads, five access records (AUD-4), whether the bytes came from the cache or not.
    assert.equal(await pdfReads(id), 5);

    // El Fatoora accepts it: the PDF now prints TTN's reference and QR code, so it is another document.
    ttn.restore();
    const accepted = await waitForTeif(stack, admin, status, (body) => body['status'] === 'accepted');
    const after = await pdf(id, admin, { 'if-none-match': first.etag! });
    assert.equal(after.status, 200, 'the old tag no longer matches');
    assert.notEqual(after.etag, first.etag);
    assert.ok(!after.bytes.equals(first.bytes));
    assert.ok(after.bytes.includes(Buffer.from('/Subtype /Image')), 'the QR code is in the new PDF');
    assert.ok(!first.bytes.includes(Buffer.from('/Subtype /Image')), 'not in the one before acceptance');
    assert.ok(String(accepted['ttnReference']).length > 0);
    const again = await pdf(id, admin);
    assert.equal(again.etag, after.etag);
    assert.ok(again.bytes.equals(after.bytes));
  });

  it('a cached PDF is still refused to whoever may not read the invoice, and a draft has none', async () => {
    const owner = randomUUID();
    const invoice = await issue(stack, admin, await createDraft(stack, admin, { ownerUserId: owner }));
    const id = String(invoice['id']);
    const cached = await pdf(id, stack.token('customer', owner));
    assert.equal(cached.status, 200);
    const reads = await pdfReads(id);
    assert.equal((await pdf(id, stack.token('customer'))).status, 404, 'another customer');
    assert.equal((await pdf(id, stack.token('customer'), { 'if-none-match': cached.etag! })).status, 404, 'another customer with the right tag');
    assert.equal((await pdf(id, stack.token('technician'), { 'if-none-match': cached.etag! })).status, 403, 'a technician');
    const noToken = await fetch(`${stack.gateway.url}/api/v1/invoices/${id}/pdf`, { headers: { 'if-none-match': cached.etag! } });
    assert.equal(noToken.status, 401);
    assert.equal(await pdfReads(id), reads, 'a refused read shows nothing and records nothing');

    const draft = await createDraft(stack, admin);
    const before = stack.billing.domain.pdfCache.size;
    assert.equal((await pdf(draft, admin)).status, 409, 'a draft is not a fiscal document');
    assert.equal(stack.billing.domain.pdfCache.size, before, 'nothing cached for a draft');
  });

  it('the cache never holds more than INVOICE_PDF_CACHE_BYTES; the most recent PDFs stay', async () => {
    const cache = stack.billing.domain.pdfCache;
    assert.equal(cache.maxBytes, CACHE_BYTES);
    const fetched: Array<{ id: string; etag: string; size: number }> = [];
    for (let i = 0; i < 8; i++) {
      const id = String((await issue(stack, admin, await createDraft(stack, admin)))['id']);
      const answer = await pdf(id, admin);
      assert.equal(answer.status, 200);
      fetched.push({ id, etag: answer.etag!, size: answer.bytes.length });
      assert.ok(cache.bytes <= CACHE_BYTES, `${cache.bytes} bytes held`);
    }
    assert.ok(fetched.reduce((sum, entry) => sum + entry.size, 0) > CACHE_BYTES, 'the PDFs together overflow the bound');
    assert.ok(cache.size * Math.min(...fetched.map((entry) => entry.size)) <= CACHE_BYTES, 'older PDFs were evicted');
    const last = fetched[fetched.length - 1]!;
    assert.equal((await pdf(last.id, admin, { 'if-none-match': last.etag })).status, 304, 'the most recent one is still there');
  });

  it('least recently used out, a PDF larger than the bound is not kept, and the bound is validated', () => {
    const cache = new RenderedPdfCache(10);
    cache.set('a', Buffer.alloc(4));
    cache.set('b', Buffer.alloc(4));
    assert.ok(cache.get('a'), 'a is now the most recent');
    cache.set('c', Buffer.alloc(4));
    assert.equal(cache.get('b'), undefined, 'b was the least recently used');
    assert.ok(cache.get('a') && cache.get('c'));
    assert.equal(cache.bytes, 8);
    const big = cache.set('d', Buffer.alloc(11));
    assert.match(big.etag, /^".+"$/);
    assert.equal(cache.get('d'), undefined);
    assert.equal(cache.bytes, 8);
    assert.equal(new RenderedPdfCache(0).set('x', Buffer.alloc(1)).pdf.length, 1);
    assert.equal(new RenderedPdfCache(0).size, 0);
    assert.equal(noneMatchHits('"x", W/"y"', '"y"'), true);
    assert.equal(noneMatchHits('*', '"y"'), true);
    assert.equal(noneMatchHits('"x"', '"y"'), false);
    assert.equal(noneMatchHits(undefined, '"y"'), false);
    assert.equal(loadBillingConfig({}).values.INVOICE_PDF_CACHE_BYTES, 32 * 1024 * 1024, 'default 32 MiB');
    for (const bad of ['-1', '1.5', 'lots', String(2 * 1024 * 1024 * 1024)]) {
      assert.throws(() => loadBillingConfig({ INVOICE_PDF_CACHE_BYTES: bad }), /INVOICE_PDF_CACHE_BYTES/, bad);
    }
  });
});
