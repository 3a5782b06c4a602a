import type { EntityManager } from '@ecar/db';

/**
 * Writes of the reports' read model, each idempotent and independent of arrival order: a work
 * order keeps the status of its latest event (by `occurredAt`) and the earliest instant seen as its
 * opening; a clock event is a row keyed by the event's id (a redelivery inserts nothing).
 */
export async function recordWorkOrderState(db: EntityManager, workOrderId: string, status: string, at: string): Promise<void> {
  await db.query(
    `INSERT INTO report_work_orders (work_order_id, status, status_at, opened_at) VALUES ($1, $2, $3, $3)
     ON CONFLICT (work_order_id) DO UPDATE SET
       status = CASE WHEN EXCLUDED.status_at >= report_work_orders.status_at THEN EXCLUDED.status ELSE report_work_orders.status END,
       status_at = GREATEST(report_work_orders.status_at, EXCLUDED.status_at),
       opened_at = LEAST(report_work_orders.opened_at, EXCLUDED.opened_at),
       updated_at = now()`,
    [workOrderId, status, at],
  );
}

/**
 * Records a clock event, then rebuilds the time entries of that technician on that work order
 * from all of its events (a handful): a clock-in followed by a clock-out is an entry, a clock-in
 * with nothing after it is running, a clock-in followed by another clock-in (a lost clock-out) is
 * dropped. Rebuilding makes the result independent of the order events arrive in; the advisory
 * lock serialises two replicas rebuilding the same pair.
 */
export async function recordTimeEvent(db: EntityManager, event: { eventId: string; workOrderId: string; technicianId: string; action: 'clock_in' | 'clock_out'; at: string }): Promise<void> {
  const inserted: unknown[] = await db.query(
    `INSERT INTO report_time_events (event_id, work_order_id, technician_id, action, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
    [event.eventId, event.workOrderId, event.technicianId, event.action, event.at],
  );
  if (inserted.length === 0) return;
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`report-time:${event.workOrderId}:${event.technicianId}`]);
  await db.query(`DELETE FROM report_time_entries WHERE work_order_id = $1 AND technician_id = $2`, [event.workOrderId, event.technicianId]);
  await db.query(
    `INSERT INTO report_time_entries (work_order_id, technician_id, started_at, ended_at, seconds)
     SELECT work_order_id, technician_id, at, CASE WHEN next_action = 'clock_out' THEN next_at END,
            CASE WHEN next_action = 'clock_out' THEN extract(epoch FROM next_at - at) END
       FROM (SELECT work_order_id, technician_id, action, at, lead(action) OVER w AS next_action, lead(at) OVER w AS next_at
               FROM report_time_events WHERE work_order_id = $1 AND technician_id = $2
             WINDOW w AS (ORDER BY at, action)) ordered
      WHERE action = 'clock_in' AND (next_action IS NULL OR next_action = 'clock_out')
     ON CONFLICT DO NOTHING`,
    [event.workOrderId, event.technicianId],
  );
}
