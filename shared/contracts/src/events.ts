import type { z } from 'zod';
import { auditEvents } from './events/audit.ts';
import { authEvents } from './events/auth.ts';
import { backupEvents } from './events/backup.ts';
import { billingEvents } from './events/billing.ts';
import { garageEvents } from './events/garage.ts';
import { garagePurchaseEvents, garageStockEvents } from './events/garage-stock.ts';
import { garagePlanningEvents } from './events/garage-planning.ts';
import { garageClaimEvents } from './events/garage-claims.ts';
import { notifyEvents } from './events/notify.ts';
import { garageReminderEvents } from './events/garage-reminders.ts';

export { billableLineSchema } from './events/garage.ts';

/**
 * Every event type a service publishes, with the schema of its `data` (one file per producer).
 * Producers build events through `buildEvent` and consumers validate with the same schema, so
 * both sides share one contract. The audit service stores every type listed here.
 */
export const eventCatalogue = {
  ...authEvents,
  ...garageEvents,
  ...garageStockEvents,
  ...garagePurchaseEvents,
  ...garagePlanningEvents,
  ...garageClaimEvents,
  ...billingEvents,
  ...auditEvents,
  ...backupEvents,
  ...notifyEvents,
  ...garageReminderEvents,
} as const satisfies Record<string, { version: number; data: z.ZodType }>;

export type EventType = keyof typeof eventCatalogue;
export type EventData<T extends EventType> = z.infer<(typeof eventCatalogue)[T]['data']>;

export const EVENT_TYPES = Object.keys(eventCatalogue) as EventType[];

export function isKnownEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalogue, type);
}

/** Parses `data` of a known event type with its contract (consumers call this, APP-1). */
export function parseEventData<T extends EventType>(type: T, data: unknown): EventData<T> {
  return eventCatalogue[type].data.parse(data) as EventData<T>;
}
