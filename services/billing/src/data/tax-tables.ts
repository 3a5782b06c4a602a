import type { EntityManager } from '@ecar/db';

/** The fiscal stamp in force on `date` (YYYY-MM-DD), from the dated table. */
export async function stampInForce(db: EntityManager, date: string): Promise<number | undefined> {
  const rows: Array<{ amount: number }> = await db.query(
    `SELECT amount_millimes AS amount FROM fiscal_stamp_rates WHERE valid_from <= $1::date ORDER BY valid_from DESC LIMIT 1`,
    [date],
  );
  return rows[0]?.amount;
}

/** The VAT rates (basis points) in force on `date`. */
export async function vatRatesInForce(db: EntityManager, date: string): Promise<number[]> {
  const rows: Array<{ rate: number }> = await db.query(
    `SELECT rate_bp AS rate FROM vat_rates WHERE valid_from <= $1::date AND (valid_until IS NULL OR valid_until > $1::date) ORDER BY rate_bp DESC`,
    [date],
  );
  return rows.map((row) => row.rate);
}
