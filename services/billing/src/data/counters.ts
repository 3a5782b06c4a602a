import { queryRows, type EntityManager } from '@ecar/db';

/**
 * The next number of a series and year, inside the caller's (issuing) transaction. The UPDATE
 * locks the counter row (like SELECT … FOR UPDATE) until that transaction ends, so concurrent
 * issues queue on it, and a rollback gives the number back: no gap, no duplicate. The first
 * document of a year creates the row; a concurrent creator waits on the unique key, finds the row
 * and advances it instead.
 */
export async function allocateSequence(db: EntityManager, series: 'FA' | 'AV', fiscalYear: number): Promise<number> {
  const advance = async () => {
    const rows = await queryRows<{ last: number }>(
      db,
      `UPDATE document_counters SET last_seq = last_seq + 1 WHERE series = $1 AND fiscal_year = $2 RETURNING last_seq AS last`,
      [series, fiscalYear],
    );
    return rows[0]?.last;
  };
  const advanced = await advance();
  if (advanced !== undefined) return advanced;
  const created: Array<{ last: number }> = await db.query(
    `INSERT INTO document_counters (series, fiscal_year, last_seq) VALUES ($1, $2, 1) ON CONFLICT DO NOTHING RETURNING last_seq AS last`,
    [series, fiscalYear],
  );
  if (created[0]) return created[0].last;
  const afterRace = await advance();
  if (afterRace === undefined) throw new Error(`document counter ${series}-${fiscalYear} vanished`);
  return afterRace;
}

export function documentNumber(series: 'FA' | 'AV', fiscalYear: number, seq: number): string {
  return `${series}-${fiscalYear}-${String(seq).padStart(6, '0')}`;
}
