import type { WorkOrderStatus } from '@ecar/contracts/requests/garage';

/** The work-order life cycle (DOMAIN.md step 3), as data: the only source of allowed transitions. */

const TRANSITIONS: Readonly<Record<WorkOrderStatus, readonly WorkOrderStatus[]>> = {
  open: ['estimate_sent', 'cancelled'],
  estimate_sent: ['approved', 'declined', 'open', 'cancelled'],
  approved: ['in_progress', 'cancelled'],
  declined: ['open', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: ['delivered'],
  delivered: [],
  cancelled: [],
};

export function canTransition(from: WorkOrderStatus, to: WorkOrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function allowedTransitions(from: WorkOrderStatus): readonly WorkOrderStatus[] {
  return TRANSITIONS[from];
}

/** Lines are drafted while the estimate is open and added while the work runs (extra parts found). */
export function linesEditable(status: WorkOrderStatus): boolean {
  return status === 'open' || status === 'in_progress';
}

/** Work (and the time spent on it) happens only between approval and completion. */
export function timeRecordable(status: WorkOrderStatus): boolean {
  return status === 'in_progress';
}

/** Still "open" for the purpose of refusing a customer's anonymisation. */
export function isActive(status: WorkOrderStatus): boolean {
  return status !== 'delivered' && status !== 'cancelled' && status !== 'declined';
}
