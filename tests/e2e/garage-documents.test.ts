import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createHousehold, PDF, type Household } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

const MAX_BYTES = 64 * 1024;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200_000 - 8, 7)]).subarray(0, 40_000);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF'), Buffer.alloc(5000, 3)]);

let stack: GarageStack;
let admin: string;
let household: Household;

async function upload(body: Buffer | ReadableStream, contentType: string, token = admin, vehicleId = household.vehicleId): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.garage.url}/api/v1/vehicles/${vehicleId}/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function download(id: string, token = admin): Promise<Response> {
  return fetch(`${stack.garage.url}/api/v1/documents/${id}`, { headers: { authorization: `Bearer ${token}` } });
}

async function storedFiles(): Promise<string[]> {
  return (await readdir(stack.documentsDir)).sort();
}

async function documentRows(): Promise<number> {
  const client = new pg.Client({ connectionString: stack.databases.garage.url });
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) FROM documents')).rows[0].count);
  } finally {
    await client.end();
  }
}

async function storageNameOf(id: string): Promise<string> {
  const client = new pg.Client({ connectionString: stack.databases.garage.url });
  await client.connect();
  try {
    return String((await client.query('SELECT storage_name FROM documents WHERE id = $1', [id])).rows[0].storage_name);
  } finally {
    await client.end();
  }
}

describe('garage registration documents (ENC-2): encrypted at rest, typed by magic bytes, size-limited, tamper-evident', () => {
  before(async () => {
    stack = await startGarageStack('garagedocs', { gateway: true, garageEnv: { MAX_DOCUMENT_BYTES: String(MAX_BYTES) } });
    admin = stack.token('super-admin');
    household = await createHousehold(stack, admin);
  });
  after(async () => {
    await stack?.stop();
  });

  it('round-trips PDF, PNG and JPEG for the owner; the file on disk is ciphertext under a random name', async () => {
    const customer = stack.token('customer', household.userId);
    for (const [bytes, type] of [[PDF, 'application/pdf'], [PNG, 'image/png'], [JPEG, 'image/jpeg']] as const) {
      const before = await storedFiles();
      const created = await upload(bytes, type, customer);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body['contentType'], type);
      assert.equal(created.body['sizeBytes'], bytes.length);
      assert.equal(created.body['storageName'], undefined, 'the storage name never leaves the service');
      const added = (await storedFiles()).filter((name) => !before.includes(name));
      assert.equal(added.length, 1);
      assert.match(added[0]!, /^[a-f0-9]{64}$/);
      const onDisk = await readFile(join(stack.documentsDir, added[0]!));
      assert.ok(!onDisk.includes(bytes.subarray(0, 64)), 'no plaintext on disk');
      assert.ok(onDisk.length > bytes.length, 'chunk headers and tags');
      const response = await download(String(created.body['id']), customer);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), type);
      assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="registration-[0-9a-f-]+\.(pdf|png|jpg)"$/);
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
    }
  });

  it('refuses a ".pdf" that is really an executable (MZ, ELF), a type that does not match, and types not allowed — nothing stored', async () => {
    const files = await storedFiles();
    const rows = await documentRows();
    const cases: Array<[string, Buffer, string]> = [
      ['Windows executable as PDF', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4000, 0x90)]), 'application/pdf'],
      ['ELF executable as PDF', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(4000, 1)]), 'application/pdf'],
      ['PNG declared as JPEG', PNG, 'image/jpeg'],
      ['too short to be anything', Buffer.from('%P'), 'application/pdf'],
      ['HTML', Buffer.from('<html><script>alert(1)</script></html>'), 'text/html'],
      ['JSON', Buffer.from('{"a":1}'), 'application/json'],
    ];
    for (const [name, bytes, type] of cases) {
      const response = await upload(bytes, type);
      assert.equal(response.status, 415, `${name}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body['type'], 'urn:ecar:problem:unsupported-media-type', name);
    }
    assert.deepEqual(await storedFiles(), files);
    assert.equal(await documentRows(), rows);
  });

  it('an oversized upload gets 413 and nothing is stored, whether the size is declared or streamed', async () => {
    const files = await storedFiles();
    const rows = await documentRows();
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_BYTES, 0x20)]);
    const declared = await upload(big, 'application/pdf');
    assert.equal(declared.status, 413, JSON.stringify(declared.body));
    let sent = 0;
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= MAX_BYTES * 2) {
          controller.close();
          return;
        }
        controller.enqueue(sent === 0 ? PDF : new Uint8Array(16 * 1024).fill(0x20));
        sent += sent === 0 ? PDF.length : 16 * 1024;
      },
    });
    const chunked = await upload(streamed, 'application/pdf');
    assert.equal(chunked.status, 413, JSON.stringify(chunked.body));
    assert.deepEqual(await storedFiles(), files, 'no file left behind');
    assert.equal(await documentRows(), rows);
    const exact = await upload(Buffer.concat([PDF, Buffer.alloc(MAX_BYTES - PDF.length, 0x20)]), 'application/pdf');
    assert.equal(exact.status, 201, 'exactly the limit is accepted');
  });

  it('a flipped byte in the stored file fails the download cleanly: problem+json, no partial plaintext', async () => {
    const created = await upload(Buffer.concat([PDF, Buffer.alloc(200_000 - PDF.length, 0x41)]).subarray(0, MAX_BYTES), 'application/pdf');
    assert.equal(created.status, 201);
    const id = String(created.body['id']);
    const path = join(stack.documentsDir, await storageNameOf(id));
    const original = await readFile(path);
    for (const offset of [20, Math.floor(original.length / 2), original.length - 3]) {
      const tampered = Buffer.from(original);
      tampered[offset] = tampered[offset]! ^ 0x01;
      await writeFile(path, tampered);
      const response = await download(id);
      assert.equal(response.status, 500, `offset ${offset}`);
      assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const problem = (await response.json()) as Record<string, unknown>;
      assert.equal(problem['type'], 'urn:ecar:problem:document-integrity');
      assert.ok(!JSON.stringify(problem).includes('%PDF'), 'no plaintext in the answer');
    }
    await writeFile(path, original.subarray(0, original.length - 40));
    assert.equal((await download(id)).status, 500, 'a truncated file fails too');
    await writeFile(path, original);
    assert.equal((await download(id)).status, 200, 'the untouched file still opens');
  });

  it('works end to end through the gateway: upload, download, and the gateway refuses no-token requests itself', async () => {
    const gateway = stack.gateway!.url;
    const customer = stack.token('customer', household.userId);
    const uploaded = await fetch(`${gateway}/api/v1/vehicles/${household.vehicleId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${customer}`, 'content-type': 'image/png' },
      body: PNG,
    });
    assert.equal(uploaded.status, 201, await uploaded.clone().text());
    const id = String(((await uploaded.json()) as Record<string, unknown>)['id']);
    const downloaded = await fetch(`${gateway}/api/v1/documents/${id}`, { headers: { authorization: `Bearer ${customer}` } });
    assert.equal(downloaded.status, 200);
    assert.deepEqual(Buffer.from(await downloaded.arrayBuffer()), PNG);
    const executable = await fetch(`${gateway}/api/v1/vehicles/${household.vehicleId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${customer}`, 'content-type': 'application/pdf' },
      body: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(1000)]),
    });
    assert.equal(executable.status, 415);
    assert.equal((await fetch(`${gateway}/api/v1/documents/${id}`)).status, 401);
  });

  it('download re-checks access: another customer and a technician get 404/403', async () => {
    const created = await upload(PDF, 'application/pdf');
    const id = String(created.body['id']);
    const stranger = await createHousehold(stack, admin);
    assert.equal((await download(id, stack.token('customer', stranger.userId))).status, 404);
    assert.equal((await download(id, stack.token('technician', household.technicianId))).status, 403);
    assert.equal((await download(id, stack.token('customer', household.userId))).status, 200);
    assert.equal((await upload(PDF, 'application/pdf', stack.token('customer', stranger.userId))).status, 404, 'upload to another customer’s vehicle');
  });
});
