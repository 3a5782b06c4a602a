import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { AMQP_URL, createTestDatabase } from '@ecar/testkit';
import { TEIF_QUEUE } from '../../services/billing/src/messaging/teif-subscriptions.ts';
import { billingService } from '../../services/billing/src/service.ts';
import { validateTeif } from '../../services/billing/src/teif/schema-validation.ts';
import { call, startBillingStack, type BillingStack } from '../support/billing-stack.ts';
import { COMPANY_BUYER, createDraft, expectStatus, issue, PERSON_BUYER } from '../support/billing-fixtures.ts';
import { FakeTtnServer } from '../support/fake-ttn.ts';
import { createTestSigningCa, verifyWithXmlsec, type TestSigningCa } from '../support/teif-test-ca.ts';
import { waitForTeif } from '../support/teif-waits.ts';

const run = promisify(execFile);
const TTN_CREDENTIALS = { login: 'garage-el-amen', password: 'ttn-webservice-pass-2026' };
const ARABIC_BUYER = { name: 'محمد بن علي الطرابلسي', kind: 'person', cin: '09876543', address: '12 نهج الحبيب بورقيبة، صفاقس', stampExempt: false };

let stack: BillingStack;
let admin: string;
let ca: TestSigningCa;
let ttn: FakeTtnServer;
let scratch: string;

const statusPath = (kind: 'invoices' | 'credit-notes', id: string) => `/api/v1/${kind}/${id}/teif/status`;
const settled = (body: Record<string, unknown>) => body['status'] !== 'pending';

async function signedXml(kind: 'invoices' | 'credit-notes', id: string): Promise<string> {
  const response = await fetch(`${stack.gateway.url}/api/v1/${kind}/${id}/teif/signed`, { headers: { authorization: `Bearer ${admin}` } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/xml/);
  assert.match(response.headers.get('content-disposition') ?? '', /filename="TEIF_1234567ABM000_(FA|AV)-\d{4}-\d{6}\.xml"/);
  return response.text();
}

async function creditNote(invoiceId: string, body: Record<string, unknown>): Promise<string> {
  return String(expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}/credit-notes`, { method: 'POST', token: admin, json: body }), 201, 'credit note')['id']);
}

describe('billing: signed TEIF submitted to El Fatoora (fake TTN)', () => {
  before(async () => {
    ca = createTestSigningCa();
    ttn = new FakeTtnServer(ca.caPem, TTN_CREDENTIALS);
    await ttn.start();
    stack = await startBillingStack('billteif', {
      SELLER_NAME: 'Garage El Amen SARL',
      SELLER_ADDRESS: '14 rue de Marseille, 1000 Tunis',
      SELLER_TAX_ID: '1234567/A/B/M/000',
      SELLER_TRADE_REGISTER: 'B01234562020',
      ...ca.env,
      ...ttn.billingEnv,
      TEIF_SWEEP_GRACE_MS: '3000',
      TTN_RETRY_INITIAL_MS: '200',
      TTN_RETRY_MAX_MS: '800',
    });
    admin = stack.token('super-admin');
    scratch = await mkdtemp(join(tmpdir(), 'ecar-teif-'));
  });
  after(async () => {
    await stack?.stop();
    await ttn?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('every issued invoice and credit note of the fixture set is accepted, passes the schema and its signature verifies with xmlsec1', async () => {
    const invoices = [
      await issue(stack, admin, await createDraft(stack, admin)),
      await issue(stack, admin, await createDraft(stack, admin, { buyer: PERSON_BUYER })),
      await issue(stack, admin, await createDraft(stack, admin, { buyer: { ...COMPANY_BUYER, stampExempt: true }, lines: [{ kind: 'other', description: 'Forfait <diagnostic> & "essai"', quantityMilli: 1000, unitPriceMillimes: 99_999, vatRateBp: 700 }] })),
      await issue(stack, admin, await createDraft(stack, admin, { buyer: ARABIC_BUYER })),
    ];
    const partial = await creditNote(String(invoices[0]!['id']), { reason: 'Remise commerciale', lines: [{ description: 'Remise', quantityMilli: 1000, unitPriceMillimes: 10_000, vatRateBp: 1900 }] });
    const full = await creditNote(String(invoices[1]!['id']), { reason: 'Annulation', full: true });
    const documents: Array<{ kind: 'invoices' | 'credit-notes'; id: string }> = [
      ...invoices.map((invoice) => ({ kind: 'invoices' as const, id: String(invoice['id']) })),
      { kind: 'credit-notes', id: partial },
      { kind: 'credit-notes', id: full },
    ];
    for (const document of documents) {
      const status = await waitForTeif(stack, admin, statusPath(document.kind, document.id), settled);
      assert.equal(status['status'], 'accepted', JSON.stringify(status));
      assert.match(String(status['ttnReference']), /^TTN\d{10}1234567ABM000$/);
      const xml = await signedXml(document.kind, document.id);
      assert.deepEqual(await validateTeif(xml), { valid: true }, `${document.kind} ${document.id}`);
      assert.deepEqual(await verifyWithXmlsec(xml, ca.caPem), { valid: true }, `${document.kind} ${document.id}`);
      assert.ok(xml.includes('<ds:Signature Id="SigFrs"'), 'enveloped supplier signature');
      assert.ok(xml.includes('http://uri.etsi.org/01903#SignedProperties') && xml.includes('SigningCertificate') && xml.includes('SigningTime'), 'XAdES-BES signed properties');
      assert.ok(xml.includes('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256') && xml.includes('http://www.w3.org/2001/04/xmlenc#sha256'), 'RSA-SHA256, SHA-256 digests');
    }
    const credit = await signedXml('credit-notes', full);
    assert.ok(credit.includes('<DocumentType code="I-12">Facture d\'avoir</DocumentType>'), credit);
    assert.ok(credit.includes(`<Reference refID="I-88">${String(invoices[1]!['number'])}</Reference>`), 'the credit note names the invoice it corrects');
    const first = await signedXml('invoices', String(invoices[0]!['id']));
    for (const fragment of ['<MessageRecieverIdentifier type="I-01">7654321BAM000</MessageRecieverIdentifier>', '<TaxTypeName code="I-1601">droit de timbre</TaxTypeName>', '<TaxRate>19</TaxRate>', '<TaxRate>7</TaxRate>', '<AmountDescription lang="ar">']) {
      assert.ok(first.includes(fragment), `TEIF lacks ${fragment}`);
    }
    assert.ok((await signedXml('invoices', String(invoices[1]!['id']))).includes('<MessageRecieverIdentifier type="I-02">01234567</MessageRecieverIdentifier>'));
  });

  it('one changed amount breaks the signature; an amount in the wrong form breaks the schema too', async () => {
    const invoice = await issue(stack, admin, await createDraft(stack, admin));
    await waitForTeif(stack, admin, statusPath('invoices', String(invoice['id'])), settled);
    const xml = await signedXml('invoices', String(invoice['id']));
    const total = /<Moa amountTypeCode="I-180" currencyCodeList="ISO_4217">\s*<Amount currencyIdentifier="TND">(\d+)\.(\d{3})<\/Amount>/.exec(xml);
    assert.ok(total, 'total TTC present');
    const raised = xml.replace(total[0], total[0].replace(`${total[1]}.${total[2]}`, `${Number(total[1]) + 1}.${total[2]}`));
    assert.notEqual(raised, xml);
    assert.deepEqual(await validateTeif(raised), { valid: true }, 'a plausible amount still has the schema form');
    const broken = await verifyWithXmlsec(raised, ca.caPem);
    assert.equal(broken.valid, false);
    assert.match(broken.valid ? '' : broken.output, /data and digest do not match|FAIL/);
    const malformed = xml.replace(total[0], total[0].replace(`${total[1]}.${total[2]}`, `${total[1]}.${total[2]!.slice(0, 2)}`));
    assert.equal((await validateTeif(malformed)).valid, false, 'two decimals are not TEIF');
    assert.equal((await verifyWithXmlsec(malformed, ca.caPem)).valid, false);
    const otherCa = createTestSigningCa();
    assert.equal((await verifyWithXmlsec(xml, otherCa.caPem)).valid, false, 'a certificate from another CA is not trusted');
  });

  it('a TTN outage delays the submission and loses nothing; it is sent once when TTN is back', async () => {
    ttn.takeDown();
    const invoice = await issue(stack, admin, await createDraft(stack, admin));
    const path = statusPath('invoices', String(invoice['id']));
    const waiting = await waitForTeif(stack, admin, path, (body) => body['status'] === 'pending' && Number(body['attempts']) >= 3);
    assert.match(String(waiting['lastError']), /HTTP 503/);
    assert.ok(waiting['nextAttemptAt'], 'the next attempt is scheduled');
    ttn.restore();
    const accepted = await waitForTeif(stack, admin, path, settled);
    assert.equal(accepted['status'], 'accepted');
    const calls = ttn.callsFor(String(invoice['number']));
    assert.ok(calls.length >= 4, `retried during the outage (${calls.length} calls)`);
    assert.deepEqual(calls.filter((c) => c.answer !== 'UNAVAILABLE').map((c) => c.answer), ['ACCEPTED'], 'exactly one delivery reached TTN');
  });

  it('a redelivered issue event and a re-submission of an accepted invoice send nothing more', async () => {
    const invoice = await issue(stack, admin, await createDraft(stack, admin));
    const path = statusPath('invoices', String(invoice['id']));
    await waitForTeif(stack, admin, path, settled);
    const issued = (await stack.publishedEvents('billing.invoice.issued')).find((event) => (event.data as { invoiceId: string }).invoiceId === invoice['id']);
    assert.ok(issued);
    await stack.publish(issued);
    await stack.publish({ ...issued, id: crypto.randomUUID() });
    const again = await call(stack.gateway.url, `/api/v1/invoices/${String(invoice['id'])}/teif/resubmit`, { method: 'POST', token: admin });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.match(String(again.body['detail']), /never submitted again/);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(ttn.callsFor(String(invoice['number'])).length, 1, 'one call to TTN for this invoice');
    const rows: Array<{ status: string }> = await stack.billing.context.dataSource.query(`SELECT status FROM teif_documents WHERE number = $1`, [invoice['number']]);
    assert.deepEqual(rows, [{ status: 'accepted' }]);
    await assert.rejects(
      stack.billing.context.dataSource.query(`UPDATE teif_documents SET status = 'pending' WHERE number = $1`, [invoice['number']]),
      /accepted by TTN and is final/,
    );
  });

  it('an issue event that never reaches the TEIF consumer is swept up: the document is still signed and accepted', async () => {
    const connection = await amqp.connect(AMQP_URL);
    const channel = await connection.createChannel();
    const queue = `${stack.bus.queuePrefix}${TEIF_QUEUE}`;
    await channel.unbindQueue(queue, stack.bus.exchange, 'billing.invoice.issued');
    try {
      const invoice = await issue(stack, admin, await createDraft(stack, admin));
      const path = statusPath('invoices', String(invoice['id']));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal((await call(stack.gateway.url, path, { token: admin })).status, 404, 'the consumer did not see it');
      const accepted = await waitForTeif(stack, admin, path, settled);
      assert.equal(accepted['status'], 'accepted');
      assert.equal(ttn.callsFor(String(invoice['number'])).length, 1);
    } finally {
      await channel.bindQueue(queue, stack.bus.exchange, 'billing.invoice.issued');
      await connection.close();
    }
  });

  it('a refusal is kept with its reason and raises an alert event; a super-admin re-submits it', async () => {
    ttn.refuseNext('Code TVA de l’acheteur inconnu');
    const invoice = await issue(stack, admin, await createDraft(stack, admin));
    const path = statusPath('invoices', String(invoice['id']));
    const refused = await waitForTeif(stack, admin, path, settled);
    assert.equal(refused['status'], 'refused');
    assert.deepEqual(refused['refusal'], { reason: 'Code TVA de l’acheteur inconnu', by: 'ttn' });
    const deadline = Date.now() + 10_000;
    let alert;
    while (!alert && Date.now() < deadline) {
      alert = (await stack.publishedEvents('billing.teif.refused')).find((event) => (event.data as { documentId: string }).documentId === invoice['id']);
      if (!alert) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(alert, 'billing.teif.refused was published (the audit log stores it)');
    assert.equal((alert.data as { reason: string }).reason, 'Code TVA de l’acheteur inconnu');
    const customer = await call(stack.gateway.url, `/api/v1/invoices/${String(invoice['id'])}/teif/resubmit`, { method: 'POST', token: stack.token('customer') });
    assert.equal(customer.status, 403);
    const resubmitted = await call(stack.gateway.url, `/api/v1/invoices/${String(invoice['id'])}/teif/resubmit`, { method: 'POST', token: admin });
    assert.equal(resubmitted.status, 202, JSON.stringify(resubmitted.body));
    assert.equal(resubmitted.body['status'], 'pending');
    assert.equal((await waitForTeif(stack, admin, path, settled))['status'], 'accepted');
    assert.ok((await stack.publishedEvents('billing.teif.resubmitted')).some((event) => (event.data as { documentId: string }).documentId === invoice['id']));
  });

  it('the PDF of an accepted invoice for an Arabic-named buyer has the name, the Arabic amount in words and TTN’s reference (pdftotext)', async () => {
    const invoice = await issue(stack, admin, await createDraft(stack, admin, { buyer: ARABIC_BUYER }));
    const status = await waitForTeif(stack, admin, statusPath('invoices', String(invoice['id'])), settled);
    const response = await fetch(`${stack.gateway.url}/api/v1/invoices/${String(invoice['id'])}/pdf`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(response.status, 200);
    const file = join(scratch, 'arabic.pdf');
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
    // pdftotext marks right-to-left runs with embedding controls; the words themselves are in logical order.
    const text = stdout.replace(/[\u202a-\u202e]/g, '').replace(/[ \t]+/g, ' ');
    assert.ok(text.includes('محمد بن علي الطرابلسي'), text);
    // 124,740 TND: the sample lines (19 % and 7 %) plus the stamp.
    assert.ok(text.includes('مائة وأربعة وعشرون دينارا وسبعمائة وأربعون مليما'), text);
    assert.ok(text.includes('cent vingt-quatre dinars et sept cent quarante millimes'), text);
    assert.ok(text.includes(`Référence TTN (El Fatoora) : ${String(status['ttnReference'])}`), text);
    const { stdout: fonts } = await run('pdffonts', [file]);
    assert.match(fonts, /Amiri-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes/, 'Amiri embedded as a subset');
  });

  it('a TTN host that is not allow-listed stops billing at start (RES-3)', async () => {
    const database = await createTestDatabase('billteif_res3');
    try {
      await assert.rejects(
        billingService.start({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'error', DATABASE_URL: database.url, AMQP_URL: 'amqp://127.0.0.1:1', TTN_URL: 'https://elfatoora.example.net/ws', OUTBOUND_ALLOWLIST: '127.0.0.1' }),
        /TTN_URL: host elfatoora\.example\.net is not on OUTBOUND_ALLOWLIST/,
      );
    } finally {
      await database.drop();
    }
  });
});
