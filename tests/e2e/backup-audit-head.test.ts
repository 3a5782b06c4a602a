/**
 * The audit chain head published in the signed backup manifest (issue 12, finding 2), all real:
 * the audit service appends to its chain in PostgreSQL, a real backup (pg_dump in the snapshot the
 * head is read in) writes and signs the set, the drill restores it into a scratch database.
 * Then the live chain is checked against the published heads (services/audit/src/cli/check-heads.ts):
 * a cut tail, a row changed before the head and a rewrite re-chained with the key are each found;
 * an untouched chain passes.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PG_ADMIN_URL, waitFor } from '@ecar/testkit';
import { headsCommand, signedHeads } from '../../services/backup/src/cli/heads.ts';
import { loadBackupPrivateKey, loadBackupPublicKey, unwrapDataKey, type BackupPrivateKey } from '../../services/backup/src/crypto/key-wrap.ts';
import { generateBackupKeyPair, generateManifestSigningKey } from '../../services/backup/src/crypto/keygen.ts';
import { loadManifestSigner, loadVerificationKeys, sealManifest, signManifest, type Manifest, type ManifestSigner } from '../../services/backup/src/crypto/manifest.ts';
import { drillSet } from '../../services/backup/src/domain/restore-drill.ts';
import { openBackupSet } from '../../services/backup/src/storage/backup-reader.ts';
import { writeBackupSet } from '../../services/backup/src/storage/backup-writer.ts';
import { checksumBelow } from '../../services/backup/src/storage/table-checksums.ts';
import { runCheckHeads } from '../../services/audit/src/cli/check-heads.ts';
import { openAuditDatabase } from '../../services/audit/src/cli/database.ts';
import { chainRowAt } from '../../services/audit/src/data/chain.ts';
import { sampleEvent } from '../support/audit-samples.ts';
import { startAuditHarness, type AuditHarness } from '../support/audit-harness.ts';

let h: AuditHarness;
let work: string;
let backupDir: string;
let verifyKeysPem: string;
let signer: ManifestSigner;
let privateKey: BackupPrivateKey;
let manifest: Manifest;
/** The chain's last seq when the backup ran. */
let H: number;

async function append(count: number): Promise<number> {
  const before = await h.storedCount();
  await h.publish(Array.from({ length: count }, () => sampleEvent('garage.customer.accessed')));
  await waitFor(async () => ((await h.storedCount()) >= before + count ? true : undefined), { timeoutMs: 20_000, what: `${before + count} audit rows` });
  return Number((await h.sql<{ seq: string }>('SELECT max(seq)::text AS seq FROM audit_events'))[0]!.seq);
}

/** What whoever holds the database can do: switch the append-only triggers off for one change. */
async function bypassingTriggers(change: () => Promise<unknown>): Promise<void> {
  await h.sql('ALTER TABLE audit_events DISABLE TRIGGER USER');
  await h.sql('ALTER TABLE audit_refs DISABLE TRIGGER USER');
  try {
    await change();
  } finally {
    await h.sql('ALTER TABLE audit_events ENABLE TRIGGER USER');
    await h.sql('ALTER TABLE audit_refs ENABLE TRIGGER USER');
  }
}

/** The heads of the signed sets (scripts/backup-heads.ts) fed to the audit check (check-heads.ts). */
async function checkLive(): Promise<{ code: number; output: string }> {
  const printed: string[] = [];
  const keysPath = join(work, 'verify.pem');
  assert.equal(await headsCommand(['--dir', backupDir, '--verify-keys', keysPath], (line) => printed.push(line), () => undefined), 0);
  const lines: string[] = [];
  const code = await runCheckHeads([], async () => printed.join('\n'), (line) => lines.push(line), h.env);
  return { code, output: lines.join('\n') };
}

describe('the audit chain head in the signed backup manifest, and the live chain checked against it', () => {
  before(async () => {
    h = await startAuditHarness('bkhead');
    work = mkdtempSync(join(tmpdir(), 'ecar-bkhead-'));
    backupDir = join(work, 'backups');
    const documentsDir = join(work, 'documents');
    mkdirSync(documentsDir);
    writeFileSync(join(documentsDir, 'a.pdf'), '%PDF-1.7\n');
    const keys = await generateBackupKeyPair();
    privateKey = loadBackupPrivateKey(keys.privatePem);
    const signing = generateManifestSigningKey();
    signer = loadManifestSigner(signing.privatePem);
    verifyKeysPem = signing.publicPem;
    writeFileSync(join(work, 'verify.pem'), verifyKeysPem);
    const before = await append(30);
    manifest = await writeBackupSet({
      id: '20261201T230000Z-head',
      backupDir,
      documentsDir,
      dumpUrl: PG_ADMIN_URL,
      databases: [h.database.name],
      publicKey: loadBackupPublicKey(keys.publicPem),
      signer,
      compression: 0,
      checksums: checksumBelow(100_000),
    });
    // The service may append its own events meanwhile: the head is whatever the dump holds, at least the 30 rows.
    H = Number(manifest.auditChain?.seq ?? 0);
    assert.ok(H >= before, `head ${H} at or after ${before}`);
    // Rows appended after the backup: the head is no longer the tail, as in production.
    await append(6);
  });
  after(async () => {
    await h?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("the manifest records the chain head the dump holds: last seq, its chain value, the key's name", async () => {
    const head = manifest.auditChain;
    assert.ok(head, 'the manifest has an audit chain head');
    assert.equal(head.database, h.database.name);
    // That it is the dump's own last row is what the drill test below proves (it restores the dump).
    const [row] = await h.sql<{ hash: string; recorded_at: Date }>('SELECT hash, recorded_at FROM audit_events WHERE seq = $1', [H]);
    assert.equal(head.hash, row!.hash);
    assert.equal(head.recordedAt, row!.recorded_at.toISOString());
    assert.equal(head.chainKeyId, h.audit.domain.hash.keyId);
    assert.match(head.chainKeyId ?? '', /^hmac-sha256:[0-9a-f]{16}$/);
    const onDisk = JSON.parse(readFileSync(join(backupDir, manifest.id, 'manifest.json'), 'utf8')) as Manifest;
    assert.deepEqual(onDisk.auditChain, head);
  });

  it('the signature covers the head: a manifest whose head was changed is refused', async () => {
    const forgedDir = join(work, 'forged');
    cpSync(join(backupDir, manifest.id), join(forgedDir, manifest.id), { recursive: true });
    const path = join(forgedDir, manifest.id, 'manifest.json');
    const altered = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    altered.auditChain = { ...altered.auditChain!, seq: String(H - 2) };
    writeFileSync(path, JSON.stringify(altered));
    const keyring = loadVerificationKeys(verifyKeysPem);
    const { heads, refused } = await signedHeads(forgedDir, keyring);
    assert.deepEqual(heads, [], 'no head from a set whose signature fails');
    assert.match(refused.join('\n'), /signature does not verify/);
    await assert.rejects(openBackupSet(join(forgedDir, manifest.id), privateKey, keyring), /signature does not verify/);
    assert.equal((await signedHeads(backupDir, keyring)).heads.length, 1, 'the untouched set gives its head');
  });

  it('the drill restores the audit database and finds its chain ending exactly at the head; a set whose head says otherwise fails', async () => {
    const keyring = loadVerificationKeys(verifyKeysPem);
    const set = await openBackupSet(join(backupDir, manifest.id), privateKey, keyring);
    const result = await drillSet(set, PG_ADMIN_URL);
    assert.deepEqual(result.mismatches, []);

    // A set signed and sealed with the right keys but whose head is not what its dump holds.
    const otherDir = join(work, 'other', manifest.id);
    cpSync(join(backupDir, manifest.id), otherDir, { recursive: true });
    const { mac: _mac, signature: _signature, ...rest } = manifest;
    const wrongHead = signManifest(signer, sealManifest(unwrapDataKey(privateKey, manifest.keyId, manifest.wrappedKey), { ...rest, auditChain: { ...manifest.auditChain!, seq: String(H - 1) } }));
    writeFileSync(join(otherDir, 'manifest.json'), JSON.stringify(wrongHead));
    const drilled = await drillSet(await openBackupSet(otherDir, privateKey, keyring), PG_ADMIN_URL);
    assert.deepEqual(drilled.mismatches, [`${h.database.name}: the restored audit chain ends at seq ${H}, the manifest's head is seq ${H - 1}`]);
  });

  it('an untouched live chain matches every published head', async () => {
    const { code, output } = await checkLive();
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`^OK intact: the head published by backup 20261201T230000Z-head \\(seq ${H},`, 'm'));
    assert.match(output, /^OK: 1 published head\(s\) checked against the live chain: all intact$/m);
  });

  it('deleting the last rows (the head among them) is found: the head names where the live chain now ends', async () => {
    await h.sql('CREATE TABLE saved_tail AS SELECT * FROM audit_events WHERE seq >= $1', [H - 1]);
    await h.sql('CREATE TABLE saved_refs AS SELECT * FROM audit_refs WHERE seq >= $1', [H - 1]);
    await bypassingTriggers(async () => {
      await h.sql('DELETE FROM audit_refs WHERE seq >= $1', [H - 1]);
      await h.sql('DELETE FROM audit_events WHERE seq >= $1', [H - 1]);
    });
    try {
      const { code, output } = await checkLive();
      assert.equal(code, 2, output);
      assert.match(output, new RegExp(`^BROKEN missing: the head published by backup 20261201T230000Z-head \\(seq ${H}, .*\\): the live chain ends at seq ${H - 2}, before this head`, 'm'));
      assert.match(output, /^FAILED: 1 of 1 published head\(s\) do not match the live chain/m);
    } finally {
      await h.sql('INSERT INTO audit_events SELECT * FROM saved_tail');
      await h.sql('INSERT INTO audit_refs SELECT * FROM saved_refs');
      await h.sql('DROP TABLE saved_tail, saved_refs');
    }
    assert.equal((await checkLive()).code, 0, 'the rows put back, the head matches again');
  });

  it('a row changed before the head is found, with the sequence where the chain breaks', async () => {
    const [{ actor_email: original }] = (await h.sql<{ actor_email: string | null }>('SELECT actor_email FROM audit_events WHERE seq = $1', [H - 18])) as [{ actor_email: string | null }];
    await bypassingTriggers(() => h.sql(`UPDATE audit_events SET actor_email = 'someone-else@ecar.test' WHERE seq = $1`, [H - 18]));
    try {
      const { code, output } = await checkLive();
      assert.equal(code, 2, output);
      assert.match(output, new RegExp(`^BROKEN broken_before: the head published by backup 20261201T230000Z-head \\(seq ${H}, .*\\): the entry carries the published value, but the chain breaks before it, at seq ${H - 18} \\(hash_mismatch\\)$`, 'm'));
    } finally {
      await bypassingTriggers(() => h.sql('UPDATE audit_events SET actor_email = $1 WHERE seq = $2', [original, H - 18]));
    }
  });

  it('a rewrite re-chained with the key itself (every later value recomputed) is still found against the published head', async () => {
    const dataSource = await openAuditDatabase(h.env);
    const hash = h.audit.domain.hash;
    const saved = await h.sql<{ seq: string; actor_email: string | null; prev_hash: string; hash: string }>('SELECT seq::text, actor_email, prev_hash, hash FROM audit_events WHERE seq >= $1 ORDER BY seq', [H - 10]);
    try {
      await bypassingTriggers(async () => {
        await h.sql(`UPDATE audit_events SET actor_email = 'rewritten@ecar.test' WHERE seq = $1`, [H - 10]);
        let prev = saved[0]!.prev_hash;
        for (const { seq } of saved) {
          const row = (await chainRowAt(dataSource.manager, seq))!;
          const next = hash({ ...row, prevHash: prev });
          await h.sql('UPDATE audit_events SET prev_hash = $2, hash = $3 WHERE seq = $1', [seq, prev, next]);
          prev = next;
        }
      });
      const { code, output } = await checkLive();
      assert.equal(code, 2, output);
      assert.match(output, new RegExp(`^BROKEN rewritten: the head published by backup 20261201T230000Z-head \\(seq ${H}, .*\\): the live entry at seq ${H} carries another chain value .*: the chain was rewritten at or before seq ${H}$`, 'm'));
    } finally {
      await bypassingTriggers(async () => {
        for (const row of saved) await h.sql('UPDATE audit_events SET actor_email = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [row.seq, row.actor_email, row.prev_hash, row.hash]);
      });
      await dataSource.destroy();
    }
    assert.equal((await checkLive()).code, 0, 'put back, the chain matches its head again');
  });

  it('malformed heads are refused before anything is checked', async () => {
    const lines: string[] = [];
    assert.equal(await runCheckHeads([], async () => '[{"source":"x","seq":"0","hash":"zz"}]', (line) => lines.push(line), h.env), 1);
    assert.match(lines.join('\n'), /^FAILED: head 1 is not/);
  });
});
