import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { FileDecryptor, FileEncryptor, FileIntegrityError, Keyring, newDataKey, unwrapDataKey } from '../src/index.ts';

async function run(input: Buffer, transform: FileEncryptor | FileDecryptor): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from([input]),
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

describe('chunked file encryption', () => {
  const key = randomBytes(32);

  it('round-trips empty, one-chunk and many-chunk files', async () => {
    for (const size of [0, 1, 100, 1024, 1025, 5000]) {
      const plain = randomBytes(size);
      const sealed = await run(plain, new FileEncryptor(key, 1024));
      if (size >= 32) assert.ok(!sealed.includes(plain.subarray(0, 32)));
      assert.deepEqual(await run(sealed, new FileDecryptor(key)), plain, `size ${size}`);
    }
  });

  it('refuses a flipped byte, a truncated file, swapped chunks, appended bytes and the wrong key', async () => {
    const plain = randomBytes(4000);
    const sealed = await run(plain, new FileEncryptor(key, 1024));
    const flipped = Buffer.from(sealed);
    flipped[1500] = flipped[1500]! ^ 0x01;
    const record = 5 + 1024 + 16;
    const swapped = Buffer.concat([sealed.subarray(0, 16), sealed.subarray(16 + record, 16 + 2 * record), sealed.subarray(16, 16 + record), sealed.subarray(16 + 2 * record)]);
    const cases: Record<string, [Buffer, Buffer]> = {
      flipped: [flipped, key],
      truncatedAtChunk: [sealed.subarray(0, 16 + 2 * record), key],
      truncatedMidChunk: [sealed.subarray(0, sealed.length - 3), key],
      swapped: [swapped, key],
      appended: [Buffer.concat([sealed, sealed.subarray(16, 16 + record)]), key],
      wrongKey: [sealed, randomBytes(32)],
      notEncrypted: [plain, key],
    };
    for (const [name, [bytes, withKey]] of Object.entries(cases)) {
      await assert.rejects(run(bytes, new FileDecryptor(withKey)), FileIntegrityError, name);
    }
  });

  it('wraps the data key with the keyring, bound to its record', () => {
    const ring = new Keyring({ k1: randomBytes(32) }, 'k1');
    const { key: dataKey, wrapped } = newDataKey(ring, 'documents.data_key.1');
    assert.deepEqual(unwrapDataKey(ring, wrapped, 'documents.data_key.1'), dataKey);
    assert.throws(() => unwrapDataKey(ring, wrapped, 'documents.data_key.2'));
  });
});
