/**
 * Compile-time only: what the audit service sends must fit the response types clients read
 * (@ecar/contracts/responses/audit, used by the web app). `npx tsc` fails here when a field the
 * contract promises is renamed, dropped or changes type in the service (extra fields are allowed).
 * The routes (route-table.ts) send these rows as they are.
 */
import type { AlertResponse, AuditEventResponse, ChainVerificationResponse } from '@ecar/contracts/responses/audit';
import type { JsonOf } from '@ecar/contracts/responses/garage';
import type { AlertRow, Alerts } from '../domain/alerts.ts';
import type { AuditEventRow, AuditLog } from '../domain/log-search.ts';

type Fits<Sent, Promised> = [Sent] extends [Promised] ? true : never;
type PageItem<T> = T extends { items: Array<infer Item> } ? Item : never;

export type ResponseTypesFit = [
  Fits<JsonOf<AuditEventRow>, AuditEventResponse>,
  Fits<JsonOf<PageItem<Awaited<ReturnType<AuditLog['search']>>>>, AuditEventResponse>,
  Fits<JsonOf<Awaited<ReturnType<AuditLog['verify']>>>, ChainVerificationResponse>,
  Fits<JsonOf<AlertRow>, AlertResponse>,
  Fits<JsonOf<PageItem<Awaited<ReturnType<Alerts['page']>>>>, AlertResponse>,
  Fits<JsonOf<Awaited<ReturnType<Alerts['acknowledge']>>>, AlertResponse>,
];

// A value of the tuple type exists only if every check is `true` (a `never` makes it impossible).
export const RESPONSE_TYPES_FIT: ResponseTypesFit = [true, true, true, true, true, true];
