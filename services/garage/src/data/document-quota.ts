import type { EntityManager } from '@ecar/db';

/** Measures what the customer stores; with `lock` (inside a transaction), first locks their quota until it ends. */
export async function measureCustomerDocuments(db: EntityManager, customerId: string, lock: boolean): Promise<{ count: number; bytes: number }> {
  if (lock) await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('garage.document-quota:' || $1::text, 0))`, [customerId]);
  const rows: Array<{ count: string; bytes: string }> = await db.query(
    `SELECT count(*) AS count, coalesce(sum(size_bytes), 0) AS bytes FROM documents WHERE customer_id = $1`,
    [customerId],
  );
  return { count: Number(rows[0]?.count ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
}
