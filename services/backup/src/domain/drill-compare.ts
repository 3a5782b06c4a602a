import type { TableChecksum } from '../crypto/manifest.ts';

/**
 * What differs between the tables recorded at backup time and the tables of a restored database:
 * a missing or extra table, a different row count, a different content checksum (compared only
 * where the backup recorded one).
 */
export function compareTables(database: string, expected: readonly TableChecksum[], actual: readonly TableChecksum[]): string[] {
  const mismatches: string[] = [];
  const restored = new Map(actual.map((table) => [table.table, table]));
  for (const table of expected) {
    const found = restored.get(table.table);
    restored.delete(table.table);
    if (!found) {
      mismatches.push(`${database}: table ${table.table} is missing after restore`);
      continue;
    }
    if (found.rows !== table.rows) mismatches.push(`${database}: ${table.table} has ${found.rows} rows, the backup recorded ${table.rows}`);
    else if (table.checksum !== null && found.checksum !== table.checksum) mismatches.push(`${database}: ${table.table} content checksum differs`);
  }
  for (const extra of restored.keys()) mismatches.push(`${database}: unexpected table ${extra} after restore`);
  return mismatches;
}
