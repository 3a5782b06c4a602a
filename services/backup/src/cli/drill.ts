import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupIntegrityError } from '../crypto/chunked-cipher.ts';
import { loadBackupPrivateKey } from '../crypto/key-wrap.ts';
import { loadVerificationKeys } from '../crypto/manifest.ts';
import { openBackupSet } from '../storage/backup-reader.ts';
import { drillSet } from '../domain/restore-drill.ts';

const USAGE = `usage: scripts/backup-drill.ts --set <backup set dir> --key <private.pem> [--passphrase-file <file>] --verify-keys <Ed25519 public keys .pem> --admin-url <postgres URL of a CREATEDB role>`;

/**
 * `scripts/backup-drill.ts`: the restore drill by hand, on any machine that has the set and the
 * private key: restores every database into scratch databases, compares every table with the
 * manifest, drops them. Exit 0 when everything matches.
 */
export async function drillCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { set: { type: 'string' }, key: { type: 'string' }, 'passphrase-file': { type: 'string' }, 'verify-keys': { type: 'string' }, 'admin-url': { type: 'string' } },
    strict: true,
  });
  if (!values.set || !values.key || !values['verify-keys'] || !values['admin-url']) {
    print(USAGE);
    return 2;
  }
  try {
    const passphrase = values['passphrase-file'] ? (await readFile(values['passphrase-file'], 'utf8')).trim() : undefined;
    const verificationKeys = loadVerificationKeys(await readFile(values['verify-keys'], 'utf8'));
    const set = await openBackupSet(resolve(values.set), loadBackupPrivateKey(await readFile(values.key, 'utf8'), passphrase), verificationKeys);
    const started = Date.now();
    const result = await drillSet(set, values['admin-url']);
    for (const mismatch of result.mismatches) print(`MISMATCH: ${mismatch}`);
    const verdict = result.mismatches.length === 0 ? 'OK' : 'FAILED';
    print(`${verdict}: ${set.manifest.id}: ${result.databases} database(s), ${result.tables} table(s) restored and compared in ${Date.now() - started} ms`);
    return result.mismatches.length === 0 ? 0 : 1;
  } catch (error) {
    print(`${error instanceof BackupIntegrityError ? 'REFUSED' : 'FAILED'}: ${(error as Error).message}`);
    return 1;
  }
}
