import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generatePassword } from '../src/domain/bootstrap.ts';
import { generatedPasswordNotice, writeGeneratedPassword } from '../src/domain/bootstrap-password-file.ts';

/** Finding 9 of issue 12: a generated first password is never printed or logged, only its file's path. */
describe('generated first password', () => {
  it('is written to a 0600 file (replacing an old one) and the notice names the file, not the password', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ecar-bootstrap-'));
    try {
      const path = join(dir, 'nested', 'bootstrap-admin-password');
      const password = generatePassword();
      const written = await writeGeneratedPassword(path, password);
      assert.equal(written, path);
      assert.equal(await readFile(path, 'utf8'), `${password}\n`);
      assert.equal((await stat(path)).mode & 0o777, 0o600);

      await writeFile(path, 'an older one\n');
      const next = generatePassword();
      await writeGeneratedPassword(path, next);
      assert.equal(await readFile(path, 'utf8'), `${next}\n`);
      assert.equal((await stat(path)).mode & 0o777, 0o600, 'the replacement is private too');

      const notice = generatedPasswordNotice('admin@ecar.local', path);
      assert.ok(notice.includes(path));
      assert.ok(!notice.includes(next), 'the password itself is not shown');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
