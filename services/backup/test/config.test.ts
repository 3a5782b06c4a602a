/** RES-2 and the start-up refusals: the configuration names the variable that is wrong. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@ecar/config';
import { crossFieldProblems, loadBackupConfig, loadBackupSettings, pinnedHostKeys } from '../src/config.ts';
import { generateBackupKeyPair, generateManifestSigningKey } from '../src/crypto/keygen.ts';
import { backupService } from '../src/service.ts';

const PIN = `SHA256:${'A'.repeat(43)}`;
const sftp = { SFTP_HOST: 'sftp.ecar.tn', SFTP_USERNAME: 'ecar', SFTP_PRIVATE_KEY: 'key', SFTP_HOST_KEY_SHA256: PIN, SFTP_ALLOWED_HOSTS: 'sftp.ecar.tn,41.231.0.10' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadBackupConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('backup configuration', () => {
  it('accepts an allow-listed, pinned SFTP host (case-insensitive)', () => {
    assert.deepEqual(problemsOf({ NODE_ENV: 'test', ...sftp, SFTP_HOST: 'SFTP.ecar.tn' }), []);
  });

  it('refuses an SFTP host outside the allow-list of Tunisian hosts, and an empty allow-list', () => {
    assert.deepEqual(problemsOf({ NODE_ENV: 'test', ...sftp, SFTP_HOST: 'backup.ovh.net' }), [
      'SFTP_HOST "backup.ovh.net" is not in SFTP_ALLOWED_HOSTS (backups stay in Tunisia, RES-2)',
    ]);
    assert.equal(problemsOf({ NODE_ENV: 'test', ...sftp, SFTP_ALLOWED_HOSTS: '' })[0], 'SFTP_HOST "sftp.ecar.tn" is not in SFTP_ALLOWED_HOSTS (backups stay in Tunisia, RES-2)');
  });

  it('requires a pinned host key, a user and a private key with an SFTP host', () => {
    const problems = problemsOf({ NODE_ENV: 'test', SFTP_HOST: 'sftp.ecar.tn', SFTP_ALLOWED_HOSTS: 'sftp.ecar.tn' });
    assert.ok(problems.some((p) => p.startsWith('SFTP_HOST_KEY_SHA256 or SFTP_KNOWN_HOSTS (with an entry for SFTP_HOST) is required')));
    assert.ok(problems.some((p) => p.startsWith('SFTP_USERNAME is required')));
    assert.ok(problems.some((p) => p.startsWith('SFTP_PRIVATE_KEY is required')));
    assert.ok(problemsOf({ NODE_ENV: 'test', ...sftp, SFTP_HOST_KEY_SHA256: 'MD5:aa:bb' }).some((p) => p.startsWith('SFTP_HOST_KEY_SHA256: "MD5:aa:bb" is not valid')));
  });

  it('pins the host keys a known_hosts text lists for SFTP_HOST:SFTP_PORT, plain or hashed, and no other host\'s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecar-known-hosts-'));
    try {
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
      const key = readFileSync(join(dir, 'k.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
      const other = readFileSync(join(dir, 'other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
      const expected = spawnSync('ssh-keygen', ['-lf', join(dir, 'k.pub')], { encoding: 'utf8' }).stdout.split(' ')[1];
      const text = `# comment\nsftp.ecar.tn ${key}\nevil.example ${other}\n@revoked sftp.ecar.tn ${other}\n[sftp.ecar.tn]:2222 ${other}\n`;
      const values = { ...sftp, SFTP_HOST_KEY_SHA256: [], SFTP_PORT: 22, SFTP_KNOWN_HOSTS: text };
      assert.deepEqual(pinnedHostKeys(values), [expected]);
      assert.deepEqual(problemsOf({ NODE_ENV: 'test', ...sftp, SFTP_HOST_KEY_SHA256: '', SFTP_KNOWN_HOSTS: text }), []);
      writeFileSync(join(dir, 'known_hosts'), text);
      spawnSync('ssh-keygen', ['-H', '-f', join(dir, 'known_hosts')]);
      const hashed = readFileSync(join(dir, 'known_hosts'), 'utf8');
      assert.ok(hashed.includes('|1|') && !hashed.split('\n').some((line) => line.startsWith('sftp.ecar.tn')), 'control: the names are hashed');
      assert.deepEqual(pinnedHostKeys({ ...values, SFTP_KNOWN_HOSTS: hashed }), [expected]);
      assert.equal(pinnedHostKeys({ ...values, SFTP_PORT: 2222, SFTP_KNOWN_HOSTS: hashed }).length, 1, '[host]:port entries');
      assert.deepEqual(pinnedHostKeys({ ...values, SFTP_HOST: 'other.ecar.tn' }), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('production needs the public key, the manifest signing key and the second copy', () => {
    const base = { BACKUP_PUBLIC_KEY: '', BACKUP_SIGNING_KEY: undefined, SFTP_HOST: '', SFTP_PORT: 22, SFTP_ALLOWED_HOSTS: [], SFTP_HOST_KEY_SHA256: [], SFTP_KNOWN_HOSTS: '', SFTP_USERNAME: '', SFTP_PRIVATE_KEY: undefined };
    assert.deepEqual(crossFieldProblems(base, 'development'), [], 'development may run without both');
    const problems = crossFieldProblems(base, 'production');
    assert.equal(problems.length, 3, problems.join('; '));
    assert.ok(problems.some((p) => p.startsWith('BACKUP_PUBLIC_KEY is required in production')));
    assert.ok(problems.some((p) => p.startsWith('BACKUP_SIGNING_KEY is required in production')));
    assert.ok(problems.some((p) => p.startsWith('SFTP_HOST is required in production')));
  });

  it('the service refuses at start a weak public key and a drill key of another pair, before touching anything', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const weak = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await assert.rejects(backupService.start({ NODE_ENV: 'test', BACKUP_PUBLIC_KEY: weak }), (error: unknown) =>
      error instanceof ConfigError && error.problems.some((p) => p === 'BACKUP_PUBLIC_KEY: the RSA key has 2048 bits; at least 3072 are required'),
    );
    const [pair, other] = await Promise.all([generateBackupKeyPair(), generateBackupKeyPair()]);
    await assert.rejects(backupService.start({ NODE_ENV: 'test', BACKUP_PUBLIC_KEY: pair.publicPem, BACKUP_DRILL_PRIVATE_KEY: other.privatePem }), (error: unknown) =>
      error instanceof ConfigError && error.problems.some((p) => p.startsWith('BACKUP_DRILL_PRIVATE_KEY does not belong to BACKUP_PUBLIC_KEY')),
    );
  });

  it('the manifest signing key: Ed25519 only, a seed that looks random, Ed25519 verification keys; development generates one and says so', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pair = await generateBackupKeyPair();
    const problemsWith = async (env: NodeJS.ProcessEnv) => {
      try {
        await loadBackupSettings({ NODE_ENV: 'test', BACKUP_PUBLIC_KEY: pair.publicPem, ...env });
        return [];
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
      }
    };
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.ok((await problemsWith({ BACKUP_SIGNING_KEY: rsa })).includes('BACKUP_SIGNING_KEY: an Ed25519 key is required, got rsa'));
    const zeroSeed = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32)]);
    const weak = `-----BEGIN PRIVATE KEY-----\n${zeroSeed.toString('base64')}\n-----END PRIVATE KEY-----\n`;
    assert.ok((await problemsWith({ BACKUP_SIGNING_KEY: weak })).includes('BACKUP_SIGNING_KEY: the key does not look random'));
    assert.ok((await problemsWith({ BACKUP_SIGNING_KEY: 'not a key' }))[0]?.startsWith('BACKUP_SIGNING_KEY: not a readable private key'));
    const signing = generateManifestSigningKey().privatePem;
    assert.ok((await problemsWith({ BACKUP_SIGNING_KEY: signing, BACKUP_VERIFY_KEYS: pair.publicPem })).includes('BACKUP_VERIFY_KEYS: verification keys must be Ed25519, got rsa'));
    const older = generateManifestSigningKey().publicPem;
    const { values } = await loadBackupSettings({ NODE_ENV: 'test', BACKUP_PUBLIC_KEY: pair.publicPem, BACKUP_SIGNING_KEY: signing, BACKUP_VERIFY_KEYS: older });
    assert.match(values.signer.keyId, /^ed25519:[0-9a-f]{64}$/);
    assert.equal(values.verificationKeys.size, 2, 'the signer and the older key');
    assert.ok(values.verificationKeys.has(values.signer.keyId));

    const dir = mkdtempSync(join(tmpdir(), 'ecar-dev-signing-'));
    try {
      const dev = await loadBackupSettings({ NODE_ENV: 'development', BACKUP_PUBLIC_KEY: pair.publicPem, BACKUP_DEV_KEY_DIR: dir });
      assert.ok(dev.warnings.some((warning) => warning.startsWith('BACKUP_SIGNING_KEY not set: manifests are signed with a development key')));
      const again = await loadBackupSettings({ NODE_ENV: 'development', BACKUP_PUBLIC_KEY: pair.publicPem, BACKUP_DEV_KEY_DIR: dir });
      assert.equal(again.values.signer.keyId, dev.values.signer.keyId, 'created once, then reused');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
