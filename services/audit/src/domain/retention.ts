import { newEvent } from '@ecar/contracts';
import type { UnitOfWork } from '@ecar/runtime';
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
export async function purgeExpired(unitOfWork: UnitOfWork, retentionDays: number, now: Date = new Date()): Promise<PurgeResult> {
  if (retentionDays < MIN_RETENTION_DAYS) throw new RangeError(`retention of ${retentionDays} days is below the ${MIN_RETENTION_DAYS} days required`);
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  return unitOfWork.run(async (db) => {
    const result: PurgeResult = { ...(await purgeChainBefore(db, cutoff)), cutoff: cutoff.toISOString() };
    if (result.purgedRows === 0) return { result, events: [] };
    const by = { system: 'audit-retention', correlationId: `retention-${result.cutoff}` };
    const data = {
      purgedRows: result.purgedRows,
      ...(result.throughSeq ? { throughSeq: result.throughSeq } : {}),
      ...(result.anchorHash ? { anchorHash: result.anchorHash } : {}),
      cutoff: result.cutoff,
      retentionDays,
    };
    return { result, events: [newEvent(by, 'audit.retention.purged', { type: 'audit-log', id: 'chain' }, data)] };
  });
}
