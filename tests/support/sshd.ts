/**
 * A real OpenSSH server for backup tests: loopback high port, key-only, one throw-away system user
 * chrooted (internal-sftp) into a root-owned directory under /var/lib/ecar-test-sftp (sshd refuses
 * a chroot in a world-writable tree such as /tmp), append-only with the shipped `ForceCommand`
 * (infra/ssh/sftp-target/ecar-backup-sftp.conf, read verbatim). Needs root, like the test suite. `stop()` and
 * `start()` take the server down and up again on the same port; `dispose()` removes everything.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@ecar/testkit';

const CHROOT_BASE = '/var/lib/ecar-test-sftp';

/** The production SFTP target's ForceCommand (append-only: internal-sftp -P …), so tests run what is shipped. */
export function appendOnlyForceCommand(): string {
  const text = readFileSync(fileURLToPath(new URL('../../infra/ssh/sftp-target/ecar-backup-sftp.conf', import.meta.url)), 'utf8');
  const line = text.split('\n').find((candidate) => candidate.trim().startsWith('ForceCommand internal-sftp -P '));
  if (!line) throw new Error('infra/ssh/sftp-target/ecar-backup-sftp.conf has no "ForceCommand internal-sftp -P" line');
  return line.trim();
}

export interface TestSftpServer {
  host: string;
  port: number;
  username: string;
  clientPrivateKey: string;
  /** `SHA256:…` of the server's host key, as `ssh-keygen -lf` prints it. */
  hostKeySha256: string;
  /** A known_hosts line for this server (`[127.0.0.1]:<port> ssh-ed25519 …`). */
  knownHostsLine: string;
  /** Where the SFTP user may write, as seen inside the chroot. */
  remoteDir: string;
  /** The same directory on this machine. */
  localPathOfRemoteDir: string;
  /** The tail of sshd's log (`-e`), for failure messages. */
  log(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

async function freeHighPort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: chosen } = server.address() as net.AddressInfo;
        server.close(() => resolve(chosen));
      });
    });
    if (port >= 20_000) return port;
  }
}

function keyPair(dir: string, name: string): { privatePath: string; publicLine: string } {
  const privatePath = join(dir, name);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', privatePath]);
  return { privatePath, publicLine: readFileSync(`${privatePath}.pub`, 'utf8').trim() };
}

export function fingerprintOfPublicLine(line: string): string {
  const blob = Buffer.from(line.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

async function banner(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('SSH-2.0') ? true : undefined);
    });
    socket.once('error', () => resolve(undefined));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(undefined);
    });
  });
}

export async function startSftpServer(): Promise<TestSftpServer> {
  const id = randomBytes(4).toString('hex');
  const username = `ecar-sftp-${id}`;
  const work = mkdtempSync(join(tmpdir(), 'ecar-sshd-'));
  const chroot = join(CHROOT_BASE, id);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  mkdirSync(CHROOT_BASE, { recursive: true, mode: 0o755 });
  mkdirSync(chroot, { mode: 0o755 });
  run('useradd', ['--system', '--no-create-home', '--home-dir', '/', '--shell', '/usr/sbin/nologin', '--password', '*', username]);
  const uid = Number(run('id', ['-u', username]).trim());
  const gid = Number(run('id', ['-g', username]).trim());
  const writable = join(chroot, 'upload');
  mkdirSync(writable, { mode: 0o700 });
  chownSync(writable, uid, gid);

  const host = keyPair(work, 'host_ed25519');
  const client = keyPair(work, 'client_ed25519');
  writeFileSync(join(work, 'authorized_keys'), `${client.publicLine}\n`, { mode: 0o644 });
  // sshd reads authorized_keys as the user: let it traverse (not list) the key directory.
  chmodSync(work, 0o711);
  const config = join(work, 'sshd_config');
  writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `HostKey ${host.privatePath}`,
      `PidFile ${join(work, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(work, 'authorized_keys')}`,
      // The key files live in a temp dir under /tmp; the chroot itself is checked regardless.
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin no',
      `AllowUsers ${username}`,
      'Subsystem sftp internal-sftp',
      `Match User ${username}`,
      `  ChrootDirectory ${chroot}`,
      `  ${appendOnlyForceCommand()}`,
      '  AllowTcpForwarding no',
      '  X11Forwarding no',
      '',
    ].join('\n'),
  );
  run('/usr/sbin/sshd', ['-t', '-f', config]);

  const port = await freeHighPort();
  let child: ChildProcess | undefined;
  let log = '';

  const server: TestSftpServer = {
    host: '127.0.0.1',
    port,
    username,
    clientPrivateKey: readFileSync(client.privatePath, 'utf8'),
    hostKeySha256: fingerprintOfPublicLine(host.publicLine),
    knownHostsLine: `[127.0.0.1]:${port} ${host.publicLine.split(' ').slice(0, 2).join(' ')}`,
    remoteDir: '/upload/ecar-backups',
    localPathOfRemoteDir: join(writable, 'ecar-backups'),
    log: () => log,
    async start() {
      const started = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      started.stderr?.setEncoding('utf8').on('data', (text: string) => (log = (log + text).slice(-4000)));
      child = started;
      await waitFor(async () => {
        if (started.exitCode !== null) throw new Error(`sshd exited: ${log}`);
        return banner(port);
      }, { timeoutMs: 30_000, what: `sshd on 127.0.0.1:${port}` });
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      // The whole process group: the listener and any session it forked.
      process.kill(-running.pid!, 'SIGTERM');
      await exited;
      await waitFor(async () => ((await banner(port)) ? undefined : true), { timeoutMs: 5000, what: 'sshd to stop listening' });
    },
    async dispose() {
      await server.stop();
      spawnSync('userdel', [username]);
      rmSync(chroot, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
