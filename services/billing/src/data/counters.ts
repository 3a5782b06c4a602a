import type { EntityManager } from '@ecar/db';

/**
 * The next number of a series and year, inside the caller's (issuing) transaction: the counter
 * row is locked FOR UPDATE until that transaction ends, so concurrent issues queue up, and a
 * rollback gives the number back — no gap, no duplicate. The first document of a year creates
 * the row (a concurrent creator waits on the unique key, then takes the locking path).
 */
export async function allocateSequence(db: EntityManager, series: 'FA' | 'AV', fiscalYear: number): Promise<number> {
  const created: Array<{ last: number }> = await db.query(
    `INSERT INTO document_counters (series, fiscal_year, last_seq) VALUES ($1, $2, 1) ON CONFLICT DO NOTHING RETURNING last_seq AS last`,
    [series, fiscalYear],
  );
  if (created[0]) return created[0].last;
  await db.query(`SELECT last_seq FROM document_counters WHERE series = $1 AND fiscal_year = $2 FOR UPDATE`, [series, fiscalYear]);
  const advanced: [Array<{ last: number }>, number] = await db.query(
    `UPDATE document_counters SET last_seq = last_seq + 1 WHERE series = $1 AND fiscal_year = $2 RETURNING last_seq AS last`,
    [series, fiscalYear],
  );
  return advanced[0][0]!.last;
}

export function documentNumber(series: 'FA' | 'AV', fiscalYear: number, seq: number): string {
  return `${series}-${fiscalYear}-${String(seq).padStart(6, '0')}`;
}
