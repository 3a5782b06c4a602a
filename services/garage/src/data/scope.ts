import type { Caller } from '@ecar/contracts';

/** Positional parameters of one query, so SQL fragments compose without string-built values. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Row-level reach of a caller (AUTH-4, OWASP API1): the super-admin reaches every row, a
 * customer the rows of their own customer profile, a technician the rows of the work orders
 * assigned to them. Every read and write of the data layer filters with these, so a row outside
 * reach is simply not found (404).
 */
export function customerReach(caller: Caller, alias: string, params: Params): string {
  if (caller.role === 'super-admin') return 'TRUE';
  if (caller.role === 'customer') return `${alias}.user_id = ${params.add(caller.userId)}`;
  return `EXISTS (SELECT 1 FROM work_orders w JOIN work_order_technicians t ON t.work_order_id = w.id
                  WHERE w.customer_id = ${alias}.id AND t.technician_id = ${params.add(caller.userId)})`;
}

export function vehicleReach(caller: Caller, alias: string, params: Params): string {
  if (caller.role === 'super-admin') return 'TRUE';
  if (caller.role === 'customer') return `${alias}.customer_id IN (SELECT id FROM customers WHERE user_id = ${params.add(caller.userId)})`;
  return `EXISTS (SELECT 1 FROM work_orders w JOIN work_order_technicians t ON t.work_order_id = w.id
                  WHERE w.vehicle_id = ${alias}.id AND t.technician_id = ${params.add(caller.userId)})`;
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
  return `EXISTS (SELECT 1 FROM work_order_technicians t WHERE t.work_order_id = ${alias}.id AND t.technician_id = ${params.add(caller.userId)})`;
}
