// Child process of bench/backup/run.ts: writes one backup set of the bench database exactly as
// the service does (writeBackupSet: snapshot + checksums, pg_dump → encrypt → file, verify) and
// prints its timings and this process's peak RSS as JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBackupKeyPair, generateManifestSigningKey } from '../../services/backup/src/crypto/keygen.ts';
import { loadBackupPublicKey } from '../../services/backup/src/crypto/key-wrap.ts';
import { loadManifestSigner } from '../../services/backup/src/crypto/manifest.ts';
import { writeBackupSet } from '../../services/backup/src/storage/backup-writer.ts';
import { checksumBelow } from '../../services/backup/src/storage/table-checksums.ts';

const [dumpUrl, database, compression, maxRows] = process.argv.slice(2) as [string, string, string, string];
const work = mkdtempSync(join(tmpdir(), 'ecar-bench-backup-'));
const documents = mkdtempSync(join(tmpdir(), 'ecar-bench-docs-'));
try {
  const keys = await generateBackupKeyPair();
  const steps: Record<string, number> = {};
  let current = '';
  let since = performance.now();
  const started = performance.now();
  const manifest = await writeBackupSet({
    id: '20260101T000000Z-bbbbbb',
    backupDir: work,
    documentsDir: documents,
    dumpUrl,
    databases: [database],
    publicKey: loadBackupPublicKey(keys.publicPem),
    signer: loadManifestSigner(generateManifestSigningKey().privatePem),
    compression: Number(compression),
    checksums: checksumBelow(Number(maxRows)),
    onStep(step) {
      if (current) steps[current] = performance.now() - since;
      current = step;
      since = performance.now();
    },
  });
  steps[current] = performance.now() - since;
  const file = manifest.files.find((candidate) => candidate.kind === 'database')!;
  process.stdout.write(
    `${JSON.stringify({
      totalMs: performance.now() - started,
      steps,
      encryptedBytes: file.size,
      dumpBytes: file.plainBytes,
      checksummedTables: manifest.tables[database]!.filter((table) => table.checksum !== null).length,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(documents, { recursive: true, force: true });
}
