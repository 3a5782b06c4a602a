import { isKnownEventType, parseEventData } from '@ecar/contracts';
import type { Subscription } from '@ecar/runtime';
import { recordReplayedBatch, recordTimeEvent, recordWorkOrderState } from '../data/report-model.ts';

export const REPORTS_QUEUE = 'billing.reports';

/**
 * garage's work-order events → the reports' read model (docs/reports.md). The inbox handles each
 * event once; the writes are idempotent besides, and do not depend on the order of arrival.
 */
export function reportSubscriptions(): Subscription[] {
  return [
    {
      queue: REPORTS_QUEUE,
      bindings: ['garage.workorder.*'],
      async handle(envelope, db) {
        if (!isKnownEventType(envelope.type) || !envelope.type.startsWith('garage.workorder.')) return;
        if (envelope.type === 'garage.workorder.completed') {
          const data = parseEventData('garage.workorder.completed', envelope.data);
          await recordWorkOrderState(db, data.workOrderId, 'completed', envelope.occurredAt);
          return;
        }
        if (envelope.type === 'garage.workorder.replayed') {
          // garage's history, republished at billing's request (domain/report-replay.ts in garage).
          await recordReplayedBatch(db, parseEventData('garage.workorder.replayed', envelope.data));
          return;
        }
        // Every other work-order event carries the work order's status after it (workOrderRef).
        const data = parseEventData(envelope.type, envelope.data) as { workOrderId?: unknown; status?: unknown };
        if (typeof data.workOrderId !== 'string' || typeof data.status !== 'string') return;
        await recordWorkOrderState(db, data.workOrderId, data.status, envelope.occurredAt);
        if (envelope.type === 'garage.workorder.time_recorded') {
          const time = parseEventData('garage.workorder.time_recorded', envelope.data);
          await recordTimeEvent(db, { eventId: envelope.id, workOrderId: time.workOrderId, technicianId: time.technicianId, action: time.action, at: envelope.occurredAt, timeEntryId: time.timeEntryId });
        }
      },
    },
  ];
}
