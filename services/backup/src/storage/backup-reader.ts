import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BackupIntegrityError } from '../crypto/chunked-cipher.ts';
import { unwrapDataKey, type BackupPrivateKey } from '../crypto/key-wrap.ts';
import { MANIFEST_FILE, parseManifest, verifyManifest, verifyManifestSignature, type Manifest, type ManifestFile, type VerificationKeyring } from '../crypto/manifest.ts';
import { DOCUMENTS_FILE, databaseFile } from './backup-writer.ts';
import { libpqTarget, spawnTool } from './child-process.ts';
import { assertFileMatches, decryptedStream } from './encrypted-file.ts';

export interface OpenedBackupSet {
  dir: string;
  manifest: Manifest;
  dataKey: Buffer;
}

/**
 * Opens a set for restore: the manifest must be signed by one of the verification keys (a set
 * forged with the public encryption key is refused here), the private key must be the one the set
 * was written for, the data key must unwrap, the manifest's MAC must hold and every file must match
 * its size and SHA-256. Anything else is refused before a byte reaches a database.
 */
export async function openBackupSet(dir: string, privateKey: BackupPrivateKey, verificationKeys: VerificationKeyring): Promise<OpenedBackupSet> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    throw new BackupIntegrityError(`no readable ${MANIFEST_FILE} in ${dir} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const manifest = parseManifest(text);
  verifyManifestSignature(verificationKeys, manifest);
  const dataKey = unwrapDataKey(privateKey, manifest.keyId, manifest.wrappedKey);
  verifyManifest(dataKey, manifest);
  for (const file of manifest.files) await assertFileMatches(join(dir, file.name), file);
  return { dir, manifest, dataKey };
}

function fileOf(set: OpenedBackupSet, name: string): ManifestFile {
  const file = set.manifest.files.find((candidate) => candidate.name === name);
  if (!file) throw new BackupIntegrityError(`the backup set has no ${name}`);
  return file;
}

/**
 * Feeds a tool's stdin and, if the tool stops reading early (pg_restore may exit before the last
 * bytes of an archive), discards the rest: the decryption still reads the whole file, so every
 * record's tag is checked, and the tool's exit status decides success.
 */
function intoStdin(stdin: Writable): Writable {
  let closed = false;
  stdin.once('error', () => (closed = true));
  stdin.once('close', () => (closed = true));
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (closed || stdin.write(chunk)) return callback();
      const resume = () => {
        stdin.off('drain', resume);
        stdin.off('close', resume);
        callback();
      };
      stdin.once('drain', resume);
      stdin.once('close', resume);
    },
    final(callback) {
      if (!closed) stdin.end();
      callback();
    },
  });
}

function progress(total: number, onProgress?: (done: number, total: number) => void): Transform {
  let done = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      onProgress?.(done, total);
      callback(null, chunk);
    },
  });
}

/** Decrypts the dump of `database` into pg_restore, which loads it into `targetUrl`. */
export async function restoreDatabase(
  set: OpenedBackupSet,
  database: string,
  targetUrl: string,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const file = fileOf(set, databaseFile(database));
  const target = libpqTarget(targetUrl);
  const restore = spawnTool('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${target.dbname}`], target.env);
  restore.child.stdout.resume();
  try {
    await Promise.all([
      pipeline(decryptedStream(join(set.dir, file.name), set.dataKey, file.name), progress(file.plainBytes, onProgress), intoStdin(restore.child.stdin)),
      restore.done,
    ]);
  } catch (error) {
    restore.child.kill('SIGTERM');
    throw error;
  }
}

/** Decrypts the document archive and unpacks it into `targetDir` (which must exist). */
export async function restoreDocuments(set: OpenedBackupSet, targetDir: string, onProgress?: (done: number, total: number) => void): Promise<void> {
  const file = fileOf(set, DOCUMENTS_FILE);
  const tar = spawnTool('tar', ['--extract', '--file=-', '--no-same-owner', `--directory=${targetDir}`]);
  tar.child.stdout.resume();
  try {
    await Promise.all([pipeline(decryptedStream(join(set.dir, file.name), set.dataKey, file.name), progress(file.plainBytes, onProgress), intoStdin(tar.child.stdin)), tar.done]);
  } catch (error) {
    tar.child.kill('SIGTERM');
    throw error;
  }
}

/** Lists the document archive (proves it decrypts and is a well-formed tar) and counts its entries. */
export async function countDocuments(set: OpenedBackupSet): Promise<number> {
  const file = fileOf(set, DOCUMENTS_FILE);
  const tar = spawnTool('tar', ['--list', '--file=-']);
  let entries = 0;
  tar.child.stdout.setEncoding('utf8').on('data', (text: string) => (entries += text.split('\n').length - 1));
  try {
    await Promise.all([pipeline(decryptedStream(join(set.dir, file.name), set.dataKey, file.name), intoStdin(tar.child.stdin)), tar.done]);
  } catch (error) {
    tar.child.kill('SIGTERM');
    throw error;
  }
  return entries;
}
