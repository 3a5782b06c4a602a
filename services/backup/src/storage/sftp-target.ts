import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import SftpClient from 'ssh2-sftp-client';
import { MANIFEST_FILE } from '../crypto/manifest.ts';
import { sshFingerprint } from '../domain/known-hosts.ts';

export interface SftpSettings {
  host: string;
  port: number;
  username: string;
  privateKey: string;
  /** `SHA256:<base64>` fingerprints, as `ssh-keygen -lf` prints them. */
  hostKeys: readonly string[];
  remoteDir: string;
  readyTimeoutMs?: number;
}

export class HostKeyMismatchError extends Error {
  constructor(readonly presented: string) {
    super(`the SFTP server presented host key ${presented}, which is not pinned in SFTP_HOST_KEY_SHA256 / SFTP_KNOWN_HOSTS: refused`);
    this.name = 'HostKeyMismatchError';
  }
}

/** One SFTP session with the pinned host key; `use` closes it whatever happens. */
async function withSession<T>(settings: SftpSettings, use: (client: SftpClient) => Promise<T>): Promise<T> {
  const client = new SftpClient('ecar-backup');
  let mismatch: HostKeyMismatchError | undefined;
  try {
    await client.connect({
      host: settings.host,
      port: settings.port,
      username: settings.username,
      privateKey: settings.privateKey,
      readyTimeout: settings.readyTimeoutMs ?? 20_000,
      hostVerifier: (key: Buffer) => {
        const presented = sshFingerprint(key);
        if (settings.hostKeys.includes(presented)) return true;
        mismatch = new HostKeyMismatchError(presented);
        return false;
      },
    });
  } catch (error) {
    await client.end().catch(() => undefined);
    throw mismatch ?? error;
  }
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Files are created read-only and never opened for writing again (flags `wx`: refused if the name exists). */
const STORED_FILE_MODE = 0o444;

/** The directories a set may occupy remotely: `<id>`, or `<id>.<n>` when an earlier attempt left `<id>` incomplete. */
function setDirectories(id: string, names: readonly string[]): string[] {
  const attempt = (name: string) => (name === id ? 1 : Number(name.slice(id.length + 1)));
  return names.filter((name) => name === id || (name.startsWith(`${id}.`) && /^\d+$/.test(name.slice(id.length + 1)))).sort((a, b) => attempt(a) - attempt(b));
}

async function listNames(client: SftpClient, dir: string): Promise<string[]> {
  return (await client.list(dir)).map((entry) => entry.name);
}

/** The directory of `id` that holds a manifest (written last: a set with one is complete), if any. */
async function completeSetDirectory(client: SftpClient, settings: SftpSettings, id: string, expected?: Buffer): Promise<string | undefined> {
  for (const name of setDirectories(id, await listNames(client, settings.remoteDir))) {
    const manifest = posix.join(settings.remoteDir, name, MANIFEST_FILE);
    if (!(await client.exists(manifest))) continue;
    if (!expected || ((await client.get(manifest)) as Buffer).equals(expected)) return posix.join(settings.remoteDir, name);
  }
  return undefined;
}

async function putOnce(client: SftpClient, local: string, remote: string): Promise<void> {
  await pipeline(createReadStream(local), client.createWriteStream(remote, { flags: 'wx', mode: STORED_FILE_MODE }));
}

/**
 * Uploads a local set directory to the append-only SFTP account (issue 12, finding 8): the account
 * may not delete, rename, overwrite or chmod (sshd's `internal-sftp -P`, infra/ssh/), so every
 * file is created once, read-only, under its final name in `<remoteDir>/<id>`, the manifest last
 * — a remote set with its manifest is complete. Each remote size is checked against the local
 * file and the manifest read back. An attempt that failed half-way leaves an incomplete `<id>`
 * the service cannot remove: the next attempt writes `<id>.2` (then `.3`, …), and the storage
 * owner removes incomplete directories (docs/operations/backup-restore.md).
 */
export async function uploadSet(settings: SftpSettings, localDir: string, id: string): Promise<void> {
  await withSession(settings, async (client) => {
    const localManifest = await readFile(join(localDir, MANIFEST_FILE));
    await client.mkdir(settings.remoteDir, true);
    if (await completeSetDirectory(client, settings, id, localManifest)) return;
    const taken = setDirectories(id, await listNames(client, settings.remoteDir));
    const dir = posix.join(settings.remoteDir, taken.length === 0 ? id : `${id}.${taken.length + 1}`);
    await client.mkdir(dir);
    const names = (await readdir(localDir)).filter((name) => name !== MANIFEST_FILE).sort();
    for (const name of [...names, MANIFEST_FILE]) {
      const local = join(localDir, name);
      const remote = posix.join(dir, name);
      await putOnce(client, local, remote);
      const [localSize, remoteStat] = await Promise.all([stat(local).then((s) => s.size), client.stat(remote)]);
      if (remoteStat.size !== localSize) throw new Error(`remote ${name} is ${remoteStat.size} bytes, local ${localSize}: upload incomplete`);
    }
    const remoteManifest = (await client.get(posix.join(dir, MANIFEST_FILE))) as Buffer;
    if (createHash('sha256').update(remoteManifest).digest('hex') !== createHash('sha256').update(localManifest).digest('hex')) throw new Error('remote manifest differs from the local one');
  });
}

/** Sizes of the files of a complete remote set, or undefined when no complete copy is there. */
export async function remoteSetSizes(settings: SftpSettings, id: string): Promise<Map<string, number> | undefined> {
  return withSession(settings, async (client) => {
    if (!(await client.exists(settings.remoteDir))) return undefined;
    const dir = await completeSetDirectory(client, settings, id);
    if (!dir) return undefined;
    const entries = await client.list(dir);
    return new Map(entries.filter((entry) => entry.type === '-').map((entry) => [entry.name, entry.size]));
  });
}
