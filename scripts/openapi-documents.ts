import { openApiDocument, type ApiDescription, type Route } from '@ecar/runtime';
import { auditRoutes } from '../services/audit/src/api/route-table.ts';
import type { AuditContext } from '../services/audit/src/service.ts';
import { authRouteTable } from '../services/auth/src/api/route-table.ts';
import type { AuthContext } from '../services/auth/src/domain/auth-context.ts';
import { backupRoutes } from '../services/backup/src/api/route-table.ts';
import type { BackupContext } from '../services/backup/src/service.ts';
import { billingRoutes } from '../services/billing/src/api/route-table.ts';
import { loadBillingConfig } from '../services/billing/src/config.ts';
import type { BillingContext } from '../services/billing/src/domain/context.ts';
import { garageRoutes } from '../services/garage/src/api/route-table.ts';
import type { GarageContext } from '../services/garage/src/domain/garage.ts';
import { notifyRoutes } from '../services/notify/src/api/route-table.ts';
import type { NotifyContext } from '../services/notify/src/domain/context.ts';

/**
 * A stand-in for a service's context when its route table is built only to be documented:
 * building the table reads nothing but `known` values (and nested objects it passes on), and any
 * handler that ran would fail at once.
 */
function documentationOnly<T extends object>(known: Partial<T> = {}): T {
  const stand: object = new Proxy(() => undefined, {
    get: (_target, key) => (key in known ? known[key as keyof T] : stand),
    apply: () => {
      throw new Error('a route table built for its documentation was called');
    },
  });
  return stand as T;
}

export interface ApiDocument extends ApiDescription {
  routes(): readonly Route[];
}

/** Every service's OpenAPI document (docs/openapi/<service>.json): one line per route table. */
export const API_DOCUMENTS: readonly ApiDocument[] = [
  {
    service: 'auth',
    title: 'ECAR auth API',
    version: '1.0.0',
    description: 'Sign-in (web cookies or mobile tokens), sessions, MFA, self-service accounts, account administration, the JWKS.',
    routes: () => authRouteTable(documentationOnly<AuthContext>()),
  },
  { service: 'audit', title: 'ECAR audit API', version: '1.0.0', description: 'The tamper-evident audit log, data-access records and security alerts (super-admins only).', routes: () => auditRoutes(documentationOnly<AuditContext>()) },
  { service: 'backup', title: 'ECAR backup API', version: '1.0.0', description: 'Encrypted backup sets, their verification and the restore drills (super-admins only).', routes: () => backupRoutes(documentationOnly<BackupContext>()) },
  { service: 'garage', title: 'ECAR garage API', version: '1.0.0', description: 'Customers, vehicles, registration documents, appointments and work orders.', routes: () => garageRoutes(documentationOnly<GarageContext>()) },
  {
    service: 'billing',
    title: 'ECAR billing API',
    version: '1.0.0',
    description: 'Invoices, credit notes and payments (amounts in integer millimes, VAT rates in basis points).',
    routes: () => billingRoutes(documentationOnly<BillingContext>({ pageMax: loadBillingConfig({}).values.BILLING_PAGE_MAX })),
  },
  { service: 'notify', title: 'ECAR notify API', version: '1.0.0', description: "Customers' notification preferences and consents, and the messages sent with their delivery status (no message text).", routes: () => notifyRoutes(documentationOnly<NotifyContext>()) },
];

export const documentPath = (service: string) => new URL(`../docs/openapi/${service}.json`, import.meta.url);

/** The document as committed: stable key order, two-space indent, final newline. */
export function renderDocument(document: ApiDocument): string {
  return `${JSON.stringify(openApiDocument(document, document.routes()), null, 2)}\n`;
}
