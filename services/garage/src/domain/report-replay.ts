import { newEvent, type NewEvent, type SystemCaller } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import type { GarageContext } from './garage.ts';

/** Work orders per `garage.workorder.replayed` event (each with all its time entries). */
const BATCH = 50;

interface ReplayRow {
  id: string;
  total: number;
  sent: number;
  cursor: string | null;
}

interface ReplayedWorkOrder {
  workOrderId: string;
  status: string;
  openedAt: string;
  statusAt: string;
  timeEntries: Array<{ id: string; technicianId: string; startedAt: string; endedAt: string | null }>;
}

/**
 * Replays garage's work-order history for the reports' read model that billing keeps
 * (docs/reports.md): billing asks with `billing.reports.replay_requested`, garage answers with
 * `garage.workorder.replayed` events through its own outbox — no service reads another's
 * database. A request is a row (its id is billing's replay id, so a redelivered request is one
 * replay); the job sends the work orders in id order, one batch per transaction with the cursor
 * moved in the same transaction as the batch's event, so a restart or a second replica resumes
 * where the last commit left it and sends no batch twice. Each batch reads its work orders
 * `FOR SHARE`: a clock-in or status change on one of them (which locks it `FOR UPDATE`) is either
 * in the batch or committed after it, and billing's read model counts it once either way.
 */
export class ReportReplayService {
  constructor(private readonly garage: GarageContext) {}

  /** Records a replay request once (the inbox delivers it once; the primary key makes a second copy a no-op). */
  async accept(db: EntityManager, replayId: string): Promise<void> {
    await db.query(
      `INSERT INTO report_replays (id, total) VALUES ($1, (SELECT count(*)::int FROM work_orders)) ON CONFLICT (id) DO NOTHING`,
      [replayId],
    );
  }

  /** Sends every pending replay to its end; returns the number of batches sent. */
  async runPending(): Promise<number> {
    let batches = 0;
    for (;;) {
      const sent = await this.garage.unitOfWork.run(async (db) => {
        const replays: ReplayRow[] = await db.query(
          `SELECT id, total, sent, "cursor" FROM report_replays WHERE finished_at IS NULL ORDER BY requested_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        const replay = replays[0];
        if (!replay) return { result: false, events: [] as NewEvent[] };
        const workOrders = await this.batchAfter(db, replay.cursor);
        const last = workOrders.length < BATCH;
        const sentSoFar = replay.sent + workOrders.length;
        await db.query(
          `UPDATE report_replays SET sent = $2, "cursor" = COALESCE($3::uuid, "cursor"), finished_at = CASE WHEN $4::boolean THEN now() END WHERE id = $1`,
          [replay.id, sentSoFar, workOrders.at(-1)?.workOrderId ?? null, last],
        );
        const author: SystemCaller = { system: 'garage.report-replay', correlationId: `report-replay-${replay.id}` };
        const event = newEvent(author, 'garage.workorder.replayed', { type: 'report-replay', id: replay.id }, { replayId: replay.id, total: replay.total, sent: sentSoFar, last, workOrders });
        return { result: true, events: [event] };
      });
      if (!sent) return batches;
      batches += 1;
    }
  }

  private async batchAfter(db: EntityManager, cursor: string | null): Promise<ReplayedWorkOrder[]> {
    const orders: Array<{ id: string; status: string; createdAt: Date; updatedAt: Date }> = await db.query(
      `SELECT id, status, created_at AS "createdAt", updated_at AS "updatedAt" FROM work_orders
        WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT ${BATCH} FOR SHARE`,
      [cursor],
    );
    if (orders.length === 0) return [];
    const entries: Array<{ id: string; workOrderId: string; technicianId: string; startedAt: Date; endedAt: Date | null }> = await db.query(
      `SELECT id, work_order_id AS "workOrderId", technician_id AS "technicianId", started_at AS "startedAt", ended_at AS "endedAt"
         FROM time_entries WHERE work_order_id = ANY($1::uuid[]) ORDER BY started_at`,
      [orders.map((order) => order.id)],
    );
    return orders.map((order) => ({
      workOrderId: order.id,
      status: order.status,
      openedAt: order.createdAt.toISOString(),
      statusAt: order.updatedAt.toISOString(),
      timeEntries: entries
        .filter((entry) => entry.workOrderId === order.id)
        .map((entry) => ({ id: entry.id, technicianId: entry.technicianId, startedAt: entry.startedAt.toISOString(), endedAt: entry.endedAt ? entry.endedAt.toISOString() : null })),
    }));
  }
}
