import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { BackupIntegrityError } from '../crypto/chunked-cipher.ts';
import { loadBackupPrivateKey } from '../crypto/key-wrap.ts';
import { loadVerificationKeys } from '../crypto/manifest.ts';
import { openBackupSet, restoreDatabase, restoreDocuments } from '../storage/backup-reader.ts';

const USAGE = `usage: scripts/backup-restore.ts --set <backup set dir> --key <private.pem> [--passphrase-file <file>] --verify-keys <Ed25519 public keys .pem>
         (--database <name in the set> --target-url <postgres URL of an EMPTY database> | --documents-to <empty dir> | --list)`;

/**
 * `scripts/backup-restore.ts`: checks the manifest's signature against the verification keys, then
 * the set with the private key (key id, wrapped key,
 * manifest MAC, every file's size and SHA-256), then decrypts one database into pg_restore or the
 * document archive into a directory, with a progress bar. Any mismatch is refused, with the reason.
 */
export async function restoreCommand(argv: string[], print: (line: string) => void, progressStream: NodeJS.WritableStream = process.stderr): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      set: { type: 'string' },
      key: { type: 'string' },
      'passphrase-file': { type: 'string' },
      'verify-keys': { type: 'string' },
      database: { type: 'string' },
      'target-url': { type: 'string' },
      'documents-to': { type: 'string' },
      list: { type: 'boolean', default: false },
      progress: { type: 'boolean', default: true },
    },
    allowNegative: true,
    strict: true,
  });
  const wantsDatabase = Boolean(values.database && values['target-url']);
  if (!values.set || !values.key || !values['verify-keys'] || (!wantsDatabase && !values['documents-to'] && !values.list)) {
    print(USAGE);
    return 2;
  }
  try {
    const passphrase = values['passphrase-file'] ? (await readFile(values['passphrase-file'], 'utf8')).trim() : undefined;
    const privateKey = loadBackupPrivateKey(await readFile(values.key, 'utf8'), passphrase);
    const verificationKeys = loadVerificationKeys(await readFile(values['verify-keys'], 'utf8'));
    const set = await openBackupSet(resolve(values.set), privateKey, verificationKeys);
    print(`backup set ${set.manifest.id} (${set.manifest.createdAt}): signature (${set.manifest.signature?.keyId}), key, manifest and ${set.manifest.files.length} file hashes verified`);
    if (values.list) {
      for (const file of set.manifest.files) print(`  ${file.name}  ${file.size} bytes  ${file.kind}${file.database ? ` (${file.database})` : ''}`);
      return 0;
    }
    const bar = values.progress ? new cliProgress.SingleBar({ stream: progressStream, format: '{bar} {percentage}% | {value}/{total} bytes' }, cliProgress.Presets.shades_classic) : undefined;
    const onProgress = (done: number, total: number) => {
      if (!bar) return;
      if (bar.getTotal() !== total) bar.start(total, 0);
      bar.update(done);
    };
    try {
      if (wantsDatabase) {
        await restoreDatabase(set, values.database!, values['target-url']!, onProgress);
        print(`restored ${values.database} into ${new URL(values['target-url']!).pathname.slice(1)}`);
      }
      if (values['documents-to']) {
        await restoreDocuments(set, resolve(values['documents-to']), onProgress);
        print(`restored the document store into ${resolve(values['documents-to'])}`);
      }
    } finally {
      bar?.stop();
    }
    return 0;
  } catch (error) {
    const prefix = error instanceof BackupIntegrityError ? 'REFUSED' : 'FAILED';
    print(`${prefix}: ${(error as Error).message}`);
    return 1;
  }
}
