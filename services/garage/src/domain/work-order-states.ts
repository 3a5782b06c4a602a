import type { WorkOrderStatus } from '@ecar/contracts/requests/garage';

/** The work-order life cycle (DOMAIN.md step 3), as data: the only source of allowed transitions. */

const TRANSITIONS: Readonly<Record<WorkOrderStatus, readonly WorkOrderStatus[]>> = {
  open: ['estimate_sent', 'cancelled'],
  estimate_sent: ['approved', 'declined', 'open', 'cancelled'],
  approved: ['in_progress', 'cancelled'],
  declined: ['open', 'cancelled'],
  in_progress: ['completed', 'cancelled', 'waiting_for_parts', 'quality_check'],
  completed: ['delivered'],
  delivered: [],
  cancelled: [],
  // Issue 14: the job stops until its parts arrive, then resumes; a finished job is checked (or sent back) before completion.
  waiting_for_parts: ['in_progress', 'cancelled'],
  quality_check: ['in_progress', 'completed', 'cancelled'],
};

export function canTransition(from: WorkOrderStatus, to: WorkOrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function allowedTransitions(from: WorkOrderStatus): readonly WorkOrderStatus[] {
  return TRANSITIONS[from];
}

/** The job is under way: started and not completed (it may be waiting for its parts or in quality check). */
export function duringJob(status: WorkOrderStatus): boolean {
  return status === 'in_progress' || status === 'waiting_for_parts' || status === 'quality_check';
}

/** Lines are drafted while the estimate is open and added while the work runs (extra parts found). */
export function linesEditable(status: WorkOrderStatus): boolean {
  return status === 'open' || duringJob(status);
}

/** Work (and the time spent on it) happens only between approval and completion, not while the job waits for parts. */
export function timeRecordable(status: WorkOrderStatus): boolean {
  return status === 'in_progress' || status === 'quality_check';
}

/** Still "open" for the purpose of refusing a customer's anonymisation. */
export function isActive(status: WorkOrderStatus): boolean {
  return status !== 'delivered' && status !== 'cancelled' && status !== 'declined';
}
