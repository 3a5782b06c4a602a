import type { EntityManager } from '@ecar/db';

/** Serialises one customer's bookings (advisory lock for the transaction), then counts those still to come. */
export async function lockCustomerAndCountOpen(db: EntityManager, customerId: string): Promise<number> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('garage.appointment-customer:' || $1::text, 0))`, [customerId]);
  const rows: Array<{ count: string }> = await db.query(
    `SELECT count(*) FROM appointments WHERE customer_id = $1 AND status IN ('requested', 'confirmed') AND slot_start > now()`,
    [customerId],
  );
  return Number(rows[0]?.count ?? 0);
}
