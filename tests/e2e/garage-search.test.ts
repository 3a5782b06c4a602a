import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { FieldCipher } from '../../services/garage/src/data/field-cipher.ts';
import { rotateFieldKeys } from '../../services/garage/src/data/key-rotation.ts';
import { countUnindexedRows, reindexSearch } from '../../services/garage/src/data/search-backfill.ts';
import { keyringFromSpec } from '@ecar/crypto';
import { waitFor } from '@ecar/testkit';
import { call } from '../support/stack.ts';
import { expectStatus } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

/**
 * Issue 15: counter search on sealed fields (docs/security/search.md). Real PostgreSQL, the
 * garage behind the real gateway; the plaintext of name, phone, plate and VIN is nowhere in the
 * database, while a name prefix, part of a plate, the end of a VIN or of a phone finds the customer.
 */

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;

let stack: GarageStack;
let admin: string;

interface Person {
  id: string;
  name: string;
  phone: string;
  plate: string;
  vin: string;
  vehicleId: string;
}
const people: Person[] = [];
/** Vehicles added by a test after the first five (the backfill test counts every indexed row). */
let extraVehicles = 0;
let extraCustomers = 0;

const PEOPLE = [
  { name: 'Mohamed Ben Ali', phone: '+21622345678', plate: '145 TU 4521', vin: 'VF1RFB00X56789012' },
  { name: 'Sonia Ben Amor', phone: '+21698112233', plate: '212 TU 7788', vin: 'WVWZZZ1JZ3W386052' },
  { name: 'Hédi Trabelsi', phone: '+21655443322', plate: '88 TU 1234', vin: 'ZFA19900001234567' },
  { name: 'أحمد الطرابلسي', phone: '+21671900456', plate: '123456 RS', vin: 'JTDBR32E720045678' },
  { name: 'Société Générale de Transport', phone: '+21670001122', plate: '9 TU 45', vin: 'VF3LCYHZPHS123456' },
];

async function rawRows(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: stack.databases.garage.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Through the gateway, as the back office calls it. */
async function search(query: string, token = admin, extra = ''): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.gateway!.url}/api/v1/customers/search?q=${encodeURIComponent(query)}${extra}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function found(query: string, extra = ''): Promise<Array<Record<string, unknown>>> {
  const answer = await search(query, admin, extra);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body['items'] as Array<Record<string, unknown>>;
}

/** Straight to the garage (after a restart the gateway still points at the old port). */
async function foundDirect(query: string): Promise<Array<Record<string, unknown>>> {
  return (await expectStatus(stack.call(`/api/v1/customers/search?q=${encodeURIComponent(query)}`, { token: admin }), 200))['items'] as Array<Record<string, unknown>>;
}

const idsOf = (items: Array<Record<string, unknown>>) => items.map((item) => item['id']);

/** Every id of every page of a query, following the keyset cursor (at most 20 pages). */
async function allPages(query: string, limit: number): Promise<unknown[]> {
  const seen: unknown[] = [];
  let cursor = '';
  for (let page = 0; page < 20; page++) {
    const answer = await search(query, admin, `&limit=${limit}${cursor ? `&after=${cursor}` : ''}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    seen.push(...idsOf(answer.body['items'] as Array<Record<string, unknown>>));
    if (!answer.body['nextCursor']) return seen;
    cursor = String(answer.body['nextCursor']);
  }
  throw new Error(`${query}: more than 20 pages`);
}

describe('counter search on sealed fields (issue 15)', () => {
  before(async () => {
    stack = await startGarageStack('garagesearch', { gateway: true, audit: true, garageEnv: { FIELD_KEYS: k1 } });
    admin = stack.token('super-admin');
    for (const person of PEOPLE) {
      const customer = await expectStatus(stack.call('/api/v1/customers', { method: 'POST', token: admin, json: { kind: 'person', name: person.name, phone: person.phone } }), 201);
      const vehicle = await expectStatus(
        stack.call('/api/v1/vehicles', { method: 'POST', token: admin, json: { customerId: customer['id'], plate: person.plate, vin: person.vin, make: 'Renault', model: 'Clio', year: 2018, mileageKm: 1000 } }),
        201,
      );
      people.push({ ...person, id: String(customer['id']), vehicleId: String(vehicle['id']) });
    }
  });
  after(async () => {
    await stack?.stop();
  });

  it('no text column of any table holds the name, phone, plate or VIN in plaintext (nor their normalised forms)', async () => {
    const columns = await rawRows(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`,
    );
    assert.ok(columns.some((column) => column['table_name'] === 'search_terms'), 'the search table is scanned too');
    const dump: string[] = [];
    for (const { table_name: table, column_name: column } of columns) {
      for (const row of await rawRows(`SELECT "${String(column)}"::text AS v FROM "${String(table)}" WHERE "${String(column)}" IS NOT NULL`)) dump.push(String(row['v']));
    }
    const everything = dump.join('\n');
    assert.ok(everything.includes('v1.k1.'), 'sealed values are there');
    for (const person of people) {
      const plainPlate = person.plate.replace(/ /g, '');
      // Words shorter than 6 letters are left out: they turn up by chance in base64 ciphertext.
      const words = person.name.split(' ').filter((word) => word.length >= 6);
      for (const value of [person.name, ...words, ...words.map((word) => word.toLowerCase()), person.phone, person.phone.slice(4), person.plate, plainPlate, person.vin, person.vin.slice(-8)]) {
        assert.ok(!everything.includes(value), `plaintext "${value}" found in the database`);
      }
    }
    const [row] = await rawRows(`SELECT name, name_sealed FROM customers WHERE id = $1`, [people[0]!.id]);
    assert.equal(row!['name'], null);
    assert.match(String(row!['name_sealed']), /^v1\.k1\./);
    const tokens = await rawRows(`SELECT DISTINCT pg_typeof(token)::text AS type, max(token) AS max FROM search_terms GROUP BY 1`);
    assert.equal(tokens[0]!['type'], 'integer');
    assert.ok(Number(tokens[0]!['max']) < 2 ** 20, 'tokens are truncated to 20 bits');
  });

  it('a name prefix finds the customer, whatever the case, accents, spacing or Arabic letter variants', async () => {
    const [ali, sonia, hedi, ahmed, company] = people as [Person, Person, Person, Person, Person];
    assert.deepEqual(idsOf(await found('Ben Ali')), [ali.id]);
    assert.deepEqual(idsOf(await found('moh')), [ali.id]);
    assert.deepEqual(new Set(idsOf(await found('ben a'))), new Set([ali.id, sonia.id]));
    assert.deepEqual(idsOf(await found('HEDI tra')), [hedi.id]);
    assert.deepEqual(idsOf(await found('trabelsi')), [hedi.id]);
    assert.deepEqual(idsOf(await found('societe gen')), [company.id]);
    // Hamza on the alif folded: "احمد" finds "أحمد"; the article and the word after it are indexed from each word on.
    assert.deepEqual(idsOf(await found('احمد')), [ahmed.id]);
    assert.deepEqual(idsOf(await found('الطرابلسي')), [ahmed.id]);
    const first = (await found('Ben Ali'))[0]!;
    assert.equal(first['name'], 'Mohamed Ben Ali');
    assert.equal(first['phone'], ali.phone);
    assert.deepEqual(first['matchedOn'], ['name']);
    assert.deepEqual(await found('Ben Alia'), [], 'confirmed against the whole query, not only its token');
  });

  it('part of a plate, the end of a VIN and the end of a phone find their customer', async () => {
    const [ali, sonia, hedi, ahmed, company] = people as [Person, Person, Person, Person, Person];
    const byPlate = await found('TU 45');
    assert.deepEqual(new Set(idsOf(byPlate)), new Set([ali.id, company.id]));
    assert.deepEqual(byPlate.find((item) => item['id'] === ali.id)!['vehicles'], [{ id: ali.vehicleId, plate: ali.plate }]);
    assert.deepEqual(idsOf(await found('7788', '&kind=plate')), [sonia.id]);
    assert.deepEqual(idsOf(await found('145tu4521')), [ali.id], 'a plate longer than the indexed window is confirmed in full');
    assert.deepEqual(idsOf(await found('123456', '&kind=plate')), [ahmed.id]);
    assert.deepEqual(idsOf(await found('1234567', '&kind=vin')), [hedi.id]);
    assert.deepEqual(idsOf(await found('s123456', '&kind=vin')), [company.id]);
    assert.deepEqual(idsOf(await found('5678', '&kind=phone')), [ali.id]);
    assert.deepEqual(idsOf(await found('98 112 233')), [sonia.id]);
    assert.deepEqual(await found('99999999', '&kind=phone'), []);
  });

  it('only the vehicles whose own plate or VIN matched are listed, not every vehicle of the customer', async () => {
    const sonia = people[1]!;
    const second = await expectStatus(
      stack.call('/api/v1/vehicles', { method: 'POST', token: admin, json: { customerId: sonia.id, plate: '300 TU 9911', vin: 'VF1AB000000009911', make: 'Peugeot', model: '208', year: 2021, mileageKm: 500 } }),
      201,
    );
    extraVehicles += 1;
    const [byBoth] = await found('9911');
    assert.equal(byBoth!['id'], sonia.id);
    assert.deepEqual(byBoth!['matchedOn'], ['plate', 'vin']);
    assert.deepEqual(byBoth!['vehicles'], [{ id: second['id'], plate: '300 TU 9911' }], 'the first vehicle holds no token of the query');
    assert.deepEqual((await found('7788', '&kind=plate'))[0]!['vehicles'], [{ id: sonia.vehicleId, plate: sonia.plate }]);
    const byVin = await found('4567', '&kind=vin');
    assert.deepEqual(byVin.map((item) => [item['id'], item['vehicles']]), [[people[2]!.id, [{ id: people[2]!.vehicleId, plate: people[2]!.plate }]]]);
  });

  it('a customer holding a query token without the value (a truncated-token collision) is opened and left out', async () => {
    const hedi = people[2]!;
    const cipher = new FieldCipher(keyringFromSpec(k1), stack.garage.config.BLIND_INDEX_KEY);
    // Hédi is given the tokens of "benal" (name) and "TU45" (plate), as a 20-bit collision would.
    const forged = [cipher.searchToken('name', 'benal'), cipher.searchToken('plate', 'TU45')];
    await rawRows(
      `INSERT INTO search_terms (kind, token, customer_id, source_id, key_id) VALUES ('name', $1, $3, $3, 'k1'), ('plate', $2, $3, $4, 'k1')`,
      [forged[0], forged[1], hedi.id, hedi.vehicleId],
    );
    try {
      assert.deepEqual(idsOf(await found('Ben Al')), [people[0]!.id]);
      assert.deepEqual(new Set(idsOf(await found('TU 45'))), new Set([people[0]!.id, people[4]!.id]));
    } finally {
      await rawRows(`DELETE FROM search_terms WHERE customer_id = $1 AND token = ANY($2::int[])`, [hedi.id, forged]);
    }
  });

  it('a query matching one customer by phone and another by VIN pages through both, once each', async () => {
    const [ali, , , ahmed] = people as [Person, Person, Person, Person];
    const all = await found('5678');
    assert.deepEqual(new Map(all.map((item) => [item['id'], item['matchedOn']])), new Map([[ali.id, ['phone']], [ahmed.id, ['vin']]]));
    assert.deepEqual([...(await allPages('5678', 1))].sort(), [ali.id, ahmed.id].sort());
  });

  it('a prefix shared by more customers than a round of candidates pages through every one of them once, in id order', async () => {
    const created: string[] = [];
    for (let n = 0; n < 12; n++) {
      const customer = await expectStatus(stack.call('/api/v1/customers', { method: 'POST', token: admin, json: { kind: 'person', name: `Karim Zouari ${n}` } }), 201);
      created.push(String(customer['id']));
    }
    extraCustomers += created.length;
    assert.deepEqual(await allPages('zouari', 5), [...created].sort());
  });

  it('too short a query is a 400; pages follow the keyset cursor', async () => {
    const short = await search('a');
    assert.equal(short.status, 400);
    const tooShortPhone = await search('12', admin, '&kind=phone');
    assert.equal(tooShortPhone.status, 400);
    const page1 = await search('ben', admin, '&limit=1');
    assert.equal(page1.status, 200);
    assert.equal((page1.body['items'] as unknown[]).length, 1);
    assert.ok(page1.body['nextCursor']);
    const page2 = await found('ben', `&limit=1&after=${String(page1.body['nextCursor'])}`);
    assert.equal(page2.length, 1);
    assert.notDeepEqual(idsOf(page2), idsOf(page1.body['items'] as Array<Record<string, unknown>>));
    assert.deepEqual(new Set([...idsOf(page1.body['items'] as Array<Record<string, unknown>>), ...idsOf(page2)]), new Set([people[0]!.id, people[1]!.id]));
  });

  it('a technician or a customer is refused by the gateway and by the garage itself', async () => {
    for (const role of ['technician', 'customer'] as const) {
      const token = stack.token(role);
      assert.equal((await search('Ben Ali', token)).status, 403, `${role} through the gateway`);
      const direct = await stack.call(`/api/v1/customers/search?q=${encodeURIComponent('TU 45')}&kind=plate`, { token });
      assert.equal(direct.status, 403, `${role} at the garage`);
    }
  });

  it('the page of results is recorded as one access naming every customer revealed (in audit)', async () => {
    const reader = randomUUID();
    const token = stack.token('super-admin', reader);
    const answer = await search('Ben A', token);
    assert.equal(answer.status, 200);
    const record = await waitFor(
      async () => {
        const response = await call(stack.audit!.url, `/api/v1/audit/events?actor=${reader}&type=garage.customer.accessed`, { token: admin });
        return (response.body['items'] as Array<Record<string, unknown>> | undefined)?.[0];
      },
      { what: 'the search access record', timeoutMs: 30_000 },
    );
    const data = record['data'] as Record<string, unknown>;
    assert.equal(data['purpose'], 'search');
    assert.deepEqual([...(data['customerIds'] as string[])].sort(), [people[0]!.id, people[1]!.id].sort());
    assert.deepEqual(data['fields'], ['name', 'phone', 'email']);
  });

  it('rows written before the upgrade are backfilled; a key rotation recomputes the tokens under the new key', async () => {
    const legacy = people[2]!;
    // A row as GarageInit left it: plaintext name, no search terms.
    await rawRows(`UPDATE customers SET name = $2, name_sealed = NULL, search_key_id = NULL WHERE id = $1`, [legacy.id, legacy.name]);
    await rawRows(`DELETE FROM search_terms WHERE customer_id = $1`, [legacy.id]);
    await rawRows(`UPDATE vehicles SET search_key_id = NULL WHERE id = $1`, [legacy.vehicleId]);
    assert.deepEqual(await found('trabelsi'), []);
    const dataSource = stack.garage.context.dataSource;
    const cipher1 = new FieldCipher(keyringFromSpec(k1), stack.garage.config.BLIND_INDEX_KEY);
    assert.equal(await countUnindexedRows(dataSource, 'k1'), 2);
    assert.equal(await reindexSearch(dataSource, cipher1), 2);
    assert.deepEqual(idsOf(await found('trabelsi')), [legacy.id]);
    assert.deepEqual(idsOf(await found('1234567', '&kind=vin')), [legacy.id]);
    const [sealed] = await rawRows(`SELECT name, name_sealed FROM customers WHERE id = $1`, [legacy.id]);
    assert.equal(sealed!['name'], null, 'the backfill sealed the name');

    await stack.restartGarage({ FIELD_KEYS: `${k1},${k2}` });
    const both = keyringFromSpec(`${k1},${k2}`);
    const cipher2 = new FieldCipher(both, stack.garage.config.BLIND_INDEX_KEY);
    const newDataSource = stack.garage.context.dataSource;
    assert.equal(await countUnindexedRows(newDataSource, 'k2'), people.length * 2 + extraVehicles + extraCustomers);
    // Mid-rotation the query tries every key of the keyring: rows under k1 are still found.
    assert.deepEqual(idsOf(await foundDirect('Ben Ali')), [people[0]!.id]);
    await rotateFieldKeys(newDataSource, both);
    assert.equal(await reindexSearch(newDataSource, cipher2), people.length * 2 + extraVehicles + extraCustomers);
    const keys = await rawRows(`SELECT DISTINCT key_id FROM search_terms`);
    assert.deepEqual(keys.map((row) => row['key_id']), ['k2']);
    await stack.restartGarage({ FIELD_KEYS: k2 });
    assert.deepEqual(idsOf(await foundDirect('Ben Ali')), [people[0]!.id]);
    assert.deepEqual(idsOf(await foundDirect('TU 7788')), [people[1]!.id]);
  });
});
