import type { DataSource } from '@ecar/db';
import type { Keyring } from '@ecar/crypto';

/** Every sealed column of the service; the AAD of a value is `<table>.<column>.<id>`. */
export const SEALED_COLUMNS: ReadonlyArray<{ table: string; columns: readonly string[] }> = [
  { table: 'customers', columns: ['contact_sealed', 'identity_sealed', 'name_sealed'] },
  { table: 'vehicles', columns: ['plate_sealed', 'vin_sealed'] },
  { table: 'documents', columns: ['data_key_sealed'] },
  { table: 'estimate_decisions', columns: ['given_by_sealed', 'words_sealed'] },
];

/** Rows with at least one value sealed under a key other than `keyId` (the key id is the 2nd part of a sealed value). */
function staleCondition(columns: readonly string[]): string {
  return columns.map((column) => `(${column} IS NOT NULL AND split_part(${column}, '.', 2) <> $1)`).join(' OR ');
}

export async function countStaleRows(dataSource: DataSource, keyId: string): Promise<number> {
  let total = 0;
  for (const { table, columns } of SEALED_COLUMNS) {
    const rows: Array<{ count: string }> = await dataSource.query(`SELECT count(*) FROM ${table} WHERE ${staleCondition(columns)}`, [keyId]);
    total += Number(rows[0]?.count ?? 0);
  }
  return total;
}

/**
 * Re-seals every value not under the keyring's current key, one batch per transaction. Only
 * stale rows are selected, so an interrupted run resumes where it stopped when started again;
 * values under old keys keep opening (the keyring holds them) until the last batch commits.
 */
export async function rotateFieldKeys(
  dataSource: DataSource,
  keyring: Keyring,
  options: { batchSize?: number; onProgress?: (rows: number) => void; signal?: AbortSignal } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 200;
  const current = keyring.currentKeyId;
  let rotated = 0;
  for (const { table, columns } of SEALED_COLUMNS) {
    for (;;) {
      if (options.signal?.aborted) return rotated;
      const count = await dataSource.transaction(async (db) => {
        const rows: Array<Record<string, string | null>> = await db.query(
          `SELECT id, ${columns.join(', ')} FROM ${table} WHERE ${staleCondition(columns)} ORDER BY id LIMIT $2 FOR UPDATE`,
          [current, batchSize],
        );
        for (const row of rows) {
          const id = String(row['id']);
          const values = columns.map((column) => {
            const sealed = row[column] ?? null;
            if (sealed === null || keyring.keyIdOf(sealed) === current) return sealed;
            const aad = `${table}.${column}.${id}`;
            return keyring.seal(keyring.open(sealed, aad), aad);
          });
          await db.query(`UPDATE ${table} SET ${columns.map((column, index) => `${column} = $${index + 2}`).join(', ')} WHERE id = $1`, [id, ...values]);
        }
        return rows.length;
      });
      rotated += count;
      if (count > 0) options.onProgress?.(count);
      if (count < batchSize) break;
    }
  }
  return rotated;
}
