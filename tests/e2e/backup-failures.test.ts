/**
 * How backups fail (STYLE lesson 10, INC-4, INC-5, RES-2), against real PostgreSQL, RabbitMQ and
 * OpenSSH: a dump that fails fails the whole run and leaves no file; an SFTP outage keeps the
 * local copy and retries until the server is back; a wrong host key and a host outside the
 * allow-list are refused.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import net from 'node:net';
import { ConfigError } from '@ecar/config';
import { AppError } from '@ecar/errors';
import { PG_ADMIN_URL, waitFor } from '@ecar/testkit';
import { findRun } from '../../services/backup/src/data/backup-runs.ts';
import { backupService, type BackupService } from '../../services/backup/src/service.ts';
import { HostKeyMismatchError, uploadSet } from '../../services/backup/src/storage/sftp-target.ts';
import { BackupEventTap } from '../support/backup-events.ts';
import { queryDatabase, startBackupHarness, type BackupHarness } from '../support/backup-harness.ts';
import { fingerprintOfPublicLine } from '../support/sshd.ts';

let harness: BackupHarness;
let tap: BackupEventTap;

async function finished(service: BackupService, id: string) {
  return waitFor(async () => {
    const run = await findRun(service.context.dataSource.manager, id);
    return run && run.status !== 'running' ? run : undefined;
  }, { timeoutMs: 30_000, what: `backup ${id} to finish` });
}

describe('backup failures', () => {
  before(async () => {
    harness = await startBackupHarness('bkfail');
    tap = await BackupEventTap.open(harness.bus.exchange);
  });
  after(async () => {
    await tap?.close();
    await harness?.stop();
  });

  it('an unreachable database fails the run: marked failed, no file left in the backup dir, backup.run.failed published', async () => {
    const closedPort = new URL(PG_ADMIN_URL);
    closedPort.port = '1';
    for (const overrides of [
      { BACKUP_DUMP_DATABASE_URL: closedPort.toString() },
      // The first database dumps fine, the second does not exist: the finished file goes too.
      { BACKUP_DATABASES: `${harness.garageDb.name},ecar_t_does_not_exist_bk` },
    ]) {
      const service = await harness.startBackup(overrides);
      // What a run killed mid-way (SIGKILL) leaves: the next run removes it.
      mkdirSync(join(harness.backupDir, '.partial-20200101T000000Z-dead00'), { recursive: true });
      writeFileSync(join(harness.backupDir, '.partial-20200101T000000Z-dead00', 'ecar_garage.dump.enc'), 'half a file');
      try {
        const { id } = await service.domain.backups.requestBackup('manual', { system: 'test', correlationId: 'test' });
        const run = await finished(service, id);
        assert.equal(run.status, 'failed');
        assert.ok(run.error && run.error.length > 0);
        assert.equal(run.localStatus, 'none');
        assert.equal(run.uploadStatus, 'none');
        assert.deepEqual(readdirSync(harness.backupDir), [], 'no set, no partial directory (nor the stale one)');
        const event = await tap.next('backup.run.failed', id);
        assert.equal(event.data['reason'], run.error);
        const metrics = await (await fetch(`${service.url}/metrics`)).text();
        assert.ok(/^ecar_backup_runs_total\{[^}]*result="failed"[^}]*\} 1$/m.test(metrics), 'failure counted');
      } finally {
        await service.stop();
      }
    }
  });

  it('one run at a time across replicas: while one instance runs, another answers 409', async () => {
    // A database that accepts connections and never answers keeps the first run running.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hanging = new URL(PG_ADMIN_URL);
    hanging.port = String((silent.address() as net.AddressInfo).port);
    const first = await harness.startBackup({ BACKUP_DUMP_DATABASE_URL: hanging.toString() });
    const second = await harness.startBackup();
    try {
      const { id } = await first.domain.backups.requestBackup('manual', { system: 'test', correlationId: 'test' });
      await waitFor(() => (sockets.size > 0 ? true : undefined), { timeoutMs: 30_000, what: 'the first run to reach the database' });
      await assert.rejects(second.domain.backups.requestBackup('manual', { system: 'test', correlationId: 'test' }), (error: unknown) => error instanceof AppError && error.status === 409);
      await assert.rejects(first.domain.backups.requestBackup('manual', { system: 'test', correlationId: 'test' }), (error: unknown) => error instanceof AppError && error.status === 409);
      for (const socket of sockets) socket.destroy();
      assert.equal((await finished(first, id)).status, 'failed');
    } finally {
      for (const socket of sockets) socket.destroy();
      await first.stop();
      await second.stop();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('with the SFTP server down the local copy stays, the upload is pending, and it succeeds on retry once sshd is back', async () => {
    const service = await harness.startBackup();
    try {
      await harness.sftp.stop();
      const { id } = await service.domain.backups.requestBackup('manual', { system: 'test', correlationId: 'test' });
      await tap.next('backup.upload.failed', id);
      const pending = await findRun(service.context.dataSource.manager, id);
      assert.equal(pending?.status, 'succeeded');
      assert.equal(pending?.localStatus, 'stored');
      assert.equal(pending?.uploadStatus, 'pending');
      assert.ok(pending?.uploadError);
      assert.ok(existsSync(join(harness.backupDir, id, 'manifest.json')), 'the local copy is kept');

      await harness.sftp.start();
      const uploaded = await tap.next('backup.upload.succeeded', id);
      assert.ok(Number(uploaded.data['attempts']) >= 2, `uploaded by a retry: ${JSON.stringify(uploaded.data)}`);
      const run = await findRun(service.context.dataSource.manager, id);
      assert.equal(run?.uploadStatus, 'uploaded');
      assert.deepEqual(readdirSync(join(harness.sftp.localPathOfRemoteDir, id)).sort(), readdirSync(join(harness.backupDir, id)).sort());
      assert.ok(!readdirSync(harness.sftp.localPathOfRemoteDir).some((name) => name.startsWith('.partial-')), 'no partial upload left');
    } finally {
      await service.stop();
    }
  });

  it('retention runs after a backup on the local side only: a set outside the policy goes from /backups, its SFTP copy stays (append-only, the storage owner prunes)', async () => {
    const service = await harness.startBackup({ BACKUP_KEEP_DAILY: '1', BACKUP_KEEP_WEEKLY: '0', BACKUP_KEEP_MONTHLY: '0' });
    try {
      const db = service.context.dataSource.manager;
      const [old] = (await db.query(`SELECT id FROM backup_runs WHERE status = 'succeeded' AND upload_status = 'uploaded'`)) as Array<{ id: string }>;
      assert.ok(old, 'a stored and uploaded set from the previous test');
      await db.query(`UPDATE backup_runs SET started_at = now() - interval '2 days' WHERE id = $1`, [old.id]);
      const { id } = await service.domain.backups.requestBackup('manual', { system: 'test', correlationId: 'test' });
      await tap.next('backup.upload.succeeded', id);
      const gone = await waitFor(async () => {
        const run = await findRun(db, old.id);
        return run?.localStatus === 'deleted' ? run : undefined;
      }, { timeoutMs: 30_000, what: 'retention to delete the old set locally' });
      assert.equal(gone.status, 'succeeded');
      assert.equal(gone.uploadStatus, 'uploaded', 'the remote copy is not touched');
      assert.ok(!existsSync(join(harness.backupDir, old.id)), 'deleted locally');
      assert.ok(existsSync(join(harness.sftp.localPathOfRemoteDir, old.id, 'manifest.json')), 'still on the SFTP server');
      assert.ok(existsSync(join(harness.backupDir, id, 'manifest.json')), 'the newest set stays');
      assert.ok(existsSync(join(harness.sftp.localPathOfRemoteDir, id, 'manifest.json')));
    } finally {
      await service.stop();
    }
  });

  it('a run left "running" by a killed process is marked failed (and published) by the next run', async () => {
    await queryDatabase(harness.backupDb.url, `INSERT INTO backup_runs (id, trigger, status, started_at) VALUES ('20200101T000000Z-abcdef', 'schedule', 'running', now() - interval '1 hour')`);
    const service = await harness.startBackup();
    try {
      const { id } = await service.domain.backups.requestBackup('manual', { system: 'test', correlationId: 'test' });
      const abandoned = await findRun(service.context.dataSource.manager, '20200101T000000Z-abcdef');
      assert.equal(abandoned?.status, 'failed');
      assert.equal(abandoned?.error, 'the backup process stopped before the run finished');
      const event = await tap.next('backup.run.failed', '20200101T000000Z-abcdef');
      assert.ok(Number(event.data['durationMs']) >= 3_600_000);
      assert.equal((await finished(service, id)).status, 'succeeded');
    } finally {
      await service.stop();
    }
  });

  it('catches up once at start when the last successful backup is older than a day, and not otherwise', async () => {
    const count = async () => (await queryDatabase(harness.backupDb.url, `SELECT count(*)::int AS n FROM backup_runs`)).rows[0].n as number;
    const before = await count();
    // The catch-up decision is made (and its run recorded) before backupService.start returns.
    const quiet = await harness.startBackup({ BACKUP_SCHEDULE_ENABLED: 'true', BACKUP_TIME: '03:00' });
    await quiet.stop();
    assert.equal(await count(), before, 'a recent success: no catch-up run');

    await queryDatabase(harness.backupDb.url, `UPDATE backup_runs SET finished_at = finished_at - interval '2 days', started_at = started_at - interval '2 days'`);
    const service = await harness.startBackup({ BACKUP_SCHEDULE_ENABLED: 'true', BACKUP_TIME: '03:00' });
    try {
      const caughtUp = await waitFor(async () => {
        const rows = (await service.context.dataSource.query(`SELECT id FROM backup_runs WHERE trigger = 'catch-up'`)) as Array<{ id: string }>;
        return rows[0];
      }, { timeoutMs: 30_000, what: 'the catch-up run' });
      const run = await finished(service, caughtUp.id);
      assert.equal(run.status, 'succeeded');
      assert.equal((await tap.next('backup.run.started', caughtUp.id)).data['trigger'], 'catch-up');
    } finally {
      await service.stop();
    }
  });

  it('refuses a server whose host key is not the pinned one', async () => {
    const wrongPin = fingerprintOfPublicLine(`ssh-ed25519 ${Buffer.alloc(51, 7).toString('base64')}`);
    const [set] = readdirSync(harness.backupDir).filter((name) => !name.startsWith('.'));
    await assert.rejects(
      uploadSet(
        { host: harness.sftp.host, port: harness.sftp.port, username: harness.sftp.username, privateKey: harness.sftp.clientPrivateKey, hostKeys: [wrongPin], remoteDir: '/upload/elsewhere' },
        join(harness.backupDir, set!),
        set!,
      ),
      (error: unknown) => error instanceof HostKeyMismatchError && error.message.includes(harness.sftp.hostKeySha256) && /not pinned/.test(error.message),
    );
    assert.ok(!existsSync(join(harness.sftp.localPathOfRemoteDir, '..', 'elsewhere')), 'nothing was written');
  });

  it('refuses at start an SFTP host that is not on the allow-list, naming the variable', async () => {
    await assert.rejects(
      backupService.start({ ...harness.env, SFTP_HOST: 'backup.example.fr', SFTP_ALLOWED_HOSTS: '127.0.0.1,sftp.ecar.tn' }),
      (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem.startsWith('SFTP_HOST "backup.example.fr" is not in SFTP_ALLOWED_HOSTS')),
    );
    await assert.rejects(
      backupService.start({ ...harness.env, SFTP_ALLOWED_HOSTS: '' }),
      (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem.includes('SFTP_ALLOWED_HOSTS')),
    );
  });
});
