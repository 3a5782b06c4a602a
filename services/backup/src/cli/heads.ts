import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadVerificationKeys, MANIFEST_FILE, parseManifest, verifyManifestSignature, type VerificationKeyring } from '../crypto/manifest.ts';

const USAGE = `usage: scripts/backup-heads.ts --dir <backup directory> --verify-keys <Ed25519 public keys .pem>`;

/** A published audit chain head, in the form services/audit/src/cli/check-heads.ts reads. */
export interface PublishedHeadLine {
  source: string;
  seq: string;
  hash: string;
  chainKeyId: string | null;
  recordedAt: string;
}

/**
 * The audit chain heads of every set in `dir` whose manifest signature verifies, oldest first; a
 * set whose manifest is unsigned, forged or altered gives no head and is named in `refused`
 * (a head nobody signed proves nothing). Needs public keys only: no data key, no private key.
 */
export async function signedHeads(dir: string, keyring: VerificationKeyring): Promise<{ heads: PublishedHeadLine[]; refused: string[] }> {
  const heads: PublishedHeadLine[] = [];
  const refused: string[] = [];
  const names = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
  for (const name of names) {
    const text = await readFile(join(dir, name, MANIFEST_FILE), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      const manifest = parseManifest(text);
      verifyManifestSignature(keyring, manifest);
      const head = manifest.auditChain;
      if (head) heads.push({ source: `backup ${manifest.id}`, seq: head.seq, hash: head.hash, chainKeyId: head.chainKeyId, recordedAt: head.recordedAt });
    } catch (error) {
      refused.push(`${name}: ${(error as Error).message}`);
    }
  }
  return { heads, refused };
}

/**
 * `scripts/backup-heads.ts`: prints, as JSON on stdout, the audit chain heads the signed manifests
 * in a backup directory publish, for the audit service's `check-heads` command. Refused sets are
 * named on stderr and make the exit code 1.
 */
export async function headsCommand(argv: string[], print: (line: string) => void, warn: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, 'verify-keys': { type: 'string' } }, strict: true });
  if (!values.dir || !values['verify-keys']) {
    warn(USAGE);
    return 2;
  }
  const keyring = loadVerificationKeys(await readFile(values['verify-keys'], 'utf8'));
  const { heads, refused } = await signedHeads(resolve(values.dir), keyring);
  for (const line of refused) warn(`REFUSED: ${line}`);
  print(JSON.stringify(heads, null, 2));
  return refused.length === 0 ? 0 : 1;
}
