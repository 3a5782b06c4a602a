import { randomUUID } from 'node:crypto';
import { newEvent, type Caller } from '@ecar/contracts';
import type { ReportReadModelResponse, ReportReplay } from '@ecar/contracts/responses/reports';
import type { EntityManager } from '@ecar/db';
import { localDateString } from '@ecar/primitives';
import { requireAdmin, type BillingContext } from './context.ts';

/** An unfinished replay with no batch for this long is taken as lost (garage was down or reset): a new one may be asked for. */
export const REPLAY_STALE_MINUTES = 15;

type ReplayRow = { id: string; requestedAt: Date; requestedBy: string | null; total: number | null; applied: number; finishedAt: Date | null; stale: boolean };

const LATEST_REPLAY = `SELECT id, requested_at AS "requestedAt", requested_by AS "requestedBy", total, applied, finished_at AS "finishedAt",
            updated_at < now() - interval '${REPLAY_STALE_MINUTES} minutes' AS stale
       FROM report_replays ORDER BY requested_at DESC, id LIMIT 1`;

async function latestReplay(db: EntityManager): Promise<ReplayRow | undefined> {
  const rows: ReplayRow[] = await db.query(LATEST_REPLAY);
  return rows[0];
}

const present = (row: ReplayRow): ReportReplay => ({
  id: row.id,
  requestedAt: row.requestedAt.toISOString(),
  requestedBy: row.requestedBy,
  total: row.total,
  applied: row.applied,
  finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
});

/**
 * What the read model holds, and the latest rebuild's progress, read in one statement (one
 * snapshot): a replay shown as finished never comes with counts from before its last batch.
 */
export async function readModelState(context: BillingContext, caller: Caller): Promise<ReportReadModelResponse> {
  requireAdmin(caller);
  const db = context.dataSource.manager;
  const [row] = (await db.query(
    `SELECT (SELECT count(*)::int FROM report_work_orders) AS "workOrders", (SELECT count(*)::int FROM report_time_entries) AS "timeEntries",
            (SELECT min(opened_at) FROM report_work_orders) AS since,
            replay.id, replay."requestedAt", replay."requestedBy", replay.total, replay.applied, replay."finishedAt", replay.stale
       FROM (SELECT 1) AS one LEFT JOIN (${LATEST_REPLAY}) AS replay ON true`,
  )) as Array<{ workOrders: number; timeEntries: number; since: Date | null } & (ReplayRow | { [key in keyof ReplayRow]: null })>;
  return {
    workOrders: row!.workOrders,
    timeEntries: row!.timeEntries,
    since: row!.since ? localDateString(row!.since, context.timeZone) : null,
    replay: row!.id === null ? null : present(row as ReplayRow),
  };
}

/**
 * Asks garage to republish its work-order history (`billing.reports.replay_requested`, audited as
 * every event). While a rebuild is under way, asking again starts none and answers with its
 * progress. Running it again, or while live events arrive, counts nothing twice
 * (data/report-model.ts).
 */
export async function requestReplay(context: BillingContext, caller: Caller): Promise<ReportReadModelResponse> {
  requireAdmin(caller);
  await context.unitOfWork.run(async (db) => {
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('report-replay', 0))`);
    const running = await latestReplay(db);
    if (running && running.finishedAt === null && !running.stale) return { result: running.id, events: [] };
    const replayId = randomUUID();
    await db.query(`INSERT INTO report_replays (id, requested_by) VALUES ($1, $2)`, [replayId, caller.userId]);
    return { result: replayId, events: [newEvent(caller, 'billing.reports.replay_requested', { type: 'report-replay', id: replayId }, { replayId })] };
  });
  return readModelState(context, caller);
}
