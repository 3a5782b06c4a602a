import type { WorkOrderStatus } from './types.ts';
import { duringJob } from '../../workshop/workOrder.ts';

/** Badge colours of the work-order states (the words come from the translations). */
export const WORK_ORDER_COLOR: Record<WorkOrderStatus, string> = {
  open: 'blue',
  estimate_sent: 'violet',
  approved: 'teal',
  declined: 'red',
  in_progress: 'orange',
  completed: 'green',
  delivered: 'gray',
  cancelled: 'dark',
  waiting_for_parts: 'yellow',
  quality_check: 'indigo',
};

/**
 * The moves a super-admin may make from each state (garage's life cycle, docs/garage.md). The
 * estimate decision (approved/declined) goes through its own endpoints. The service decides.
 */
export const ADMIN_MOVES: Record<WorkOrderStatus, readonly WorkOrderStatus[]> = {
  open: ['estimate_sent', 'cancelled'],
  estimate_sent: ['open', 'cancelled'],
  approved: ['in_progress', 'cancelled'],
  declined: ['open', 'cancelled'],
  in_progress: ['waiting_for_parts', 'quality_check', 'completed', 'cancelled'],
  completed: ['delivered'],
  delivered: [],
  cancelled: [],
  waiting_for_parts: ['in_progress', 'cancelled'],
  quality_check: ['in_progress', 'completed', 'cancelled'],
};

export function linesEditable(status: WorkOrderStatus): boolean {
  return status === 'open' || duringJob(status);
}
