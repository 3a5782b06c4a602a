import type { DataSource } from '@ecar/db';
import { pageOf, rowsForPage, type Page } from '@ecar/primitives';
import { queryAuditEvents, type AuditEventRow, type AuditQuery } from '../data/audit-events.ts';
import type { ChainHasher } from './chain.ts';
import { verifyChain, type VerificationMode, type VerificationResult } from './verify.ts';

export type { AuditEventRow } from '../data/audit-events.ts';

/** What an auditor filters the log by; pages and exports add the position. */
export type AuditFilters = Omit<AuditQuery, 'limit' | 'before'>;

/** The audit log as auditors read it: filtered pages, exports, and the chain check on demand. */
export class AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hash: ChainHasher,
  ) {}

  /** One page, newest first; `cursor` is the `seq` of the last row of the previous page. */
  async search(filters: AuditFilters, cursor: string | undefined, limit: number): Promise<Page<AuditEventRow>> {
    const rows = await queryAuditEvents(this.dataSource.manager, { ...filters, ...(cursor ? { before: BigInt(cursor) } : {}), limit: rowsForPage(limit) });
    return pageOf(rows, limit, (row) => row, (row) => row.seq);
  }

  /** The matching rows, newest first, in batches of `batchSize`, at most `maxRows` in all. */
  async *export(filters: AuditFilters, maxRows: number, batchSize: number): AsyncGenerator<AuditEventRow[]> {
    let before: bigint | undefined;
    let read = 0;
    while (read < maxRows) {
      const rows = await queryAuditEvents(this.dataSource.manager, { ...filters, ...(before !== undefined ? { before } : {}), limit: batchSize });
      if (rows.length > 0) yield rows;
      read += rows.length;
      const last = rows[rows.length - 1];
      if (rows.length < batchSize || !last) return;
      before = BigInt(last.seq);
    }
  }

  /** `full` walks the whole chain; `incremental` what came after the last checkpoint. */
  verify(mode: VerificationMode = 'full'): Promise<VerificationResult> {
    return verifyChain(this.dataSource.manager, this.hash, { mode });
  }
}
