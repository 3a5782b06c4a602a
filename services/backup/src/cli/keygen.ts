import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateBackupKeyPair } from '../crypto/keygen.ts';
import { loadBackupPublicKey } from '../crypto/key-wrap.ts';

const USAGE = `usage: scripts/backup-keygen.ts --out <dir> [--bits 3072|4096] [--passphrase-file <file>] [--name backup]
Writes <name>-public.pem (give it to the server as BACKUP_PUBLIC_KEY_FILE) and <name>-private.pem (0600).`;

/** `scripts/backup-keygen.ts`: makes a backup key pair and says where each half belongs. */
export async function keygenCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, bits: { type: 'string', default: '3072' }, 'passphrase-file': { type: 'string' }, name: { type: 'string', default: 'backup' } },
    strict: true,
  });
  if (!values.out || !/^[a-z0-9-]{1,40}$/.test(values.name)) {
    print(USAGE);
    return 2;
  }
  const bits = Number(values.bits);
  const passphrase = values['passphrase-file'] ? (await readFile(values['passphrase-file'], 'utf8')).trim() : undefined;
  const out = resolve(values.out);
  const publicPath = join(out, `${values.name}-public.pem`);
  const privatePath = join(out, `${values.name}-private.pem`);
  if (existsSync(privatePath) || existsSync(publicPath)) {
    print(`refusing to overwrite an existing key in ${out}`);
    return 1;
  }
  const pair = await generateBackupKeyPair({ bits, ...(passphrase ? { passphrase } : {}) });
  await mkdir(out, { recursive: true, mode: 0o700 });
  await writeFile(privatePath, pair.privatePem, { mode: 0o600, flag: 'wx' });
  await writeFile(publicPath, pair.publicPem, { mode: 0o644, flag: 'wx' });
  const { keyId } = loadBackupPublicKey(pair.publicPem);
  print(`key id:      ${keyId}`);
  print(`public key:  ${publicPath}`);
  print(`             → copy to the server as the backup_public_key secret (BACKUP_PUBLIC_KEY_FILE).`);
  print(`private key: ${privatePath} (mode 0600${passphrase ? ', passphrase-protected' : ', NOT passphrase-protected'})`);
  print('             → move it OFF this machine now: two offline copies (e.g. encrypted USB keys in two');
  print('               separate safes), never on the VPS. It is needed only to restore. Lose it and every');
  print('               backup made with this key is unreadable. See docs/operations/backup-restore.md.');
  return 0;
}
