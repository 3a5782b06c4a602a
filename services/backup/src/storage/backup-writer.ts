import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wrapDataKey, type BackupPublicKey } from '../crypto/key-wrap.ts';
import { MANIFEST_FILE, MANIFEST_FORMAT, sealManifest, signManifest, type Manifest, type ManifestFile, type ManifestSigner, type TableChecksum, type AuditChainHead } from '../crypto/manifest.ts';
import { auditChainHead } from './audit-chain-head.ts';
import { libpqTarget, spawnTool, toolVersion, withDatabase } from './child-process.ts';
import { verifyWrittenFile, writeEncryptedFile } from './encrypted-file.ts';
import { openSnapshot, tableChecksums, type ChecksumPolicy } from './table-checksums.ts';

export interface BackupSetOptions {
  id: string;
  backupDir: string;
  documentsDir: string;
  /** URL of the dump role; the database part is replaced by each name of `databases`. */
  dumpUrl: string;
  databases: readonly string[];
  publicKey: BackupPublicKey;
  /** Signs the manifest (BACKUP_SIGNING_KEY): what restore, verify and drill check first. */
  signer: ManifestSigner;
  compression: number;
  checksums: ChecksumPolicy;
  onStep?(step: string): void;
}

export const DOCUMENTS_FILE = 'documents.tar.enc';
export const databaseFile = (database: string) => `${database}.dump.enc`;
const partialDirName = (id: string) => `.partial-${id}`;

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function dumpDatabase(options: BackupSetOptions, database: string, dataKey: Buffer, dir: string): Promise<{ file: ManifestFile; tables: TableChecksum[]; auditChain: AuditChainHead | undefined }> {
  const url = withDatabase(options.dumpUrl, database);
  const started = Date.now();
  const snapshot = await openSnapshot(url);
  try {
    // On the snapshot's connection, before pg_dump starts: the head the dump holds.
    const auditChain = await auditChainHead(snapshot.client, database);
    const target = libpqTarget(url);
    const name = databaseFile(database);
    const dump = spawnTool('pg_dump', ['-Fc', `-Z${options.compression}`, `--snapshot=${snapshot.snapshot}`, `--dbname=${target.dbname}`], target.env);
    dump.child.stdin.end();
    const [written, tables] = await Promise.all([
      writeEncryptedFile(dump.child.stdout, dataKey, name, join(dir, name)).catch((error: unknown) => {
        dump.child.kill('SIGTERM');
        throw error;
      }),
      tableChecksums(snapshot.client, options.checksums),
      dump.done,
    ]);
    return { file: { name, kind: 'database', database, ...written, durationMs: Date.now() - started }, tables, auditChain };
  } finally {
    await snapshot.close();
  }
}

async function archiveDocuments(options: BackupSetOptions, dataKey: Buffer, dir: string): Promise<ManifestFile> {
  const started = Date.now();
  const info = await stat(options.documentsDir).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`DOCUMENTS_DIR ${options.documentsDir} is not a readable directory`);
  const tar = spawnTool('tar', ['--create', '--file=-', '--format=posix', `--directory=${options.documentsDir}`, '.']);
  tar.child.stdin.end();
  const [written] = await Promise.all([
    writeEncryptedFile(tar.child.stdout, dataKey, DOCUMENTS_FILE, join(dir, DOCUMENTS_FILE)).catch((error: unknown) => {
      tar.child.kill('SIGTERM');
      throw error;
    }),
    tar.done,
  ]);
  return { name: DOCUMENTS_FILE, kind: 'documents', ...written, durationMs: Date.now() - started };
}

/**
 * Removes `.partial-*` directories a killed process left behind (a run cut by SIGKILL cannot clean
 * up after itself). Called only while holding the backup lock, so no live run owns them.
 */
export async function removePartialSets(backupDir: string): Promise<string[]> {
  const names = await readdir(backupDir).catch(() => [] as string[]);
  const partials = names.filter((name) => name.startsWith('.partial-'));
  for (const name of partials) await rm(join(backupDir, name), { recursive: true, force: true });
  return partials;
}

/**
 * Writes one backup set: every database (pg_dump -Fc in the snapshot its checksums were read in)
 * and the document store, each encrypted on the way to disk, into a `.partial-<id>` directory;
 * re-reads every file (hash and every tag) and renames the directory to `<id>` only then. Any
 * failure removes the partial directory: a failed backup leaves no file behind.
 */
export async function writeBackupSet(options: BackupSetOptions): Promise<Manifest> {
  const startedAt = new Date();
  const partial = join(options.backupDir, partialDirName(options.id));
  await mkdir(options.backupDir, { recursive: true, mode: 0o700 });
  await mkdir(partial, { mode: 0o700 });
  const dataKey = randomBytes(32);
  try {
    const files: ManifestFile[] = [];
    const tables: Record<string, TableChecksum[]> = {};
    let auditChain: AuditChainHead | undefined;
    for (const database of options.databases) {
      options.onStep?.(`dump ${database}`);
      const dumped = await dumpDatabase(options, database, dataKey, partial);
      files.push(dumped.file);
      tables[database] = dumped.tables;
      if (dumped.auditChain) {
        if (auditChain) throw new Error(`both ${auditChain.database} and ${database} hold an audit chain: back up one audit database per set`);
        auditChain = dumped.auditChain;
      }
    }
    options.onStep?.('archive documents');
    files.push(await archiveDocuments(options, dataKey, partial));
    options.onStep?.('verify');
    for (const file of files) await verifyWrittenFile(join(partial, file.name), dataKey, file);
    const [pgDump, tar] = await Promise.all([toolVersion('pg_dump'), toolVersion('tar')]);
    const finishedAt = new Date();
    const manifest = signManifest(options.signer, sealManifest(dataKey, {
      format: MANIFEST_FORMAT,
      id: options.id,
      createdAt: startedAt.toISOString(),
      keyId: options.publicKey.keyId,
      wrappedKey: wrapDataKey(options.publicKey, dataKey),
      cipher: 'AES-256-GCM, 64 KiB records, HKDF-SHA256 file keys',
      tools: { pg_dump: pgDump, tar, node: process.version },
      timings: { startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), durationMs: finishedAt.getTime() - startedAt.getTime() },
      files,
      tables,
      ...(auditChain ? { auditChain } : {}),
    }));
    await writeFile(join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await syncDirectory(partial);
    await rename(partial, join(options.backupDir, options.id));
    await syncDirectory(options.backupDir);
    return manifest;
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    dataKey.fill(0);
  }
}
