import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
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

/**
 * Uploads a local set directory to `<remoteDir>/.partial-<id>`, checks every remote size against
 * the local file, then renames it to `<remoteDir>/<id>`: a set under its final name is complete.
 * SFTP has no remote hashing; the manifest (which holds every file's SHA-256) is read back and compared.
 */
export async function uploadSet(settings: SftpSettings, localDir: string, id: string): Promise<void> {
  await withSession(settings, async (client) => {
    const partial = posix.join(settings.remoteDir, `.partial-${id}`);
    const final = posix.join(settings.remoteDir, id);
    if (await client.exists(final)) return;
    if (await client.exists(partial)) await client.rmdir(partial, true);
    await client.mkdir(partial, true);
    const names = (await readdir(localDir)).sort();
    for (const name of names) {
      const local = join(localDir, name);
      const remote = posix.join(partial, name);
      await client.fastPut(local, remote);
      const [localSize, remoteStat] = await Promise.all([stat(local).then((s) => s.size), client.stat(remote)]);
      if (remoteStat.size !== localSize) throw new Error(`remote ${name} is ${remoteStat.size} bytes, local ${localSize}: upload incomplete`);
    }
    if (names.includes('manifest.json')) {
      const remoteManifest = (await client.get(posix.join(partial, 'manifest.json'))) as Buffer;
      const localHash = createHash('sha256').update(await readFile(join(localDir, 'manifest.json'))).digest('hex');
      if (createHash('sha256').update(remoteManifest).digest('hex') !== localHash) throw new Error('remote manifest differs from the local one');
    }
    await client.rename(partial, final);
  });
}

export async function deleteRemoteSets(settings: SftpSettings, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await withSession(settings, async (client) => {
    for (const id of ids) await client.rmdir(posix.join(settings.remoteDir, id), true);
  });
}

/** Sizes of the files of a complete remote set, or undefined when the set is not there. */
export async function remoteSetSizes(settings: SftpSettings, id: string): Promise<Map<string, number> | undefined> {
  return withSession(settings, async (client) => {
    const dir = posix.join(settings.remoteDir, id);
    if (!(await client.exists(dir))) return undefined;
    const entries = await client.list(dir);
    return new Map(entries.filter((entry) => entry.type === '-').map((entry) => [entry.name, entry.size]));
  });
}
