import { isTechnician, type Caller } from '@ecar/contracts';
import type { Route } from '@ecar/runtime';

/** Fields of a work order a technician never receives (issue 12, finding 7: data minimisation). */
const HIDDEN_FROM_TECHNICIANS = ['estimateDecidedIp'] as const;

function minimise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(minimise);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(record)) {
    if ((HIDDEN_FROM_TECHNICIANS as readonly string[]).includes(key)) copy[key] = null;
    else copy[key] = key === 'items' ? minimise(field) : field;
  }
  return copy;
}

/**
 * Wraps routes whose answers carry work orders: for a technician, the customer's address of the
 * estimate decision (`estimateDecidedIp`) goes out as null, in a single order and in list pages.
 */
export function minimisedForTechnicians(routes: Route[]): Route[] {
  return routes.map((entry) => ({
    ...entry,
    async handle(input) {
      const result = await entry.handle(input);
      const caller = input.caller as Caller | undefined;
      return caller && isTechnician(caller) ? minimise(result) : result;
    },
  }));
}
