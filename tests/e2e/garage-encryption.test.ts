import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { keyringFromSpec } from '@ecar/crypto';
import { countStaleRows, rotateFieldKeys } from '../../services/garage/src/data/key-rotation.ts';
import { createCustomer, expectStatus, PDF } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;

let stack: GarageStack;
let admin: string;

interface Person {
  id: string;
  phone: string;
  email: string;
  address: string;
  cin: string;
  plate: string;
  vin: string;
  vehicleId: string;
}
const people: Person[] = [];
let documentId = '';

async function rawRows(sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: stack.databases.garage.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function keyIdsInUse(): Promise<Set<string>> {
  const rows = await rawRows(
    `SELECT split_part(v, '.', 2) AS kid FROM (
       SELECT unnest(ARRAY[contact_sealed, identity_sealed]) AS v FROM customers
       UNION ALL SELECT unnest(ARRAY[plate_sealed, vin_sealed]) FROM vehicles
       UNION ALL SELECT data_key_sealed FROM documents) sealed WHERE v IS NOT NULL`,
  );
  return new Set(rows.map((row) => String(row['kid'])));
}

async function everyoneReadable(): Promise<void> {
  for (const person of people) {
    const customer = await expectStatus(stack.call(`/api/v1/customers/${person.id}`, { token: admin }), 200);
    assert.equal(customer['phone'], person.phone);
    assert.equal(customer['email'], person.email);
    assert.equal(customer['address'], person.address);
    assert.equal(customer['cin'], person.cin);
    const vehicle = await expectStatus(stack.call(`/api/v1/vehicles/${person.vehicleId}`, { token: admin }), 200);
    assert.equal(vehicle['plate'], person.plate);
    assert.equal(vehicle['vin'], person.vin);
  }
}

function runCli(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/garage/src/cli/rotate-field-keys.ts', '--batch-size=3'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { PATH: process.env['PATH'], NODE_ENV: 'test', LOG_LEVEL: 'error', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('garage field encryption (ENC-1): no plaintext at rest, blind-index lookups, key rotation', () => {
  before(async () => {
    stack = await startGarageStack('garageenc', { garageEnv: { FIELD_KEYS: k1 } });
    admin = stack.token('super-admin');
    for (let i = 0; i < 7; i++) {
      const n = `${40000000 + i * 1111}`;
      const customer = await createCustomer(stack, admin, { phone: `+216${n}`, email: `person${i}@mail.tn`, address: `${i} rue Ibn Khaldoun, Sousse`, cin: n });
      const plate = `${200 + i} TU ${5000 + i}`;
      const vin = `WVWZZZ1JZ3W38605${i}`;
      const vehicle = await expectStatus(
        stack.call('/api/v1/vehicles', { method: 'POST', token: admin, json: { customerId: customer['id'], plate, vin, make: 'VW', model: 'Golf', year: 2016, mileageKm: 120000 } }),
        201,
      );
      people.push({ id: String(customer['id']), phone: `+216${n}`, email: `person${i}@mail.tn`, address: `${i} rue Ibn Khaldoun, Sousse`, cin: n, plate, vin, vehicleId: String(vehicle['id']) });
    }
    const upload = await fetch(`${stack.garage.url}/api/v1/vehicles/${people[0]!.vehicleId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/pdf' },
      body: PDF,
    });
    assert.equal(upload.status, 201);
    documentId = String(((await upload.json()) as Record<string, unknown>)['id']);
  });
  after(async () => {
    await stack?.stop();
  });

  it('the database holds no plaintext of phone, e-mail, address, CIN, plate or VIN — in any table, the outbox included', async () => {
    // The migrations table holds names and timestamps only (GarageSearch1797400000000 contains the digits 40000000).
    const tables = await rawRows(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`);
    const dump: string[] = [];
    for (const { tablename } of tables) {
      for (const row of await rawRows(`SELECT row_to_json(t)::text AS json FROM "${String(tablename)}" t`)) dump.push(String(row['json']));
    }
    const everything = dump.join('\n');
    assert.ok(everything.length > 1000, 'the dump is not empty');
    for (const person of people) {
      for (const value of [person.phone, person.phone.slice(4), person.email, person.address, person.cin, person.plate, person.vin]) {
        assert.ok(!everything.includes(value), `plaintext ${value} found in the database`);
      }
    }
    const [row] = await rawRows(`SELECT * FROM customers WHERE id = '${people[0]!.id}'`);
    assert.match(String(row!['contact_sealed']), /^v1\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(String(row!['identity_sealed']), /^v1\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const [vehicle] = await rawRows(`SELECT * FROM vehicles WHERE id = '${people[0]!.vehicleId}'`);
    assert.match(String(vehicle!['plate_sealed']), /^v1\.k1\./);
    assert.match(String(vehicle!['vin_sealed']), /^v1\.k1\./);
  });

  it('a sealed value copied to another row does not open there (AAD binds it to table, column and row)', async () => {
    const keyring = keyringFromSpec(k1);
    const [a] = await rawRows(`SELECT contact_sealed FROM customers WHERE id = '${people[0]!.id}'`);
    const sealed = String(a!['contact_sealed']);
    assert.deepEqual(JSON.parse(keyring.openText(sealed, `customers.contact_sealed.${people[0]!.id}`)), { phone: people[0]!.phone, email: people[0]!.email });
    assert.throws(() => keyring.openText(sealed, `customers.contact_sealed.${people[1]!.id}`));
    assert.throws(() => keyring.openText(sealed, `customers.identity_sealed.${people[0]!.id}`));
  });

  it('looks customers up by e-mail, phone and CIN, and vehicles by plate, through blind indexes', async () => {
    const person = people[3]!;
    for (const query of [`email=${encodeURIComponent(person.email.toUpperCase())}`, `phone=${encodeURIComponent(`+216 ${person.phone.slice(4)}`)}`, `cin=${person.cin}`]) {
      const found = await expectStatus(stack.call(`/api/v1/customers?${query}`, { token: admin }), 200);
      assert.deepEqual((found['items'] as Array<Record<string, unknown>>).map((item) => item['id']), [person.id], query);
    }
    const vehicles = await expectStatus(stack.call(`/api/v1/vehicles?plate=${encodeURIComponent(person.plate.toLowerCase())}`, { token: admin }), 200);
    assert.deepEqual((vehicles['items'] as Array<Record<string, unknown>>).map((item) => item['id']), [person.vehicleId]);
    const none = await expectStatus(stack.call(`/api/v1/customers?email=nobody%40mail.tn`, { token: admin }), 200);
    assert.equal((none['items'] as unknown[]).length, 0);
  });

  it('rotation re-encrypts every value to the new key; old values open until it finishes; an interrupted run resumes', async () => {
    await stack.restartGarage({ FIELD_KEYS: `${k1},${k2}` });
    await everyoneReadable();
    const fresh = await createCustomer(stack, admin);
    const [freshRow] = await rawRows(`SELECT contact_sealed FROM customers WHERE id = '${String(fresh['id'])}'`);
    assert.match(String(freshRow!['contact_sealed']), /^v1\.k2\./, 'new writes use the current key');

    const keyring = keyringFromSpec(`${k1},${k2}`);
    const dataSource = stack.garage.context.dataSource;
    const stale = await countStaleRows(dataSource, 'k2');
    assert.ok(stale >= 15, `rows under k1: ${stale}`); // 7 customers + 7 vehicles + 1 document
    const interrupt = new AbortController();
    const first = await rotateFieldKeys(dataSource, keyring, { batchSize: 2, signal: interrupt.signal, onProgress: () => interrupt.abort() });
    assert.equal(first, 2, 'one batch, then interrupted');
    assert.deepEqual(await keyIdsInUse(), new Set(['k1', 'k2']), 'mid-rotation: both keys in use');
    await everyoneReadable();

    const cli = await runCli({ DATABASE_URL: stack.databases.garage.url, FIELD_KEYS: `${k1},${k2}` });
    assert.equal(cli.code, 0, cli.output);
    assert.match(cli.output, new RegExp(`re-encrypted ${stale - 2} rows; 0 rows left`));
    assert.deepEqual(await keyIdsInUse(), new Set(['k2']));
    assert.equal(await countStaleRows(dataSource, 'k2'), 0);

    await stack.restartGarage({ FIELD_KEYS: k2 });
    await everyoneReadable();
    const download = await fetch(`${stack.garage.url}/api/v1/documents/${documentId}`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(download.status, 200, 'the document data key was re-wrapped');
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), PDF);
    const byPlate = await expectStatus(stack.call(`/api/v1/vehicles?plate=${encodeURIComponent(people[5]!.plate)}`, { token: admin }), 200);
    assert.equal((byPlate['items'] as unknown[]).length, 1, 'blind indexes do not depend on the encryption key');
    const rerun = await runCli({ DATABASE_URL: stack.databases.garage.url, FIELD_KEYS: k2 });
    assert.match(rerun.output, /re-encrypted 0 rows; 0 rows left/);
  });
});
