// Child process of bench/backup/run.ts and bench/backup/scale.ts: writes one backup set exactly as
// the service does (writeBackupSet: snapshot + checksums, pg_dump → encrypt → file, verify) and
// prints its timings and this process's peak RSS as JSON.
// Arguments: <dump URL> <database[,database…]> <pg_dump -Z> <checksum max rows> [<keep dir>]
// Without a keep dir the set and its keys are removed afterwards; with one, the set is written
// under <keep dir>/sets and the keys the drill needs under <keep dir>/keys.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBackupKeyPair, generateManifestSigningKey } from '../../services/backup/src/crypto/keygen.ts';
import { loadBackupPublicKey } from '../../services/backup/src/crypto/key-wrap.ts';
import { loadManifestSigner } from '../../services/backup/src/crypto/manifest.ts';
import { writeBackupSet } from '../../services/backup/src/storage/backup-writer.ts';
import { checksumBelow } from '../../services/backup/src/storage/table-checksums.ts';

const [dumpUrl, list, compression, maxRows, keep] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const databases = list.split(',');
const work = keep ? join(keep, 'sets') : mkdtempSync(join(tmpdir(), 'ecar-bench-backup-'));
const documents = mkdtempSync(join(tmpdir(), 'ecar-bench-docs-'));
// One document, as the service's documents folder always holds some (the drill lists the archive).
writeFileSync(join(documents, 'README.txt'), 'bench document\n');
try {
  const keys = await generateBackupKeyPair();
  const signing = generateManifestSigningKey();
  if (keep) {
    mkdirSync(join(keep, 'keys'), { recursive: true, mode: 0o700 });
    writeFileSync(join(keep, 'keys', 'backup-private.pem'), keys.privatePem, { mode: 0o600 });
    writeFileSync(join(keep, 'keys', 'signing-public.pem'), signing.publicPem, { mode: 0o600 });
  }
  const steps: Record<string, number> = {};
  let current = '';
  let since = performance.now();
  const started = performance.now();
  const id = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-bbbbbb`;
  const manifest = await writeBackupSet({
    id,
    backupDir: work,
    documentsDir: documents,
    dumpUrl,
    databases,
    publicKey: loadBackupPublicKey(keys.publicPem),
    signer: loadManifestSigner(signing.privatePem),
    compression: Number(compression),
    checksums: checksumBelow(Number(maxRows)),
    onStep(step) {
      if (current) steps[current] = performance.now() - since;
      current = step;
      since = performance.now();
    },
  });
  steps[current] = performance.now() - since;
  const files = manifest.files.filter((candidate) => candidate.kind === 'database');
  process.stdout.write(
    `${JSON.stringify({
      id,
      totalMs: performance.now() - started,
      steps,
      encryptedBytes: files.reduce((sum, file) => sum + file.size, 0),
      dumpBytes: files.reduce((sum, file) => sum + file.plainBytes, 0),
      perDatabase: Object.fromEntries(files.map((file) => [file.database, { encryptedBytes: file.size, dumpBytes: file.plainBytes }])),
      checksummedTables: databases.reduce((sum, database) => sum + manifest.tables[database]!.filter((table) => table.checksum !== null).length, 0),
      tables: databases.reduce((sum, database) => sum + manifest.tables[database]!.length, 0),
      auditChain: manifest.auditChain ?? null,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  rmSync(documents, { recursive: true, force: true });
}
