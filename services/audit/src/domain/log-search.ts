import type { DataSource } from '@ecar/db';
import { queryAuditEvents, type AuditEventRow, type AuditQuery } from '../data/audit-events.ts';

export type { AuditEventRow } from '../data/audit-events.ts';

/** What an auditor filters the log by; pages and exports add the position. */
export type AuditFilters = Omit<AuditQuery, 'limit' | 'before'>;

/** One page of the log, newest first; `cursor` is the `seq` of the last row of the previous page. */
export async function searchEvents(
  dataSource: DataSource,
  filters: AuditFilters,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: AuditEventRow[]; nextCursor: string | null }> {
  const rows = await queryAuditEvents(dataSource.manager, { ...filters, ...(cursor ? { before: BigInt(cursor) } : {}), limit: limit + 1 });
  const items = rows.slice(0, limit);
  const next = rows.length > limit ? items[items.length - 1]?.seq : undefined;
  return { items, nextCursor: next ?? null };
}

/** The matching rows, newest first, in batches of `batchSize`, at most `maxRows` in all (an export). */
export async function* exportEvents(dataSource: DataSource, filters: AuditFilters, maxRows: number, batchSize: number): AsyncGenerator<AuditEventRow[]> {
  let before: bigint | undefined;
  let read = 0;
  while (read < maxRows) {
    const rows = await queryAuditEvents(dataSource.manager, { ...filters, ...(before !== undefined ? { before } : {}), limit: batchSize });
    if (rows.length > 0) yield rows;
    read += rows.length;
    const last = rows[rows.length - 1];
    if (rows.length < batchSize || !last) return;
    before = BigInt(last.seq);
  }
}
