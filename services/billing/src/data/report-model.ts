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

export async function recordTimeEvent(db: EntityManager, event: { eventId: string; workOrderId: string; technicianId: string; action: 'clock_in' | 'clock_out'; at: string }): Promise<void> {
  await db.query(`INSERT INTO report_time_events (event_id, work_order_id, technician_id, action, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`, [
    event.eventId,
    event.workOrderId,
    event.technicianId,
    event.action,
    event.at,
  ]);
}
