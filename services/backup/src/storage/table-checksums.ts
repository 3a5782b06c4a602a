import pg from 'pg';
import type { TableChecksum } from '../crypto/manifest.ts';

/**
 * Row count and content checksum of every table, read in one snapshot. The checksum is the sum
 * (numeric, no overflow) of a 64-bit hash of each row's text (`hashtextextended`, ~3× cheaper
 * than md5 here): order-independent, so PostgreSQL streams it without sorting or building one huge
 * string (an ORDER BY + string_agg checksum sorts the whole table and hits the 1 GB value limit).
 * It detects lost, added or changed rows, not an adversary (the files' SHA-256 and GCM tags do
 * that); hashtextextended may change across PostgreSQL major versions, so a drill compares
 * on the server version it backed up from. Tables estimated above
 * the policy's limit get a count only: the checksum is a second full read of the table.
 * Session settings fix the text form of dates, floats and bytea so a restore compares equal.
 */
const SESSION = `SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; SET bytea_output = 'hex'`;

export type ChecksumPolicy = (table: string, estimatedRows: number) => boolean;

export function checksumBelow(maxRows: number): ChecksumPolicy {
  return (_table, estimatedRows) => estimatedRows <= maxRows;
}

export async function tableChecksums(client: pg.Client, policy: ChecksumPolicy): Promise<TableChecksum[]> {
  await client.query(SESSION);
  const { rows: tables } = await client.query<{ name: string; estimate: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, greatest(c.reltuples, 0)::bigint::text AS estimate
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
      ORDER BY 1`,
  );
  const out: TableChecksum[] = [];
  for (const table of tables) {
    // `name` comes from format('%I.%I') over the catalogue: quoted identifiers, not user input.
    if (!policy(table.name, Number(table.estimate))) {
      const { rows } = await client.query<{ rows: string }>(`SELECT count(*)::text AS rows FROM ONLY ${table.name}`);
      out.push({ table: table.name, rows: rows[0]?.rows ?? '0', checksum: null });
      continue;
    }
    const { rows } = await client.query<{ rows: string; checksum: string }>(
      `SELECT count(*)::text AS rows, coalesce(sum(hashtextextended(t::text, 0)), 0)::text AS checksum FROM ONLY ${table.name} t`,
    );
    out.push({ table: table.name, rows: rows[0]?.rows ?? '0', checksum: rows[0]?.checksum ?? '0' });
  }
  return out;
}

/**
 * A read-only REPEATABLE READ transaction whose snapshot pg_dump shares (`--snapshot`), so the
 * checksums describe exactly the dumped data.
 */
export async function openSnapshot(url: string): Promise<{ client: pg.Client; snapshot: string; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url, application_name: 'ecar-backup-snapshot' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
    return {
      client,
      snapshot: rows[0]!.snapshot,
      async close() {
        await client.query('COMMIT').catch(() => undefined);
        await client.end();
      },
    };
  } catch (error) {
    await client.end();
    throw error;
  }
}

export async function checksumsOf(url: string, policy: ChecksumPolicy): Promise<TableChecksum[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'ecar-backup-checksum' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await tableChecksums(client, policy);
  } finally {
    await client.end();
  }
}
