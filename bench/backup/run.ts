// bench/backup: throughput of the backup path (pg_dump -Fc → AES-256-GCM records → file, plus the
// snapshot checksums and the verify pass) against plain `pg_dump -Fc > /dev/null` of the same
// database in the same run, and the peak RSS of the process doing the backup.
// Generates a bench database of BENCH_BACKUP_MB (default 1024) MB with generate_series, drops it after.
// Usage: node --import tsx bench/backup/run.ts
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { adminQuery, createTestDatabase } from '@ecar/testkit';
import { timed } from '../lib/processes.ts';

const targetMb = Number(process.env['BENCH_BACKUP_MB'] ?? 1024);
const compression = process.env['BENCH_BACKUP_COMPRESSION'] ?? '1';
/** The service's default (BACKUP_CHECKSUM_MAX_ROWS), and "checksum every table" for comparison. */
const maxRowsDefault = process.env['BENCH_BACKUP_CHECKSUM_MAX_ROWS'] ?? '1000000';
const maxRowsAll = '1000000000000';
const MB = 1024 * 1024;

async function sizeOf(name: string): Promise<number> {
  const { rows } = await adminQuery('SELECT pg_database_size($1)::bigint AS size', [name]);
  return Number((rows[0] as { size: string }).size);
}

async function generate(url: string, name: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE work_orders (id bigint PRIMARY KEY, customer text, plate text, notes text, opened_at timestamptz, total numeric(12,3))`);
    await client.query(`CREATE TABLE invoice_lines (id bigserial PRIMARY KEY, work_order_id bigint, description text, quantity int, price numeric(12,3))`);
    let next = 1;
    const batch = 500_000;
    while ((await sizeOf(name)) < targetMb * MB) {
      await client.query(
        `INSERT INTO work_orders
         SELECT g, 'Client ' || (g % 50000), (g % 9999) || ' TU ' || (g % 250), md5(g::text) || ' ' || md5((g * 31)::text) || ' vidange, filtres, plaquettes',
                timestamptz '2020-01-01' + g * interval '37 seconds', (g % 100000) / 7.0
           FROM generate_series($1::bigint, $2::bigint) g`,
        [next, next + batch - 1],
      );
      await client.query(
        `INSERT INTO invoice_lines (work_order_id, description, quantity, price)
         SELECT g, 'Pièce ' || md5((g * 7)::text), (g % 5) + 1, (g % 2000) / 3.0 FROM generate_series($1::bigint, $2::bigint) g`,
        [next, next + batch - 1],
      );
      next += batch;
      process.stdout.write(`  generated ${(next - 1).toLocaleString('en')} work orders, ${((await sizeOf(name)) / MB).toFixed(0)} MB\n`);
    }
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
  return sizeOf(name);
}

interface BackupFigures {
  totalMs: number;
  steps: Record<string, number>;
  encryptedBytes: number;
  dumpBytes: number;
  checksummedTables: number;
  maxRssBytes: number;
}


const db = await createTestDatabase('bench_backup');
try {
  console.log(`generating a ~${targetMb} MB database ${db.name} …`);
  const genStarted = performance.now();
  const bytes = await generate(db.url, db.name);
  console.log(`generated ${(bytes / MB).toFixed(0)} MB in ${((performance.now() - genStarted) / 1000).toFixed(0)} s`);

  const plainArgs = ['-Fc', `-Z${compression}`, `--dbname=${db.url}`];
  const once = fileURLToPath(new URL('./backup-once.ts', import.meta.url));
  const backup = async (maxRows: string) => JSON.parse((await timed(process.execPath, ['--import', 'tsx', once, db.url, db.name, compression, maxRows], 'pipe')).stdout) as BackupFigures;
  const plain1 = await timed('pg_dump', plainArgs, 'devnull');
  const withDefault = await backup(maxRowsDefault);
  const withAll = await backup(maxRowsAll);
  const plain2 = await timed('pg_dump', plainArgs, 'devnull');
  const plainMs = (plain1.ms + plain2.ms) / 2;
  const rate = (ms: number) => `${(bytes / MB / (ms / 1000)).toFixed(1)} MB/s`;
  const dumpMs = (result: BackupFigures) => result.steps[`dump ${db.name}`] ?? result.totalMs;
  console.log('| path | time | database MB/s | vs plain |');
  console.log('|---|---:|---:|---:|');
  const rows: Array<[string, number]> = [
    ['plain pg_dump -Fc > /dev/null (mean of 2)', plainMs],
    [`dump → encrypt → file, default checksums (≤ ${maxRowsDefault} rows; ${withDefault.checksummedTables} tables)`, dumpMs(withDefault)],
    ['whole backup set, default (+ verify pass, manifest)', withDefault.totalMs],
    [`dump → encrypt → file, checksum every table (${withAll.checksummedTables} tables)`, dumpMs(withAll)],
    ['whole backup set, checksum every table', withAll.totalMs],
  ];
  for (const [label, ms] of rows) console.log(`| ${label} | ${(ms / 1000).toFixed(1)} s | ${rate(ms)} | ${((plainMs / ms) * 100).toFixed(0)} % |`);
  console.log(`plain runs: ${(plain1.ms / 1000).toFixed(1)} s, ${(plain2.ms / 1000).toFixed(1)} s; pg_dump -Z${compression} output ${(withDefault.dumpBytes / MB).toFixed(0)} MB, encrypted ${(withDefault.encryptedBytes / MB).toFixed(0)} MB (+${(((withDefault.encryptedBytes - withDefault.dumpBytes) / withDefault.dumpBytes) * 100).toFixed(3)} %)`);
  for (const [label, result] of [['default', withDefault], ['checksum all', withAll]] as const) {
    console.log(`${label}: ${Object.entries(result.steps).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`).join(', ')}; peak RSS ${(result.maxRssBytes / MB).toFixed(0)} MB (target < 200 MB)`);
  }
} finally {
  await db.drop();
}
