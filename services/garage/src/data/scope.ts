import type { Caller } from '@ecar/contracts';

/** Positional parameters of one query, so SQL fragments compose without string-built values. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The session setting (garage service.ts `databaseSession`) that holds TECHNICIAN_REACH_AFTER_CLOSE_HOURS. */
export const TECHNICIAN_REACH_SETTING = 'ecar.technician_reach_after_close_hours';

/**
 * A work order (alias `w`) still gives its technicians reach (issue 12, finding 7): while it is not
 * closed, and for TECHNICIAN_REACH_AFTER_CLOSE_HOURS after it was delivered or cancelled (a
 * cancelled order's last change is its cancellation: nothing changes a cancelled order). Without the
 * setting the comparison is NULL, so a closed order gives no reach at all (fails closed).
 */
function stillReaching(w: string): string {
  return `(${w}.status NOT IN ('delivered', 'cancelled')
           OR COALESCE(${w}.delivered_at, ${w}.updated_at) > now() - make_interval(hours => current_setting('${TECHNICIAN_REACH_SETTING}', true)::int))`;
}

/**
 * Row-level reach of a caller (AUTH-4, OWASP API1): the super-admin reaches every row, a
 * customer the rows of their own customer profile, a technician the rows of the work orders
 * assigned to them, ending a configured time after the order is closed. Every read and write of the data layer filters with these, so a row outside
 * reach is simply not found (404).
 */
export function customerReach(caller: Caller, alias: string, params: Params): string {
  if (caller.role === 'super-admin') return 'TRUE';
  if (caller.role === 'customer') return `${alias}.user_id = ${params.add(caller.userId)}`;
  return `EXISTS (SELECT 1 FROM work_orders w JOIN work_order_technicians t ON t.work_order_id = w.id
                  WHERE w.customer_id = ${alias}.id AND t.technician_id = ${params.add(caller.userId)} AND ${stillReaching('w')})`;
}

export function vehicleReach(caller: Caller, alias: string, params: Params): string {
  if (caller.role === 'super-admin') return 'TRUE';
  if (caller.role === 'customer') return `${alias}.customer_id IN (SELECT id FROM customers WHERE user_id = ${params.add(caller.userId)})`;
  return `EXISTS (SELECT 1 FROM work_orders w JOIN work_order_technicians t ON t.work_order_id = w.id
                  WHERE w.vehicle_id = ${alias}.id AND t.technician_id = ${params.add(caller.userId)} AND ${stillReaching('w')})`;
}

/** Documents and appointments: owner or super-admin (technicians never reach them). */
export function ownedReach(caller: Caller, alias: string, params: Params): string {
  if (caller.role === 'super-admin') return 'TRUE';
  if (caller.role === 'customer') return `${alias}.customer_id IN (SELECT id FROM customers WHERE user_id = ${params.add(caller.userId)})`;
  return 'FALSE';
}

export function workOrderReach(caller: Caller, alias: string, params: Params): string {
  if (caller.role === 'super-admin') return 'TRUE';
  if (caller.role === 'customer') return `${alias}.customer_id IN (SELECT id FROM customers WHERE user_id = ${params.add(caller.userId)})`;
  return `(EXISTS (SELECT 1 FROM work_order_technicians t WHERE t.work_order_id = ${alias}.id AND t.technician_id = ${params.add(caller.userId)}) AND ${stillReaching(alias)})`;
}
