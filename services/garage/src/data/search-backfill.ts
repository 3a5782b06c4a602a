import type { DataSource, EntityManager } from '@ecar/db';
import { CUSTOMER_SEALED_FIELDS } from '../domain/customer.ts';
import { CustomerStore } from './customers.ts';
import type { FieldCipher } from './field-cipher.ts';
import { VehicleStore } from './vehicles.ts';

/** Rows whose search terms are missing, computed under another key, or whose name is still plaintext. */
export async function countUnindexedRows(dataSource: DataSource, keyId: string): Promise<number> {
  const rows: Array<{ count: string }> = await dataSource.query(
    `SELECT (SELECT count(*) FROM customers WHERE search_key_id IS DISTINCT FROM $1 OR name IS NOT NULL)
          + (SELECT count(*) FROM vehicles WHERE search_key_id IS DISTINCT FROM $1) AS count`,
    [keyId],
  );
  return Number(rows[0]?.count ?? 0);
}

/**
 * Seals the names still in plaintext and (re)computes the search terms of every row not indexed
 * under the current key: the backfill after the upgrade and the second half of a key rotation.
 * One batch per transaction, resumable (only stale rows are selected).
 */
export async function reindexSearch(
  dataSource: DataSource,
  cipher: FieldCipher,
  options: { batchSize?: number; onProgress?: (rows: number) => void; signal?: AbortSignal } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 200;
  const current = cipher.keyring.currentKeyId;
  const customers = new CustomerStore(cipher);
  const vehicles = new VehicleStore(cipher);
  let done = 0;
  const passes: Array<{ select: string; rewrite: (db: EntityManager, id: string) => Promise<void> }> = [
    {
      select: `SELECT id FROM customers WHERE search_key_id IS DISTINCT FROM $1 OR name IS NOT NULL ORDER BY id LIMIT $2 FOR UPDATE`,
      rewrite: async (db, id) => {
        const customer = await customers.findById(db, id, CUSTOMER_SEALED_FIELDS);
        if (customer) await customers.update(db, customer);
      },
    },
    {
      select: `SELECT id FROM vehicles WHERE search_key_id IS DISTINCT FROM $1 ORDER BY id LIMIT $2 FOR UPDATE`,
      rewrite: async (db, id) => {
        const vehicle = await vehicles.findById(db, id);
        if (vehicle) await vehicles.save(db, vehicle, false);
      },
    },
  ];
  for (const pass of passes) {
    for (;;) {
      if (options.signal?.aborted) return done;
      const count = await dataSource.transaction(async (db) => {
        const rows: Array<{ id: string }> = await db.query(pass.select, [current, batchSize]);
        for (const row of rows) await pass.rewrite(db, row.id);
        return rows.length;
      });
      done += count;
      if (count > 0) options.onProgress?.(count);
      if (count < batchSize) break;
    }
  }
  return done;
}
