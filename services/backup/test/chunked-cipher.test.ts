/** ENC-3: the record format refuses every alteration: flipped bytes, cuts, reordering, swaps, wrong keys. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { BackupIntegrityError, CHUNK_SIZE, DecryptStream, EncryptStream, MAGIC } from '../src/crypto/chunked-cipher.ts';
import { generateBackupKeyPair } from '../src/crypto/keygen.ts';
import { loadBackupPrivateKey, loadBackupPublicKey, unwrapDataKey, wrapDataKey } from '../src/crypto/key-wrap.ts';
import { sealManifest, verifyManifest, MANIFEST_FORMAT, type Manifest } from '../src/crypto/manifest.ts';

async function collect(source: Readable, transform: EncryptStream | DecryptStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    source,
    transform,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        parts.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(parts);
}

const encrypt = (key: Buffer, name: string, plain: Buffer) => collect(Readable.from(plain.length ? [plain] : []), new EncryptStream(key, name));
const decrypt = (key: Buffer, name: string, sealed: Buffer) => collect(Readable.from([sealed]), new DecryptStream(key, name));

/** Offsets of the records of a sealed file (after magic and header). */
function records(sealed: Buffer): Array<{ start: number; end: number }> {
  let offset = MAGIC.length + 2 + sealed.readUInt16BE(MAGIC.length);
  const out: Array<{ start: number; end: number }> = [];
  while (offset < sealed.length) {
    const end = offset + 5 + sealed.readUInt32BE(offset + 1) + 16;
    out.push({ start: offset, end });
    offset = end;
  }
  return out;
}

describe('chunked AES-256-GCM backup files', () => {
  const key = randomBytes(32);

  it('round-trips empty, small, exact-multiple and multi-record inputs, fed in odd pieces', async () => {
    for (const size of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 5 * CHUNK_SIZE + 12345]) {
      const plain = randomBytes(size);
      const pieces = [];
      for (let offset = 0; offset < size; offset += 7777) pieces.push(plain.subarray(offset, offset + 7777));
      const sealed = await collect(Readable.from(pieces), new EncryptStream(key, 'db.dump.enc'));
      assert.equal(records(sealed).length, Math.max(1, Math.ceil(size / CHUNK_SIZE)), `records for ${size} bytes`);
      const halves = [sealed.subarray(0, 3), sealed.subarray(3, 1000), sealed.subarray(1000)];
      const opened = await collect(Readable.from(halves.filter((part) => part.length)), new DecryptStream(key, 'db.dump.enc'));
      assert.ok(opened.equals(plain), `round trip of ${size} bytes`);
    }
  });

  it('the same plaintext encrypts differently every time (fresh salt per file)', async () => {
    const plain = Buffer.from('Zouhaier Ben Gharbia <z@example.tn>');
    const [a, b] = await Promise.all([encrypt(key, 'f', plain), encrypt(key, 'f', plain)]);
    assert.ok(!a.equals(b));
    assert.ok(!a.includes(plain));
  });

  it('refuses a flipped byte anywhere: header, record flag, length, ciphertext, tag', async () => {
    const sealed = await encrypt(key, 'f', randomBytes(2 * CHUNK_SIZE + 10));
    const [first] = records(sealed);
    for (const offset of [MAGIC.length + 5, first!.start, first!.start + 3, first!.start + 100, first!.end - 1, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[offset]! ^= 0x01;
      await assert.rejects(decrypt(key, 'f', altered), BackupIntegrityError, `offset ${offset}`);
    }
  });

  it('refuses a file cut at a record boundary or inside a record, and a file with records dropped or reordered', async () => {
    const sealed = await encrypt(key, 'f', randomBytes(3 * CHUNK_SIZE + 10));
    const parts = records(sealed);
    const head = sealed.subarray(0, parts[0]!.start);
    const record = (i: number) => sealed.subarray(parts[i]!.start, parts[i]!.end);
    await assert.rejects(decrypt(key, 'f', sealed.subarray(0, parts[2]!.end)), /truncated \(the final record is missing\)/);
    await assert.rejects(decrypt(key, 'f', sealed.subarray(0, parts[1]!.start + 50)), /truncated/);
    await assert.rejects(decrypt(key, 'f', sealed.subarray(0, 5)), /truncated \(no complete header\)/);
    await assert.rejects(decrypt(key, 'f', Buffer.concat([head, record(0), record(2), record(1), record(3)])), /authentication failed at record 1/);
    await assert.rejects(decrypt(key, 'f', Buffer.concat([head, record(0), record(3)])), /authentication failed at record 1/);
    await assert.rejects(decrypt(key, 'f', Buffer.concat([sealed, record(3)])), /data after the final record/);
  });

  it('refuses a file presented under another name, and the wrong data key', async () => {
    const sealed = await encrypt(key, 'ecar_garage.dump.enc', Buffer.from('data'));
    await assert.rejects(decrypt(key, 'ecar_billing.dump.enc', sealed), /header names "ecar_garage.dump.enc"/);
    await assert.rejects(decrypt(randomBytes(32), 'ecar_garage.dump.enc', sealed), /authentication failed at record 0/);
    await assert.rejects(decrypt(key, 'x', Buffer.from('not a backup at all')), /bad magic/);
  });
});

describe('data key wrapping and the manifest MAC', () => {
  it('wraps with RSA-OAEP for the public key only; the matching private key unwraps, another is refused by key id', async () => {
    const [pair, other] = await Promise.all([generateBackupKeyPair(), generateBackupKeyPair()]);
    const publicKey = loadBackupPublicKey(pair.publicPem);
    const dataKey = randomBytes(32);
    const wrapped = wrapDataKey(publicKey, dataKey);
    assert.equal(Buffer.from(wrapped, 'base64').length, 384, 'a 3072-bit RSA block');
    assert.ok(unwrapDataKey(loadBackupPrivateKey(pair.privatePem), publicKey.keyId, wrapped).equals(dataKey));
    assert.throws(() => unwrapDataKey(loadBackupPrivateKey(other.privatePem), publicKey.keyId, wrapped), /wrong private key/);
    const corrupted = Buffer.from(wrapped, 'base64');
    corrupted[10]! ^= 1;
    assert.throws(() => unwrapDataKey(loadBackupPrivateKey(pair.privatePem), publicKey.keyId, corrupted.toString('base64')), /does not open/);
  });

  it('reads a passphrase-protected private key only with its passphrase', async () => {
    const pair = await generateBackupKeyPair({ passphrase: 'correct horse battery staple' });
    assert.equal(loadBackupPrivateKey(pair.privatePem, 'correct horse battery staple').keyId, loadBackupPublicKey(pair.publicPem).keyId);
    assert.throws(() => loadBackupPrivateKey(pair.privatePem, 'wrong'), /wrong or missing passphrase/);
    assert.throws(() => loadBackupPrivateKey(pair.privatePem), /wrong or missing passphrase/);
  });

  it('refuses public keys that are not RSA ≥ 3072 bits', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const small = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => loadBackupPublicKey(small), /2048 bits; at least 3072/);
    assert.throws(() => loadBackupPublicKey(ec), /an RSA key is required/);
    assert.throws(() => loadBackupPublicKey('garbage'), /not a PEM public key/);
  });

  it('the manifest MAC detects any change, whatever the property order', () => {
    const dataKey = randomBytes(32);
    const manifest = sealManifest(dataKey, {
      format: MANIFEST_FORMAT,
      id: '20260101T000000Z-abcdef',
      createdAt: '2026-01-01T00:00:00.000Z',
      keyId: 'sha256:00',
      wrappedKey: 'AA==',
      cipher: 'AES-256-GCM, 64 KiB records, HKDF-SHA256 file keys',
      tools: {},
      timings: { startedAt: 'a', finishedAt: 'b', durationMs: 1 },
      files: [{ name: 'a.dump.enc', kind: 'database', database: 'a', size: 10, sha256: 'ab', plainBytes: 5, durationMs: 1 }],
      tables: { a: [{ table: 'public.t', rows: '3', checksum: '42' }] },
    });
    const reordered = Object.fromEntries(Object.entries(manifest).reverse()) as unknown as Manifest;
    verifyManifest(dataKey, reordered);
    const altered = structuredClone(manifest);
    altered.tables['a']![0]!.rows = '4';
    assert.throws(() => verifyManifest(dataKey, altered), /manifest altered/);
    assert.throws(() => verifyManifest(randomBytes(32), manifest), /manifest altered/);
  });
});
