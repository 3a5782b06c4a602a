// bench/backup/scale.ts: the nightly backup of a whole seeded garage chain (issue 16) — the three
// ecar_scale_<name>_{garage,billing,audit} databases of scripts/seed in one backup set, as the
// backup service writes it (service defaults: pg_dump -Z1, checksums of tables ≤ 1,000,000 rows),
// its time, size and peak RSS (targets on `large`: ≤ 15 min, < 200 MB), then the restore drill of
// that set (restore into scratch databases, every table and the audit chain's end compared).
// A plain `pg_dump -Fc -Z1 > /dev/null` of each database in the same run gives the floor.
// Usage: node --import tsx bench/backup/scale.ts [name=large]   (seed it first: scripts/seed/run.ts)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PG_ADMIN_URL, adminQuery } from '@ecar/testkit';
import { seedDatabaseNames } from '../../scripts/seed/targets.ts';
import { timed } from '../lib/processes.ts';

const name = process.argv[2] ?? 'large';
const compression = process.env['BENCH_BACKUP_COMPRESSION'] ?? '1';
const maxRows = process.env['BENCH_BACKUP_CHECKSUM_MAX_ROWS'] ?? '1000000';
const MB = 1024 * 1024;
const databases = Object.values(seedDatabaseNames(name));
const withDatabase = (url: string, database: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};


const sizes: Record<string, number> = {};
for (const database of databases) {
  const { rows } = await adminQuery('SELECT pg_database_size($1)::bigint AS size', [database]);
  sizes[database] = Number((rows[0] as { size: string }).size);
}
const total = Object.values(sizes).reduce((sum, bytes) => sum + bytes, 0);
console.log(`databases: ${databases.map((database) => `${database} ${(sizes[database]! / MB).toFixed(0)} MB`).join(', ')}; ${(total / MB).toFixed(0)} MB in all`);

const plain: Record<string, number> = {};
for (const database of databases) plain[database] = (await timed('pg_dump', ['-Fc', `-Z${compression}`, `--dbname=${withDatabase(PG_ADMIN_URL, database)}`], 'devnull')).ms;
const plainMs = Object.values(plain).reduce((sum, ms) => sum + ms, 0);

const keep = mkdtempSync(join(tmpdir(), 'ecar-bench-backup-scale-'));
try {
  const once = fileURLToPath(new URL('./backup-once.ts', import.meta.url));
  const backup = JSON.parse(
    (await timed(process.execPath, ['--import', 'tsx', once, PG_ADMIN_URL, databases.join(','), compression, maxRows, keep], 'pipe')).stdout,
  ) as { id: string; totalMs: number; steps: Record<string, number>; encryptedBytes: number; dumpBytes: number; checksummedTables: number; tables: number; auditChain: { seq: string } | null; maxRssBytes: number; perDatabase: Record<string, { encryptedBytes: number }> };
  const drillOnce = fileURLToPath(new URL('./drill-once.ts', import.meta.url));
  const drill = JSON.parse((await timed(process.execPath, ['--import', 'tsx', drillOnce, keep, backup.id, PG_ADMIN_URL], 'pipe')).stdout) as {
    totalMs: number;
    databases: number;
    tables: number;
    mismatches: string[];
    maxRssBytes: number;
  };
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log('| step | time | notes |');
  console.log('|---|---:|---|');
  for (const database of databases) console.log(`| plain pg_dump -Fc -Z${compression} ${database} > /dev/null | ${s(plain[database]!)} | ${(sizes[database]! / MB).toFixed(0)} MB database |`);
  console.log(`| plain pg_dump, the three | ${s(plainMs)} | ${((total / MB) / (plainMs / 1000)).toFixed(1)} MB/s |`);
  for (const [step, ms] of Object.entries(backup.steps)) {
    const database = step.replace(/^dump /, '');
    const file = backup.perDatabase[database];
    console.log(`| backup: ${step} | ${s(ms)} | ${file ? `${(file.encryptedBytes / MB).toFixed(0)} MB encrypted` : ''} |`);
  }
  console.log(`| **nightly backup set, whole** (target ≤ 900 s) | **${s(backup.totalMs)}** | ${(backup.encryptedBytes / MB).toFixed(0)} MB encrypted (dump ${(backup.dumpBytes / MB).toFixed(0)} MB); ${backup.checksummedTables} of ${backup.tables} tables checksummed; audit head seq ${backup.auditChain?.seq ?? 'none'}; peak RSS **${(backup.maxRssBytes / MB).toFixed(0)} MB** (target < 200) |`);
  console.log(`| **restore drill** (decrypt, pg_restore ×${drill.databases}, compare ${drill.tables} tables and the chain end) | **${s(drill.totalMs)}** | ${drill.mismatches.length === 0 ? 'OK' : `MISMATCHES: ${drill.mismatches.join('; ')}`}; peak RSS ${(drill.maxRssBytes / MB).toFixed(0)} MB |`);
  if (drill.mismatches.length > 0) process.exitCode = 1;
} finally {
  rmSync(keep, { recursive: true, force: true });
}
