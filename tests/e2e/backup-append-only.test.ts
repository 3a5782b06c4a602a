/**
 * Issue 12, finding 8: the off-site copy is append-only. Against a real OpenSSH server running the
 * shipped ForceCommand (infra/ssh/sftp-target/ecar-backup-sftp.conf), someone holding the backup
 * service's SFTP key — what a VPS compromise yields — can add files but cannot delete, rename,
 * overwrite, truncate or chmod a stored set. The service's own upload works within those limits.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SftpClient from 'ssh2-sftp-client';
import { waitFor } from '@ecar/testkit';
import { findRun } from '../../services/backup/src/data/backup-runs.ts';
import type { BackupService } from '../../services/backup/src/service.ts';
import { remoteSetSizes, uploadSet, type SftpSettings } from '../../services/backup/src/storage/sftp-target.ts';
import { startBackupHarness, type BackupHarness } from '../support/backup-harness.ts';
import { appendOnlyForceCommand } from '../support/sshd.ts';

let harness: BackupHarness;
let service: BackupService;
let setId: string;
let settings: SftpSettings;

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** What is stored remotely, as the SFTP host's disk has it: name → SHA-256. */
function storedFiles(id: string): Record<string, string> {
  const dir = join(harness.sftp.localPathOfRemoteDir, id);
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, sha256(join(dir, name))]));
}

/** The attacker: the backup account's own key, a plain SFTP client. */
async function asBackupAccount<T>(use: (client: SftpClient) => Promise<T>): Promise<T> {
  const client = new SftpClient('attacker');
  await client.connect({ host: harness.sftp.host, port: harness.sftp.port, username: harness.sftp.username, privateKey: harness.sftp.clientPrivateKey });
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * An SFTP request the server refuses (`Permission denied`, failure, or — for a denied extension
 * such as posix-rename — not even offered), never one it carries out.
 */
async function refused(what: string, attempt: () => Promise<unknown>): Promise<void> {
  await assert.rejects(attempt, (error: Error) => /denied|failure|EACCES|permission|does not support/i.test(error.message), `${what} must be refused`);
}

describe('the SFTP copy is append-only (issue 12, finding 8)', () => {
  before(async () => {
    harness = await startBackupHarness('bkappend');
    service = await harness.startBackup();
    settings = {
      host: harness.sftp.host,
      port: harness.sftp.port,
      username: harness.sftp.username,
      privateKey: harness.sftp.clientPrivateKey,
      hostKeys: [harness.sftp.hostKeySha256],
      remoteDir: harness.sftp.remoteDir,
    };
    ({ id: setId } = await service.domain.backups.requestBackup('manual', { system: 'test', correlationId: 'test' }));
    await waitFor(async () => ((await findRun(service.context.dataSource.manager, setId))?.uploadStatus === 'uploaded' ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the set uploaded',
    });
  });
  after(async () => {
    await harness?.stop();
  });

  it('the test server runs the shipped ForceCommand, and the deployment test\'s SFTP host the same line', () => {
    assert.match(appendOnlyForceCommand(), /^ForceCommand internal-sftp -P (.+,)?remove,rmdir,rename,posix-rename,setstat,fsetstat,lsetstat/);
    const local = readFileSync(new URL('../../infra/docker/local/sftp-sshd.conf', import.meta.url), 'utf8');
    assert.ok(local.split('\n').some((line) => line.trim() === appendOnlyForceCommand()), 'infra/docker/local/sftp-sshd.conf carries the same ForceCommand');
  });

  it('the service stores every file read-only under its final name, identical to the local set', () => {
    const local = join(harness.backupDir, setId);
    const stored = storedFiles(setId);
    assert.deepEqual(Object.keys(stored), readdirSync(local).sort());
    for (const [name, hash] of Object.entries(stored)) {
      assert.equal(hash, sha256(join(local, name)), name);
      assert.equal(statSync(join(harness.sftp.localPathOfRemoteDir, setId, name)).mode & 0o777, 0o444, `${name} is read-only`);
    }
  });

  it('with the backup account\'s key a stored set cannot be deleted, renamed, overwritten, truncated or made writable; new files can still be added', async () => {
    const before = storedFiles(setId);
    const dir = posix.join(harness.sftp.remoteDir, setId);
    const manifest = posix.join(dir, 'manifest.json');
    const [dump] = Object.keys(before).filter((name) => name.endsWith('.dump.enc'));
    assert.ok(dump);
    await asBackupAccount(async (client) => {
      await refused('remove a file', () => client.delete(manifest));
      await refused('remove the set recursively', () => client.rmdir(dir, true));
      await refused('rmdir', () => client.rmdir(dir));
      await refused('rename the set', () => client.rename(dir, `${dir}-moved`));
      await refused('rename a file over another', () => client.rename(posix.join(dir, dump!), manifest));
      await refused('posix-rename', () => client.posixRename(manifest, `${manifest}.old`));
      await refused('overwrite the manifest', () => client.put(Buffer.from('{"forged":true}'), manifest));
      await refused('append to a dump', () => client.append(Buffer.from('more'), posix.join(dir, dump!)));
      await refused('chmod a file writable', () => client.chmod(manifest, 0o644));
      // Appending is what the account is for: a new file in a new directory is accepted.
      await client.mkdir(posix.join(harness.sftp.remoteDir, 'probe'));
      await client.put(Buffer.from('new'), posix.join(harness.sftp.remoteDir, 'probe', 'file'));
    });
    assert.deepEqual(storedFiles(setId), before, 'the stored set is byte for byte what the service uploaded');
    // And the service's own checks still find it complete.
    const verified = await (await fetch(`${service.url}/api/v1/backups/${setId}/verify`, { method: 'POST', headers: { authorization: `Bearer ${await harness.token('super-admin')}`, 'content-type': 'application/json' }, body: '{}' })).json();
    assert.deepEqual(verified, { id: setId, local: { status: 'ok' }, remote: { status: 'ok' } });
  });

  it('an upload that stopped half-way (which the account cannot clean up) is completed in <id>.2, and uploading again adds nothing', async () => {
    const id = '20270202T000000Z-a2a2a2';
    const work = mkdtempSync(join(tmpdir(), 'ecar-append-'));
    try {
      const localDir = join(work, id);
      cpSync(join(harness.backupDir, setId), localDir, { recursive: true });
      const [first] = readdirSync(localDir).filter((name) => name !== 'manifest.json').sort();
      // The remains of an interrupted attempt: the directory and a cut first file, no manifest.
      await asBackupAccount(async (client) => {
        await client.mkdir(posix.join(harness.sftp.remoteDir, id));
        await client.put(readFileSync(join(localDir, first!)).subarray(0, 100), posix.join(harness.sftp.remoteDir, id, first!));
      });
      await uploadSet(settings, localDir, id);
      const sizes = await remoteSetSizes(settings, id);
      assert.ok(sizes, 'a complete copy exists');
      for (const name of readdirSync(localDir)) assert.equal(sizes.get(name), statSync(join(localDir, name)).size, name);
      assert.deepEqual(storedFiles(`${id}.2`), Object.fromEntries(readdirSync(localDir).sort().map((name) => [name, sha256(join(localDir, name))])));
      await uploadSet(settings, localDir, id);
      const remote = readdirSync(harness.sftp.localPathOfRemoteDir).filter((name) => name.startsWith(id)).sort();
      assert.deepEqual(remote, [id, `${id}.2`], 'the second upload found the complete copy and wrote nothing');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
