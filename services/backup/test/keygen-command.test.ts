/** scripts/backup-keygen.ts: a usable pair, the private half 0600, never overwritten. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { keygenCommand } from '../src/cli/keygen.ts';
import { loadBackupPrivateKey, loadBackupPublicKey } from '../src/crypto/key-wrap.ts';

const dir = mkdtempSync(join(tmpdir(), 'ecar-keygen-'));

describe('backup keygen command', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a matching, passphrase-protected pair with the private key 0600 and says where each half goes', async () => {
    writeFileSync(join(dir, 'pass'), 'a long passphrase for the backups\n', { mode: 0o600 });
    const lines: string[] = [];
    const out = join(dir, 'keys');
    assert.equal(await keygenCommand(['--out', out, '--passphrase-file', join(dir, 'pass')], (line) => lines.push(line)), 0);
    const privatePem = readFileSync(join(out, 'backup-private.pem'), 'utf8');
    assert.equal(statSync(join(out, 'backup-private.pem')).mode & 0o777, 0o600);
    assert.match(privatePem, /BEGIN ENCRYPTED PRIVATE KEY/);
    const publicKey = loadBackupPublicKey(readFileSync(join(out, 'backup-public.pem'), 'utf8'));
    assert.equal(loadBackupPrivateKey(privatePem, 'a long passphrase for the backups').keyId, publicKey.keyId);
    const text = lines.join('\n');
    assert.ok(text.includes(`key id:      ${publicKey.keyId}`));
    assert.match(text, /move it OFF this machine/);
    assert.match(text, /passphrase-protected/);

    const again: string[] = [];
    assert.equal(await keygenCommand(['--out', out], (line) => again.push(line)), 1);
    assert.match(again.join('\n'), /refusing to overwrite/);
    assert.equal(readFileSync(join(out, 'backup-private.pem'), 'utf8'), privatePem, 'the existing key is untouched');
  });

  it('refuses fewer than 3072 bits and prints usage without --out', async () => {
    await assert.rejects(keygenCommand(['--out', join(dir, 'small'), '--bits', '2048'], () => undefined), /at least 3072 bits/);
    const lines: string[] = [];
    assert.equal(await keygenCommand([], (line) => lines.push(line)), 2);
    assert.match(lines[0] ?? '', /^usage:/);
  });
});
