import { randomUUID } from 'node:crypto';
import type { EventData } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';

/**
 * Writes of the reports' read model, each idempotent and independent of arrival order: a work
 * order keeps the status of its latest event (by `occurredAt`) and the earliest instant seen as its
 * opening; a clock event is a row keyed by the event's id (a redelivery inserts nothing) and by
 * garage's time entry and action (the same clock-in, live and replayed, is one row).
 */
export async function recordWorkOrderState(db: EntityManager, workOrderId: string, status: string, at: string, openedAt: string = at): Promise<void> {
  await db.query(
    `INSERT INTO report_work_orders (work_order_id, status, status_at, opened_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (work_order_id) DO UPDATE SET
       status = CASE WHEN EXCLUDED.status_at >= report_work_orders.status_at THEN EXCLUDED.status ELSE report_work_orders.status END,
       status_at = GREATEST(report_work_orders.status_at, EXCLUDED.status_at),
       opened_at = LEAST(report_work_orders.opened_at, EXCLUDED.opened_at),
       updated_at = now()`,
    [workOrderId, status, at, openedAt],
  );
}

/**
 * A live clock event without garage's time entry id (published before events carried it) and the
 * replayed clock-in or clock-out of that entry are the same fact: the event's instant is stamped in
 * the transaction that opens or closes the entry, milliseconds after it. Within this window, same
 * technician, work order and action, they are matched.
 */
const SAME_CLOCK_SECONDS = 5;

type TimePair = { workOrderId: string; technicianId: string };
type ClockEvent = TimePair & { eventId: string; action: 'clock_in' | 'clock_out'; at: string; timeEntryId?: string | undefined };

/** Serialises the writers of one technician's events on one work order (live, replayed, two replicas). */
async function lockPair(db: EntityManager, pair: TimePair): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`report-time:${pair.workOrderId}:${pair.technicianId}`]);
}

/**
 * Records a live clock event, then rebuilds the time entries of that technician on that work order.
 * An event without a time entry id that a replay already brought in (same action within
 * `SAME_CLOCK_SECONDS`) is not counted again.
 */
export async function recordTimeEvent(db: EntityManager, event: ClockEvent): Promise<void> {
  await lockPair(db, event);
  if (event.timeEntryId === undefined) {
    const replayed: unknown[] = await db.query(
      `SELECT 1 FROM report_time_events WHERE work_order_id = $1 AND technician_id = $2 AND action = $3 AND time_entry_id IS NOT NULL
          AND abs(extract(epoch FROM at - $4::timestamptz)) < ${SAME_CLOCK_SECONDS} LIMIT 1`,
      [event.workOrderId, event.technicianId, event.action, event.at],
    );
    if (replayed.length > 0) return;
  }
  const inserted: unknown[] = await db.query(
    `INSERT INTO report_time_events (event_id, work_order_id, technician_id, action, at, time_entry_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING event_id`,
    [event.eventId, event.workOrderId, event.technicianId, event.action, event.at, event.timeEntryId ?? null],
  );
  if (inserted.length > 0) await rebuildTimeEntries(db, event);
}

/**
 * Rebuilds the time entries of one technician on one work order from all of its events (a
 * handful): a clock-in followed by a clock-out is an entry, a clock-in with nothing after it is
 * running, a clock-in followed by another clock-in (a lost clock-out) is dropped. Rebuilding makes
 * the result independent of the order events arrive in. The caller holds the pair's lock.
 */
async function rebuildTimeEntries(db: EntityManager, pair: TimePair): Promise<void> {
  await db.query(`DELETE FROM report_time_entries WHERE work_order_id = $1 AND technician_id = $2`, [pair.workOrderId, pair.technicianId]);
  await db.query(
    `INSERT INTO report_time_entries (work_order_id, technician_id, started_at, ended_at, seconds)
     SELECT work_order_id, technician_id, at, CASE WHEN next_action = 'clock_out' THEN next_at END,
            CASE WHEN next_action = 'clock_out' THEN extract(epoch FROM next_at - at) END
       FROM (SELECT work_order_id, technician_id, action, at, lead(action) OVER w AS next_action, lead(at) OVER w AS next_at
               FROM report_time_events WHERE work_order_id = $1 AND technician_id = $2
             WINDOW w AS (ORDER BY at, action)) ordered
      WHERE action = 'clock_in' AND (next_action IS NULL OR next_action = 'clock_out')
     ON CONFLICT DO NOTHING`,
    [pair.workOrderId, pair.technicianId],
  );
}

/**
 * A replayed clock-in or clock-out of garage's time entry: nothing when that entry's action is
 * already here (live with its id, or an earlier replay); the id given to a live event that lacked
 * it (the nearest within `SAME_CLOCK_SECONDS`); otherwise a new row. Returns whether a row was added.
 */
async function recordReplayedClock(db: EntityManager, pair: TimePair, timeEntryId: string, action: 'clock_in' | 'clock_out', at: string): Promise<boolean> {
  const known: unknown[] = await db.query(`SELECT 1 FROM report_time_events WHERE time_entry_id = $1 AND action = $2`, [timeEntryId, action]);
  if (known.length > 0) return false;
  // A SELECT over the UPDATE: TypeORM returns [rows, count] for an UPDATE … RETURNING, rows for a SELECT.
  const matched: unknown[] = await db.query(
    `WITH matched AS (
       UPDATE report_time_events SET time_entry_id = $5
        WHERE event_id = (SELECT event_id FROM report_time_events
                           WHERE work_order_id = $1 AND technician_id = $2 AND action = $3 AND time_entry_id IS NULL
                             AND abs(extract(epoch FROM at - $4::timestamptz)) < ${SAME_CLOCK_SECONDS}
                           ORDER BY abs(extract(epoch FROM at - $4::timestamptz)) LIMIT 1)
        RETURNING event_id)
     SELECT event_id FROM matched`,
    [pair.workOrderId, pair.technicianId, action, at, timeEntryId],
  );
  if (matched.length > 0) return false;
  await db.query(`INSERT INTO report_time_events (event_id, work_order_id, technician_id, action, at, time_entry_id) VALUES ($1, $2, $3, $4, $5, $6)`, [
    randomUUID(),
    pair.workOrderId,
    pair.technicianId,
    action,
    at,
    timeEntryId,
  ]);
  return true;
}

/**
 * One batch of garage's replayed history (`garage.workorder.replayed`, once by the inbox): each
 * work order's state as any other event's, each time entry's clock-in and clock-out once, and the
 * replay's progress.
 */
export async function recordReplayedBatch(db: EntityManager, data: EventData<'garage.workorder.replayed'>): Promise<void> {
  for (const order of data.workOrders) {
    await recordWorkOrderState(db, order.workOrderId, order.status, order.statusAt, order.openedAt);
    const technicians = [...new Set(order.timeEntries.map((entry) => entry.technicianId))];
    for (const technicianId of technicians) {
      const entries = order.timeEntries.filter((entry) => entry.technicianId === technicianId);
      const pair = { workOrderId: order.workOrderId, technicianId };
      await lockPair(db, pair);
      let added = false;
      for (const entry of entries) {
        if (await recordReplayedClock(db, pair, entry.id, 'clock_in', entry.startedAt)) added = true;
        if (entry.endedAt !== null && (await recordReplayedClock(db, pair, entry.id, 'clock_out', entry.endedAt))) added = true;
      }
      if (added) await rebuildTimeEntries(db, pair);
    }
  }
  await db.query(
    `INSERT INTO report_replays (id, total, applied, expected) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total, applied = report_replays.applied + EXCLUDED.applied,
       expected = COALESCE(EXCLUDED.expected, report_replays.expected), updated_at = now()`,
    [data.replayId, data.total, data.workOrders.length, data.last ? data.sent : null],
  );
  await db.query(`UPDATE report_replays SET finished_at = now() WHERE id = $1 AND finished_at IS NULL AND expected IS NOT NULL AND applied >= expected`, [data.replayId]);
}
