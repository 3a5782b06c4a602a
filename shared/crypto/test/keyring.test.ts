import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { blindIndex, DecryptionError, Keyring, keyringFromSpec } from '../src/index.ts';

describe('keyring', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('seals with a fresh IV and opens with the same AAD only', () => {
    const ring = new Keyring({ k1 }, 'k1');
    const a = ring.seal('+21612345678', 'customers.phone.1');
    const b = ring.seal('+21612345678', 'customers.phone.1');
    assert.notEqual(a, b);
    assert.ok(!a.includes('21612345678'));
    assert.equal(ring.openText(a, 'customers.phone.1'), '+21612345678');
    assert.throws(() => ring.open(a, 'customers.phone.2'), DecryptionError);
  });

  it('detects tampering', () => {
    const ring = new Keyring({ k1 }, 'k1');
    const sealed = ring.seal('secret', 'x');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    assert.throws(() => ring.open(parts.join('.'), 'x'), /authentication failed/);
  });

  it('opens values of older keys after rotation and names the key used', () => {
    const old = new Keyring({ k1 }, 'k1');
    const sealed = old.seal('v', 'x');
    const rotated = keyringFromSpec(`k1:${k1.toString('base64')},k2:${k2.toString('base64')}`);
    assert.equal(rotated.currentKeyId, 'k2');
    assert.equal(rotated.openText(sealed, 'x'), 'v');
    assert.equal(rotated.keyIdOf(rotated.seal('v', 'x')), 'k2');
    assert.throws(() => new Keyring({ k2 }, 'k2').open(sealed, 'x'), /unknown key id k1/);
  });

  it('refuses keys that are not 256-bit', () => {
    assert.throws(() => new Keyring({ short: randomBytes(16) }, 'short'), /32 bytes/);
  });

  it('blind index is deterministic per key and context', () => {
    assert.equal(blindIndex(k1, 'a@b.tn', 'email'), blindIndex(k1, 'a@b.tn', 'email'));
    assert.notEqual(blindIndex(k1, 'a@b.tn', 'email'), blindIndex(k2, 'a@b.tn', 'email'));
    assert.notEqual(blindIndex(k1, 'a@b.tn', 'email'), blindIndex(k1, 'a@b.tn', 'phone'));
  });
});
