import type { EntityManager } from '@ecar/db';

/** The tables whose rows the database numbers per year (migration GarageWorkshop1797200000000). */
export type NumberedTable = 'work_orders' | 'appointments' | 'purchase_orders' | 'estimate_versions';

/** `OR-2026-000123`: prefix, year, six digits (DV for an estimate sent, RDV an appointment, BC a purchase order). */
export const REFERENCE_PATTERN = /^(OR|DV|RDV|BC)-\d{4}-\d{6}$/;

/**
 * The number the INSERT trigger gave a row (read in the inserting transaction, so it is the one
 * this transaction took; another transaction's insert waits on the counter row until this commits).
 */
export async function assignedNumber(db: EntityManager, table: NumberedTable, id: string): Promise<string> {
  const rows: Array<{ number: string }> = await db.query(`SELECT number FROM ${table} WHERE id = $1`, [id]);
  const number = rows[0]?.number;
  if (!number) throw new Error(`${table} ${id} has no number (migration GarageWorkshop1797200000000 not run?)`);
  return number;
}
