import type { AuditChainHead, TableChecksum } from '../crypto/manifest.ts';

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

/** The restored audit chain must end exactly at the head the signed manifest records. */
export function compareChainEnd(head: AuditChainHead, end: { seq: string; hash: string } | undefined): string[] {
  if (!end) return [`${head.database}: the restored audit chain is empty, the manifest's head is seq ${head.seq}`];
  if (end.seq !== head.seq) return [`${head.database}: the restored audit chain ends at seq ${end.seq}, the manifest's head is seq ${head.seq}`];
  if (end.hash !== head.hash) return [`${head.database}: the restored audit entry at seq ${head.seq} carries another chain value than the manifest's head`];
  return [];
}
