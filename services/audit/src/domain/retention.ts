import { enqueueEvent } from '@ecar/bus';
import { buildEvent } from '@ecar/contracts';
import type { DataSource } from '@ecar/db';
import { MIN_RETENTION_DAYS } from '../config.ts';
import { purgeChainBefore } from '../data/retention.ts';

export interface PurgeResult {
  purgedRows: number;
  throughSeq: string | null;
  anchorHash: string | null;
  cutoff: string;
}

const DAY_MS = 86_400_000;

/**
 * AUD-2: removes the rows older than the retention period (the oldest prefix of the chain) and
 * logs the purge as an audit event.
 */
export async function purgeExpired(dataSource: DataSource, retentionDays: number, now: Date = new Date()): Promise<PurgeResult> {
  if (retentionDays < MIN_RETENTION_DAYS) throw new RangeError(`retention of ${retentionDays} days is below the ${MIN_RETENTION_DAYS} days required`);
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  return dataSource.transaction(async (db) => {
    const result: PurgeResult = { ...(await purgeChainBefore(db, cutoff)), cutoff: cutoff.toISOString() };
    if (result.purgedRows > 0) {
      await enqueueEvent(
        db,
        buildEvent({
          type: 'audit.retention.purged',
          producer: 'audit',
          correlationId: `retention-${cutoff.toISOString()}`,
          actor: { system: 'audit-retention' },
          subject: { type: 'audit-log', id: 'chain' },
          data: {
            purgedRows: result.purgedRows,
            ...(result.throughSeq ? { throughSeq: result.throughSeq } : {}),
            ...(result.anchorHash ? { anchorHash: result.anchorHash } : {}),
            cutoff: result.cutoff,
            retentionDays,
          },
        }),
      );
    }
    return result;
  });
}
