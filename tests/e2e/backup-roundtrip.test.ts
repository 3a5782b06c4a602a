/**
 * Backup and recovery end to end (AUD-5, ENC-3, INC-4, INC-5, INC-6, RES-2), all real: PostgreSQL,
 * RabbitMQ, the auth service's tokens, an OpenSSH server with a chrooted key-only SFTP user.
 * Back up over the API, prove the files hold no plaintext and match their manifest on both sides,
 * let the first drill run, change the data, restore into a new database with the restore
 * command and compare every table with the backed-up state; tampered sets are refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AMQP_URL, PG_ADMIN_URL, adminQuery, createTestDatabase, waitFor, type TestDatabase } from '@ecar/testkit';
import { drillCommand } from '../../services/backup/src/cli/drill.ts';
import { restoreCommand } from '../../services/backup/src/cli/restore.ts';
import { unwrapDataKey, loadBackupPrivateKey, loadBackupPublicKey } from '../../services/backup/src/crypto/key-wrap.ts';
import { loadManifestSigner, signManifest, verifyManifest, type Manifest } from '../../services/backup/src/crypto/manifest.ts';
import { generateBackupKeyPair, generateManifestSigningKey } from '../../services/backup/src/crypto/keygen.ts';
import { writeBackupSet } from '../../services/backup/src/storage/backup-writer.ts';
import type { BackupService } from '../../services/backup/src/service.ts';
import { checksumBelow, checksumsOf } from '../../services/backup/src/storage/table-checksums.ts';
import { BackupEventTap } from '../support/backup-events.ts';
import { queryDatabase, startBackupHarness, type BackupHarness } from '../support/backup-harness.ts';
import { call } from '../support/stack.ts';
import { startGateway } from '../../gateway/src/gateway.ts';

let harness: BackupHarness;
let service: BackupService;
let tap: BackupEventTap;
let admin: string;
let backupId: string;
const scratch: TestDatabase[] = [];

const manifestOf = (id: string) => JSON.parse(readFileSync(join(harness.backupDir, id, 'manifest.json'), 'utf8')) as Manifest;

async function restore(args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await restoreCommand([...args, '--verify-keys', harness.verifyKeysPath, '--no-progress'], (line) => lines.push(line));
  return { code, output: lines.join('\n') };
}

function copySet(id: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ecar-tampered-')), id);
  cpSync(join(harness.backupDir, id), dir, { recursive: true });
  return dir;
}

describe('backup → SFTP → drill → restore, end to end', () => {
  before(async () => {
    harness = await startBackupHarness('bkround', { drill: true });
    tap = await BackupEventTap.open(harness.bus.exchange);
    service = await harness.startBackup();
    admin = await harness.token('super-admin');
  });
  after(async () => {
    await tap?.close();
    await harness?.stop();
    for (const db of scratch) await db.drop();
  });

  it('only a super-admin may start or list backups (verified in the service, not only the gateway)', async () => {
    assert.equal((await call(service.url, '/api/v1/backups', { method: 'POST', json: {} })).status, 401);
    for (const role of ['technician', 'customer'] as const) {
      const response = await call(service.url, '/api/v1/backups', { method: 'POST', json: {}, token: await harness.token(role) });
      assert.equal(response.status, 403, role);
    }
    const unknown = await call(service.url, '/api/v1/backups', { method: 'POST', json: { databases: ['x'] }, token: admin });
    assert.equal(unknown.status, 400);
  });

  it('POST /api/v1/backups runs one backup at a time (409 for a second) and uploads it to the SFTP server', async () => {
    const first = await call(service.url, '/api/v1/backups', { method: 'POST', json: {}, token: admin });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    backupId = String(first.body['id']);
    const second = await call(service.url, '/api/v1/backups', { method: 'POST', json: {}, token: admin });
    assert.equal(second.status, 409);
    assert.match(second.headers.get('content-type') ?? '', /application\/problem\+json/);

    const done = await waitFor(async () => {
      const response = await call(service.url, `/api/v1/backups/${backupId}`, { token: admin });
      const upload = response.body['upload'] as { status: string };
      return response.body['status'] === 'failed' || upload.status === 'uploaded' ? response.body : undefined;
    }, { timeoutMs: 40_000, what: 'the backup to be stored and uploaded' });
    assert.equal(done['status'], 'succeeded', JSON.stringify(done));
    assert.deepEqual(done['local'], { status: 'stored', verifiedAt: (done['local'] as { verifiedAt: string }).verifiedAt });

    const started = await tap.next('backup.run.started', backupId);
    assert.deepEqual(started.data, { backupId, trigger: 'manual' });
    assert.ok('userId' in started.actor && started.actor.role === 'super-admin');
    const succeeded = await tap.next('backup.run.succeeded', backupId);
    assert.equal(succeeded.data['files'], 3);
    await tap.next('backup.upload.succeeded', backupId);

    const list = await call(service.url, '/api/v1/backups?limit=5', { token: admin });
    assert.equal(list.status, 200);
    const items = list.body['items'] as Array<Record<string, unknown>>;
    assert.equal(items[0]?.['id'], backupId);
    assert.equal((items[0]?.['upload'] as { status: string }).status, 'uploaded');
    assert.equal((await call(service.url, '/api/v1/backups?limit=1000', { token: admin })).status, 400, 'page size has a hard maximum');

    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    const last = /^ecar_backup_last_success_timestamp_seconds\{[^}]*\} (\S+)$/m.exec(metrics);
    assert.ok(last && Number(last[1]) > Date.now() / 1000 - 120, 'last-success metric is set');
    assert.ok(/^ecar_backup_last_size_bytes\{[^}]*\} [1-9]/m.test(metrics), 'size metric is set');
  });

  it('the backup files hold no plaintext, and their hashes match the manifest locally and on the SFTP server', () => {
    const dir = join(harness.backupDir, backupId);
    const manifest = manifestOf(backupId);
    assert.deepEqual(readdirSync(dir).sort(), ['documents.tar.enc', `${harness.billingDb.name}.dump.enc`, `${harness.garageDb.name}.dump.enc`, 'manifest.json'].sort());
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    // Control: the same dump unencrypted does show the customer (so the search below can fail).
    const plain = spawnSync('pg_dump', ['-Fc', '-Z0', `--dbname=${harness.garageDb.url}`]);
    assert.ok(plain.stdout.includes(harness.customer.email));
    for (const name of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, name));
      for (const secret of [harness.customer.name, harness.customer.email]) {
        assert.ok(!bytes.includes(secret), `${name} contains "${secret}" in clear`);
        assert.ok(!bytes.includes(Buffer.from(secret, 'utf16le')), `${name} contains "${secret}" as UTF-16`);
      }
    }
    for (const file of manifest.files) {
      const bytes = readFileSync(join(dir, file.name));
      assert.equal(bytes.length, file.size, file.name);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), file.sha256, file.name);
      const remote = readFileSync(join(harness.sftp.localPathOfRemoteDir, backupId, file.name));
      assert.ok(remote.equals(bytes), `remote ${file.name} is byte-identical`);
    }
    assert.ok(readFileSync(join(harness.sftp.localPathOfRemoteDir, backupId, 'manifest.json')).equals(readFileSync(join(dir, 'manifest.json'))));
    assert.deepEqual(readdirSync(harness.backupDir), [backupId], 'no partial directory left behind');
    const garageTables = manifest.tables[harness.garageDb.name]!.map((table) => table.table);
    assert.deepEqual(garageTables, ['public."Work Orders"', 'public.customers', 'public.vehicles']);
  });

  it('through the gateway: super-admin only (the gateway refuses others before the service sees them)', async () => {
    const gateway = await startGateway({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'error',
      AUTH_URL: harness.auth.url,
      BACKUP_URL: service.url,
      AUTH_JWKS_URL: `${harness.auth.url}/.well-known/jwks.json`,
      AMQP_URL,
      BUS_EXCHANGE: harness.bus.exchange,
      BUS_QUEUE_PREFIX: harness.bus.queuePrefix,
      REDIS_KEY_PREFIX: harness.bus.queuePrefix,
      TRUST_PROXY_HOPS: '0',
    });
    try {
      const list = await waitFor(async () => {
        const response = await call(gateway.url, '/api/v1/backups', { token: admin });
        return response.status === 503 ? undefined : response;
      }, { timeoutMs: 20_000, what: 'the gateway to follow revocations' });
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.equal((list.body['items'] as Array<{ id: string }>)[0]?.id, backupId);
      assert.equal((await call(gateway.url, '/api/v1/backups', { token: await harness.token('technician') })).status, 403);
      assert.equal((await call(gateway.url, '/api/v1/backups')).status, 401);
    } finally {
      await gateway.stop();
    }
  });

  it('POST /api/v1/backups/:id/verify checks both copies', async () => {
    const response = await call(service.url, `/api/v1/backups/${backupId}/verify`, { method: 'POST', json: {}, token: admin });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body, { id: backupId, local: { status: 'ok' }, remote: { status: 'ok' } });
    const missing = await call(service.url, '/api/v1/backups/20200101T000000Z-000000/verify', { method: 'POST', json: {}, token: admin });
    assert.equal(missing.status, 404);
  });

  it('the first backup is followed by a restore drill that matches the manifest and drops its scratch databases', async () => {
    const drill = await tap.next('backup.drill.succeeded', backupId, 40_000);
    assert.equal(drill.data['databases'], 2);
    assert.equal(drill.data['tables'], 4);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    assert.ok(/^ecar_restore_drill_last_result\{[^}]*\} 1$/m.test(metrics), 'drill result metric is 1');
    assert.ok(/^ecar_restore_drill_last_success_timestamp_seconds\{[^}]*\} [1-9]/m.test(metrics), 'drill success time is set');
    const left = await adminQuery(`SELECT datname FROM pg_database WHERE datname LIKE 'ecar_drill_%'`);
    assert.deepEqual(left.rows, []);
    const drills = await call(service.url, '/api/v1/backups/drills', { token: admin });
    assert.equal(drills.status, 200);
    const [latest] = drills.body['items'] as Array<Record<string, unknown>>;
    assert.equal(latest?.['backupId'], backupId);
    assert.equal(latest?.['status'], 'succeeded');
    assert.deepEqual(latest?.['mismatches'], []);
  });

  it('the drill by hand (scripts/backup-drill.ts) restores and compares the set with the offline key', async () => {
    const lines: string[] = [];
    const code = await drillCommand(['--set', join(harness.backupDir, backupId), '--key', harness.privateKeyPath, '--verify-keys', harness.verifyKeysPath, '--admin-url', PG_ADMIN_URL], (line) => lines.push(line));
    assert.equal(code, 0, lines.join('\n'));
    assert.match(lines.join('\n'), new RegExp(`^OK: ${backupId}: 2 database\\(s\\), 4 table\\(s\\) restored and compared`, 'm'));
  });

  it('round trip: after data is changed and deleted, the restore command brings back exactly the backed-up tables', async () => {
    const manifest = manifestOf(backupId);
    await queryDatabase(harness.garageDb.url, `DELETE FROM customers WHERE email LIKE 'client1%'; UPDATE "Work Orders" SET price = 0 WHERE id < 10`);
    await queryDatabase(harness.billingDb.url, `DELETE FROM invoices`);
    const changed = await checksumsOf(harness.garageDb.url, checksumBelow(Number.MAX_SAFE_INTEGER));
    assert.notDeepEqual(changed, manifest.tables[harness.garageDb.name], 'control: the source really changed');

    for (const source of [harness.garageDb, harness.billingDb]) {
      const target = await createTestDatabase('bkround_restored');
      scratch.push(target);
      const result = await restore(['--set', join(harness.backupDir, backupId), '--key', harness.privateKeyPath, '--database', source.name, '--target-url', target.url]);
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /verified/);
      const restored = await checksumsOf(target.url, checksumBelow(Number.MAX_SAFE_INTEGER));
      assert.deepEqual(restored, manifest.tables[source.name], `${source.name}: every table's row count and checksum equal the backed-up state`);
    }
    const documents = mkdtempSync(join(tmpdir(), 'ecar-restored-docs-'));
    try {
      const result = await restore(['--set', join(harness.backupDir, backupId), '--key', harness.privateKeyPath, '--documents-to', documents]);
      assert.equal(result.code, 0, result.output);
      assert.equal(readFileSync(join(documents, 'invoices', 'F-2026-000001.pdf'), 'utf8'), readFileSync(join(harness.documentsDir, 'invoices', 'F-2026-000001.pdf'), 'utf8'));
    } finally {
      rmSync(documents, { recursive: true, force: true });
    }
  });

  it('refuses a flipped byte, a truncated file, an altered manifest and a wrong private key, restoring nothing', async () => {
    const target = await createTestDatabase('bkround_refused');
    scratch.push(target);
    const dumpName = `${harness.garageDb.name}.dump.enc`;
    const attempt = (dir: string, key = harness.privateKeyPath) => restore(['--set', dir, '--key', key, '--database', harness.garageDb.name, '--target-url', target.url]);

    const flipped = copySet(backupId);
    const bytes = readFileSync(join(flipped, dumpName));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(join(flipped, dumpName), bytes);
    let result = await attempt(flipped);
    assert.equal(result.code, 1);
    assert.match(result.output, /^REFUSED: .*dump\.enc: SHA-256 differs from the manifest: file altered$/m);

    // Same flip, with the manifest "fixed" to the new hash: its signature no longer holds (checked
    // before anything else), and with the signature check passed by re-signing, the MAC still fails.
    const manifest = JSON.parse(readFileSync(join(flipped, 'manifest.json'), 'utf8')) as Manifest;
    manifest.files.find((file) => file.name === dumpName)!.sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(flipped, 'manifest.json'), JSON.stringify(manifest));
    result = await attempt(flipped);
    assert.match(result.output, /^REFUSED: the manifest signature does not verify \(forged or altered set\): refused$/m);
    writeFileSync(join(flipped, 'manifest.json'), JSON.stringify(signManifest(loadManifestSigner(harness.signingKeyPem), manifest)));
    result = await attempt(flipped);
    assert.match(result.output, /^REFUSED: the manifest does not match its authentication code \(manifest altered\)$/m);

    const truncated = copySet(backupId);
    truncateSync(join(truncated, dumpName), statSync(join(truncated, dumpName)).size - 100);
    result = await attempt(truncated);
    assert.equal(result.code, 1);
    assert.match(result.output, /^REFUSED: .*size \d+ differs from the manifest \(\d+\): file truncated or altered$/m);

    const otherKey = await generateBackupKeyPair();
    const otherKeyPath = join(harness.keyDir, 'other-private.pem');
    writeFileSync(otherKeyPath, otherKey.privatePem, { mode: 0o600 });
    result = await attempt(join(harness.backupDir, backupId), otherKeyPath);
    assert.equal(result.code, 1);
    assert.match(result.output, /^REFUSED: wrong private key: this backup set was encrypted for sha256:[0-9a-f]{64}/m);

    const tables = await queryDatabase(target.url, `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    assert.equal(tables.rows[0].n, 0, 'nothing reached the target database');
    for (const dir of [flipped, truncated]) rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('a forged set — complete, encrypted for the real public key, a valid MAC under the forger\'s data key — is refused by restore, drill and verify without the signing key (issue 12, finding 8)', async () => {
    const forgeDir = mkdtempSync(join(tmpdir(), 'ecar-forged-'));
    const forgedId = '20270101T000000Z-f0f0f0';
    const forger = loadManifestSigner(generateManifestSigningKey().privatePem);
    // What anyone holding the public encryption key can write: the service's own writer with their own signing key.
    const forged = await writeBackupSet({
      id: forgedId,
      backupDir: forgeDir,
      documentsDir: harness.documentsDir,
      dumpUrl: PG_ADMIN_URL,
      databases: [harness.garageDb.name],
      publicKey: loadBackupPublicKey(harness.keys.publicPem),
      signer: forger,
      compression: 0,
      checksums: checksumBelow(Number.MAX_SAFE_INTEGER),
    });
    const dir = join(forgeDir, forgedId);
    // Control: before signing, this set would have passed — its MAC holds under the forger's data key.
    const privateKey = loadBackupPrivateKey(readFileSync(harness.privateKeyPath, 'utf8'));
    verifyManifest(unwrapDataKey(privateKey, forged.keyId, forged.wrappedKey), forged);

    const target = await createTestDatabase('bkround_forged');
    scratch.push(target);
    const attempt = () => restore(['--set', dir, '--key', harness.privateKeyPath, '--database', harness.garageDb.name, '--target-url', target.url]);
    let result = await attempt();
    assert.equal(result.code, 1);
    assert.match(result.output, /^REFUSED: the manifest is signed by ed25519:[0-9a-f]{64}, which is not a configured verification key: refused$/m);

    const write = (manifest: Manifest) => writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const { signature: _signature, ...unsigned } = forged;
    write(unsigned);
    result = await attempt();
    assert.match(result.output, /^REFUSED: the manifest is not signed: refused/m);
    const genuineKeyId = manifestOf(backupId).signature!.keyId;
    write({ ...forged, signature: { keyId: genuineKeyId, value: forged.signature!.value } });
    result = await attempt();
    assert.match(result.output, /^REFUSED: the manifest signature does not verify \(forged or altered set\): refused$/m);

    const lines: string[] = [];
    const code = await drillCommand(['--set', dir, '--key', harness.privateKeyPath, '--verify-keys', harness.verifyKeysPath, '--admin-url', PG_ADMIN_URL], (line) => lines.push(line));
    assert.equal(code, 1);
    assert.match(lines.join('\n'), /^REFUSED: the manifest signature does not verify/m);
    const tables = await queryDatabase(target.url, `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    assert.equal(tables.rows[0].n, 0, 'nothing of the forged set reached the database');

    // The service's verify (public keys only) flags a stored set whose manifest was replaced by a forged one.
    const stored = join(harness.backupDir, backupId, 'manifest.json');
    const genuine = readFileSync(stored);
    try {
      writeFileSync(stored, JSON.stringify({ ...manifestOf(backupId), signature: forged.signature }));
      const response = await call(service.url, `/api/v1/backups/${backupId}/verify`, { method: 'POST', json: {}, token: admin });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const local = response.body['local'] as { status: string; problems: string[] };
      assert.equal(local.status, 'failed');
      assert.ok(local.problems.some((problem) => problem.includes('not a configured verification key')), JSON.stringify(local));
    } finally {
      writeFileSync(stored, genuine);
      rmSync(forgeDir, { recursive: true, force: true });
    }
  });
});
