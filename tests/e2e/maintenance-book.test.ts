import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPublicKey, randomBytes, sign, createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { canonicalJson } from '@ecar/primitives';
import { loadGarageConfig } from '../../services/garage/src/config.ts';
import { servicedHousehold, type ServicedHousehold } from '../support/book-fixtures.ts';
import { expectStatus } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';
import { call } from '../support/stack.ts';

/**
 * The verifiable maintenance book (issue 15) on real PostgreSQL, through the gateway: a valid book
 * verifies; a changed byte, an unknown key, another garage's key and a history edited after
 * signing fail; the public answers and the PDF carry no personal data of the owner; bad input is
 * a 4xx problem.
 */

const run = promisify(execFile);
const OLD_SEED = randomBytes(32);
const NEW_SEED = randomBytes(32);
const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const publicKeyOf = (seed: Buffer) => String(createPublicKey(createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x);

let stack: GarageStack;
let admin: string;
let household: ServicedHousehold;
let customer: Record<string, unknown>;
let scratch: string;

type Json = Record<string, unknown>;
const gateway = () => stack.gateway!.url;
/**
 * The public routes share the gateway's strict per-address limit (20 a minute by default) with
 * sign-in: most checks go to the garage itself, the gateway's part is shown on its own below.
 */
const verify = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }, base = stack.garage.url) =>
  fetch(`${base}/api/v1/public/maintenance-book/verifications`, { method: 'POST', headers, body });

async function issue(token: string, vehicleId = household.vehicleId): Promise<Json> {
  return expectStatus(call(gateway(), `/api/v1/vehicles/${vehicleId}/maintenance-books`, { method: 'POST', token }), 201);
}

/** The signed document as handed out (what a buyer uploads): the verify link stripped. */
function documentOf(issued: Json): Json {
  return { book: issued['book'], signature: issued['signature'] };
}

async function verified(document: unknown, base = stack.garage.url): Promise<Json> {
  const response = await verify(JSON.stringify(document), { 'content-type': 'application/json' }, base);
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Json;
}

/** Every value of the owner that must never appear in a public answer or a printed book. */
function personalValues(): string[] {
  return ['name', 'phone', 'email', 'address', 'cin'].map((key) => String(customer[key])).concat(household.plate, household.userId, household.customerId);
}

function assertNoPersonalData(text: string, where: string): void {
  for (const value of personalValues()) assert.equal(text.includes(value), false, `${where} shows ${value}`);
}

describe('maintenance book: signed, verifiable, without the owner', () => {
  before(async () => {
    stack = await startGarageStack('mbook', { gateway: true, garageEnv: { MAINTENANCE_BOOK_SIGNING_KEYS: `k2025:${OLD_SEED.toString('base64')},k2026:${NEW_SEED.toString('base64')}`, GARAGE_NAME: 'Garage Ennour' } });
    admin = stack.token('super-admin');
    household = await servicedHousehold(stack, admin);
    customer = await expectStatus(stack.call(`/api/v1/customers/${household.customerId}`, { token: admin }), 200);
    scratch = await mkdtemp(join(tmpdir(), 'ecar-book-'));
  });
  after(async () => {
    await stack?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('publishes every signing key without sign-in, the current one marked', async () => {
    const keys = await expectStatus(call(gateway(), '/api/v1/public/maintenance-book/keys'), 200);
    assert.deepEqual(keys['keys'], [
      { kid: 'k2025', alg: 'Ed25519', publicKey: publicKeyOf(OLD_SEED), current: false },
      { kid: 'k2026', alg: 'Ed25519', publicKey: publicKeyOf(NEW_SEED), current: true },
    ]);
  });

  it('the owner issues a book of the completed work: date, mileage, lines, part references; no price, no owner', async () => {
    const issued = await issue(stack.token('customer', household.userId));
    const book = issued['book'] as Json;
    assert.equal((issued['signature'] as Json)['kid'], 'k2026');
    assert.match(String(issued['verifyUrl']), new RegExp(`/app/verify-book#book=${String(book['bookId'])}$`));
    assert.deepEqual(book['vehicle'], { vehicleId: household.vehicleId, vin: 'VF1RFB00X56789012', make: 'Renault', model: 'Clio', year: 2019 });
    assert.deepEqual(book['garage'], { name: 'Garage Ennour' });
    const entries = book['entries'] as Json[];
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!['workOrderId'], household.workOrderId);
    assert.equal(entries[0]!['mileageKm'], 54000);
    assert.equal(entries[0]!['completedOn'], new Date().toISOString().slice(0, 10));
    assert.deepEqual(entries[0]!['work'], [
      { kind: 'part', description: `Bosch ${household.partReference} — Plaquettes de frein avant`, partReference: household.partReference, quantityMilli: 2000 },
      { kind: 'labour', description: 'Replace brake pads', partReference: null, quantityMilli: 1500 },
    ]);
    const text = JSON.stringify(issued);
    assert.equal(/price|millimes|vat/i.test(text), false, 'no price in the book');
    assertNoPersonalData(text, 'the issued book');
  });

  it('a valid book verifies: signature, key, and the garage’s records; the public answer has no personal data', async () => {
    const document = documentOf(await issue(admin));
    const result = await verified(document, gateway());
    assert.equal(result['valid'], true);
    assert.deepEqual(result['signature'], { valid: true, reason: null, kid: 'k2026', key: { kid: 'k2026', alg: 'Ed25519', publicKey: publicKeyOf(NEW_SEED), current: true } });
    const records = result['records'] as Json;
    assert.equal(records['matches'], true);
    assert.equal(records['vehicle'], true);
    assert.deepEqual((records['entries'] as Json[]).map((entry) => entry['check']), ['matches']);
    assert.equal(records['laterEntries'], 0);
    assertNoPersonalData(JSON.stringify(result), 'the verification');
  });

  it('one changed byte fails the signature', async () => {
    const text = canonicalJson(documentOf(await issue(admin)));
    const at = text.indexOf('Replace brake pads');
    const tampered = `${text.slice(0, at)}replace${text.slice(at + 'Replace'.length)}`;
    assert.equal(tampered.length, text.length);
    const result = await verified(JSON.parse(tampered));
    assert.equal(result['valid'], false);
    assert.deepEqual(result['signature'], { valid: false, reason: 'bad-signature', kid: 'k2026', key: { kid: 'k2026', alg: 'Ed25519', publicKey: publicKeyOf(NEW_SEED), current: true } });
    assert.equal(result['records'], null);
    // A mileage lowered by one kilometre, the number still well formed.
    const lowered = JSON.parse(text.replace('"mileageKm":54000', '"mileageKm":53999')) as Json;
    assert.equal((await verified(lowered))['valid'], false);
  });

  it('an unknown key id fails, and so does a book signed with another garage’s key under this key id', async () => {
    const document = documentOf(await issue(admin));
    const unknown = await verified({ ...document, signature: { ...(document['signature'] as Json), kid: 'k1999' } });
    assert.equal(unknown['valid'], false);
    assert.deepEqual(unknown['signature'], { valid: false, reason: 'unknown-key', kid: 'k1999', key: null });
    const foreignKey = createPrivateKey({ key: Buffer.concat([PKCS8, randomBytes(32)]), format: 'der', type: 'pkcs8' });
    const forged = { book: document['book'], signature: { alg: 'Ed25519', kid: 'k2026', value: sign(null, Buffer.from(canonicalJson(document['book'])), foreignKey).toString('base64url') } };
    assert.equal(((await verified(forged))['signature'] as Json)['reason'], 'bad-signature');
  });

  it('a history edited after signing fails "matches the garage’s records" (upload and QR link alike)', async () => {
    const h = await servicedHousehold(stack, admin);
    const issued = await issue(admin, h.vehicleId);
    const bookId = String((issued['book'] as Json)['bookId']);
    const client = new pg.Client({ connectionString: stack.databases.garage.url });
    await client.connect();
    try {
      await client.query(`UPDATE work_order_lines SET description = 'Brake pads checked only' WHERE work_order_id = $1 AND kind = 'labour'`, [h.workOrderId]);
    } finally {
      await client.end();
    }
    for (const result of [await verified(documentOf(issued)), await expectStatus(stack.call(`/api/v1/public/maintenance-book/books/${bookId}/verification`), 200)]) {
      assert.equal((result['signature'] as Json)['valid'], true, 'the signature itself still holds');
      assert.equal(result['valid'], false);
      const records = result['records'] as Json;
      assert.equal(records['matches'], false);
      assert.deepEqual(records['entries'], [{ workOrderId: h.workOrderId, completedOn: (issued['book'] as { entries: Json[] }).entries[0]!['completedOn'], check: 'changed' }]);
      assertNoPersonalData(JSON.stringify(result), 'the QR verification');
    }
  });

  it('the QR link verifies a book by its number; an unknown number is a 404 problem', async () => {
    const issued = await issue(admin);
    const bookId = String((issued['book'] as Json)['bookId']);
    const result = await expectStatus(call(gateway(), `/api/v1/public/maintenance-book/books/${bookId}/verification`), 200);
    assert.equal(result['valid'], true);
    const missing = await call(gateway(), '/api/v1/public/maintenance-book/books/00000000-0000-4000-8000-000000000000/verification');
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  it('the PDF prints the history, the key and the VIN, not the owner; the signed JSON downloads as issued', async () => {
    const owner = stack.token('customer', household.userId);
    const issued = await issue(owner);
    const bookId = String((issued['book'] as Json)['bookId']);
    const response = await fetch(`${gateway()}/api/v1/vehicles/${household.vehicleId}/maintenance-books/${bookId}/pdf`, { headers: { authorization: `Bearer ${owner}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/pdf');
    assert.equal(response.headers.get('content-disposition'), `attachment; filename="carnet-${bookId}.pdf"`);
    const file = join(scratch, `${bookId}.pdf`);
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
    for (const expected of ["CARNET D'ENTRETIEN", 'VF1RFB00X56789012', 'Renault Clio (2019)', household.partReference, 'Replace brake pads', 'k2026', '54 000 km']) {
      assert.ok(stdout.includes(expected), `the PDF lacks ${expected}:\n${stdout}`);
    }
    assertNoPersonalData(stdout, 'the PDF');
    const json = await fetch(`${gateway()}/api/v1/vehicles/${household.vehicleId}/maintenance-books/${bookId}`, { headers: { authorization: `Bearer ${owner}` } });
    assert.equal(json.status, 200);
    const text = await json.text();
    assert.equal(text, canonicalJson(documentOf(issued)));
    assert.equal((await verified(JSON.parse(text)))['valid'], true);
  });

  it('only staff and the owner issue or download a book', async () => {
    const other = await servicedHousehold(stack, admin);
    const stranger = stack.token('customer', other.userId);
    assert.equal((await call(gateway(), `/api/v1/vehicles/${household.vehicleId}/maintenance-books`, { method: 'POST', token: stranger })).status, 404);
    assert.equal((await call(gateway(), `/api/v1/vehicles/${household.vehicleId}/maintenance-books`, { method: 'POST', token: stack.token('technician', household.technicianId) })).status, 403);
    const issued = await issue(admin);
    const bookId = String((issued['book'] as Json)['bookId']);
    assert.equal((await call(gateway(), `/api/v1/vehicles/${household.vehicleId}/maintenance-books/${bookId}/pdf`, { token: stranger })).status, 404);
    assert.equal((await call(gateway(), `/api/v1/vehicles/${other.vehicleId}/maintenance-books/${bookId}`, { token: stranger })).status, 404, 'a book is reached through its own vehicle only');
    assert.equal((await call(gateway(), `/api/v1/vehicles/${household.vehicleId}/maintenance-books`, { method: 'POST' })).status, 401);
  });

  it('bad input is a 4xx problem+json, never a 5xx', async () => {
    const document = documentOf(await issue(admin));
    const cases: Array<[string, string, Record<string, string>, number]> = [
      ['invalid JSON', '{"book":', { 'content-type': 'application/json' }, 400],
      ['an array', '[]', { 'content-type': 'application/json' }, 400],
      ['not a book', JSON.stringify({ hello: 'world' }), { 'content-type': 'application/json' }, 400],
      ['an extra field', JSON.stringify({ ...document, owner: 'x' }), { 'content-type': 'application/json' }, 400],
      ['an extra field in the book', JSON.stringify({ ...document, book: { ...(document['book'] as Json), ownerName: 'x' } }), { 'content-type': 'application/json' }, 400],
      ['a malformed signature', JSON.stringify({ ...document, signature: { ...(document['signature'] as Json), value: 'abc' } }), { 'content-type': 'application/json' }, 400],
      ['another algorithm', JSON.stringify({ ...document, signature: { ...(document['signature'] as Json), alg: 'none' } }), { 'content-type': 'application/json' }, 400],
      ['a form', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
      ['a huge body', JSON.stringify({ ...document, padding: 'x'.repeat(200_000) }), { 'content-type': 'application/json' }, 413],
    ];
    for (const [name, body, headers, status] of cases) {
      const response = await verify(body, headers);
      assert.equal(response.status, status, `${name}: ${await response.clone().text()}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, name);
    }
    assert.equal((await stack.call('/api/v1/public/maintenance-book/books/not-a-uuid/verification')).status, 400);
    assert.equal((await stack.call('/api/v1/public/maintenance-book/keys?x=1')).status, 400);
  });

  it('production refuses to start without a signing key, or with the development one', () => {
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        loadGarageConfig({ NODE_ENV: 'production', ...env });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    assert.match(problems({}), /MAINTENANCE_BOOK_SIGNING_KEYS is required in production/);
    assert.match(problems({ MAINTENANCE_BOOK_SIGNING_KEYS: 'k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }), /MAINTENANCE_BOOK_SIGNING_KEYS: key k1 does not look random/);
    assert.match(problems({ MAINTENANCE_BOOK_SIGNING_KEYS: 'k1:short' }), /must be the base64 of 32 bytes/);
    assert.match(loadGarageConfig({ NODE_ENV: 'development' }).warnings.join('\n'), /MAINTENANCE_BOOK_SIGNING_KEYS not set: maintenance books are signed with a public development key/);
  });
  it('the gateway rate-limits the public verification per address (problem+json 429 with Retry-After)', async () => {
    const document = JSON.stringify(documentOf(await issue(admin)));
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 25; attempt += 1) {
      const response = await verify(document, { 'content-type': 'application/json' }, gateway());
      statuses.push(response.status);
      if (response.status === 429) {
        assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.ok(Number(response.headers.get('retry-after')) > 0);
      }
      await response.arrayBuffer();
    }
    assert.ok(statuses.includes(429), statuses.join(','));
    assert.ok(statuses.every((status) => status === 200 || status === 429), statuses.join(','));
  });
});
