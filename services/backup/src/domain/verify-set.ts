import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '@ecar/errors';
import { MANIFEST_FILE, parseManifest, verifyManifestSignature } from '../crypto/manifest.ts';
import { findRun, markVerified } from '../data/backup-runs.ts';
import { assertFileMatches } from '../storage/encrypted-file.ts';
import { remoteSetSizes } from '../storage/sftp-target.ts';
import { messageOf, type BackupDeps } from './deps.ts';

export type SideResult = { status: 'ok' } | { status: 'failed'; problems: string[] } | { status: 'absent' } | { status: 'unreachable'; problems: string[] };

/**
 * Checks a set without the private key: the local manifest's signature against the verification
 * keys, every local file against the size and SHA-256 recorded at backup time, and every remote
 * file's size. (Tags and the manifest MAC need the private key: the restore drill checks those.)
 */
export async function verifySet(deps: BackupDeps, id: string): Promise<{ id: string; local: SideResult; remote: SideResult }> {
  const run = await findRun(deps.dataSource.manager, id);
  if (!run || run.status !== 'succeeded' || !run.files) throw notFound('No such backup set');
  const files = run.files;

  let local: SideResult = { status: 'absent' };
  if (run.localStatus === 'stored') {
    const problems: string[] = [];
    const dir = join(deps.config.BACKUP_DIR, id);
    await readFile(join(dir, MANIFEST_FILE), 'utf8').then(
      (text) => verifyManifestSignature(deps.verificationKeys, parseManifest(text)),
      () => problems.push(`${MANIFEST_FILE} is missing`),
    ).catch((error: unknown) => problems.push(messageOf(error)));
    for (const file of files) await assertFileMatches(join(dir, file.name), file).catch((error: unknown) => problems.push(messageOf(error)));
    local = problems.length ? { status: 'failed', problems } : { status: 'ok' };
  }

  let remote: SideResult = { status: 'absent' };
  if (deps.sftp && run.uploadStatus === 'uploaded') {
    try {
      const sizes = await remoteSetSizes(deps.sftp, id);
      if (!sizes) remote = { status: 'failed', problems: ['the set is missing on the SFTP server'] };
      else {
        const problems = files.filter((file) => sizes.get(file.name) !== file.size).map((file) => `${file.name}: remote size ${sizes.get(file.name) ?? 'missing'}, expected ${file.size}`);
        if (!sizes.has(MANIFEST_FILE)) problems.push(`${MANIFEST_FILE} is missing on the SFTP server`);
        remote = problems.length ? { status: 'failed', problems } : { status: 'ok' };
      }
    } catch (error) {
      remote = { status: 'unreachable', problems: [messageOf(error)] };
    }
  }
  if (local.status === 'ok' && remote.status !== 'failed') await markVerified(deps.dataSource.manager, id);
  return { id, local, remote };
}
