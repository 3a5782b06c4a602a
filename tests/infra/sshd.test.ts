/**
 * NET-3: infra/ssh/sshd_config.d/ecar-hardening.conf, included the way Debian includes it
 * (first, before the distribution defaults), validated by `sshd -t`, read back with `sshd -T`,
 * and probed with a real ssh client against a real sshd on a loopback port.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { requireBinary } from './support/binaries.ts';
import { freePort } from '../edge/support/edge-harness.ts';

const DROP_IN_DIR = fileURLToPath(new URL('../../infra/ssh/sshd_config.d', import.meta.url));

let dir = '';
let config = '';
let sshd = '';
let ssh = '';
let port = 0;
let server: ChildProcess | undefined;
let serverLog = '';

/** Debian 12's /etc/ssh/sshd_config, with the drop-in directory pointed at the repository. */
function debianDefaults(hostKeys: string[], pidFile: string): string {
  return [
    `Include ${DROP_IN_DIR}/*.conf`,
    'KbdInteractiveAuthentication no',
    'UsePAM yes',
    'X11Forwarding yes',
    'PrintMotd no',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    // Test-only: where this throw-away sshd keeps its keys and pid.
    ...hostKeys.map((key) => `HostKey ${key}`),
    `PidFile ${pidFile}`,
    // A later duplicate must not win over the drop-in.
    'PasswordAuthentication yes',
    'PermitRootLogin yes',
    '',
  ].join('\n');
}

function effective(connection = 'user=alice,host=client.example,addr=203.0.113.5'): Map<string, string> {
  const result = spawnSync(sshd, ['-T', '-f', config, '-C', connection], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return new Map(
    result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const space = line.indexOf(' ');
        return [line.slice(0, space), line.slice(space + 1)] as [string, string];
      }),
  );
}

function client(extra: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(
    ssh,
    [
      '-v',
      '-F', '/dev/null',
      '-p', String(port),
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=no',
      '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
      '-o', 'IdentitiesOnly=yes',
      '-o', 'ConnectTimeout=5',
      ...extra,
      'alice@127.0.0.1',
      'true',
    ],
    { encoding: 'utf8', timeout: 15_000 },
  );
  return { status: result.status, stderr: result.stderr };
}

before(async () => {
  sshd = requireBinary('sshd', 'openssh-server');
  ssh = requireBinary('ssh', 'openssh-client');
  const keygen = requireBinary('ssh-keygen', 'openssh-client');
  // sshd's privilege-separation directory; the openssh-server package creates it at boot.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  dir = mkdtempSync(join(tmpdir(), 'ecar-sshd-'));
  const hostKeys = ['ed25519', 'rsa'].map((type) => {
    const path = join(dir, `ssh_host_${type}_key`);
    const result = spawnSync(keygen, ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '3072'] : []), '-N', '', '-f', path], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return path;
  });
  config = join(dir, 'sshd_config');
  writeFileSync(config, debianDefaults(hostKeys, join(dir, 'sshd.pid')));
  port = await freePort();
  server = spawn(sshd, ['-D', '-e', '-f', config, '-o', `ListenAddress=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  server.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    serverLog += chunk;
  });
  const deadline = Date.now() + 5000;
  while (!serverLog.includes('Server listening')) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start:\n${serverLog}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

after(() => {
  server?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sshd configuration (NET-3)', () => {
  test('sshd -t accepts the configuration with the drop-in included', () => {
    const result = spawnSync(sshd, ['-t', '-f', config], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  test('the effective settings are key-only, no root, few tries, and win over later defaults', () => {
    const settings = effective();
    const expected: Record<string, string> = {
      passwordauthentication: 'no',
      kbdinteractiveauthentication: 'no',
      permitemptypasswords: 'no',
      pubkeyauthentication: 'yes',
      hostbasedauthentication: 'no',
      authenticationmethods: 'publickey',
      permitrootlogin: 'no',
      allowgroups: 'ecar-ssh',
      maxauthtries: '3',
      logingracetime: '30',
      x11forwarding: 'no',
      allowtcpforwarding: 'no',
      allowagentforwarding: 'no',
      permittunnel: 'no',
      permituserenvironment: 'no',
      loglevel: 'VERBOSE',
    };
    for (const [key, value] of Object.entries(expected)) assert.equal(settings.get(key), value, key);
  });

  test('only modern key exchange, ciphers, MACs and host keys are enabled', () => {
    const settings = effective();
    const list = (key: string) => (settings.get(key) ?? '').split(',');
    for (const kex of list('kexalgorithms')) assert.match(kex, /^(sntrup761x25519-sha512@openssh\.com|curve25519-sha256(@libssh\.org)?)$/, kex);
    for (const cipher of list('ciphers')) assert.match(cipher, /^(chacha20-poly1305@openssh\.com|aes(128|256)-gcm@openssh\.com)$/, cipher);
    for (const mac of list('macs')) assert.match(mac, /^hmac-sha2-(256|512)-etm@openssh\.com$/, mac);
    for (const algorithm of list('hostkeyalgorithms')) assert.doesNotMatch(algorithm, /ssh-rsa$|ssh-dss|ecdsa-sha2-nistp|-cert-v01/, algorithm);
  });
});

describe('a real ssh client against the hardened sshd', () => {
  test('the server offers public-key authentication only', () => {
    const result = client(['-o', 'PreferredAuthentications=password,keyboard-interactive,publickey']);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /Authentications that can continue: publickey\r?\n/);
    assert.doesNotMatch(result.stderr, /Authentications that can continue: .*password/);
  });

  // Every enabled cipher is an AEAD (its MAC is implicit), so MACs are checked with sshd -T.
  test('a client limited to legacy ciphers, key exchange or host keys is refused', () => {
    const cipher = client(['-o', 'Ciphers=aes128-ctr,aes256-cbc']);
    assert.match(cipher.stderr, /no matching cipher found/);
    const hostKey = client(['-o', 'HostKeyAlgorithms=ecdsa-sha2-nistp256,ssh-rsa']);
    assert.match(hostKey.stderr, /no matching host key type found/);
    const kex = client(['-o', 'KexAlgorithms=diffie-hellman-group14-sha256']);
    assert.match(kex.stderr, /no matching key exchange method found/);
  });
});
