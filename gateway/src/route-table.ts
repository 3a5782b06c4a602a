import type { Role } from '@ecar/contracts';

export type UpstreamName = 'auth' | 'garage' | 'billing' | 'audit' | 'backup' | 'notify';

export interface RouteRule {
  /** Path prefix: matches the path itself and everything below it. */
  prefix: string;
  upstream: UpstreamName;
  /** `public`: no token needed; otherwise the roles allowed (coarse check, services check again). */
  access: 'public' | readonly Role[];
  /** Stricter per-IP limit (login, refresh: NET-5). */
  sensitive?: boolean;
  /** A super-admin who has not passed MFA may call it (enrolment, who-am-I, sign-out: AUTH-7). */
  allowPendingMfa?: boolean;
}

const ALL: readonly Role[] = ['super-admin', 'technician', 'customer'];
const ADMIN: readonly Role[] = ['super-admin'];

/**
 * The explicit allow-list of what the gateway forwards; anything else is a 404 here and never
 * reaches a service. More specific prefixes come first.
 */
export const ROUTE_TABLE: readonly RouteRule[] = [
  { prefix: '/.well-known/jwks.json', upstream: 'auth', access: 'public' },
  { prefix: '/api/v1/auth/login', upstream: 'auth', access: 'public', sensitive: true },
  { prefix: '/api/v1/auth/refresh', upstream: 'auth', access: 'public', sensitive: true },
  { prefix: '/api/v1/auth/register', upstream: 'auth', access: 'public', sensitive: true },
  { prefix: '/api/v1/auth/password/reset', upstream: 'auth', access: 'public', sensitive: true },
  { prefix: '/api/v1/auth/email/verify', upstream: 'auth', access: 'public', sensitive: true },
  { prefix: '/api/v1/auth/csrf', upstream: 'auth', access: 'public' },
  { prefix: '/api/v1/auth/mfa/totp', upstream: 'auth', access: ALL, allowPendingMfa: true },
  { prefix: '/api/v1/auth/me', upstream: 'auth', access: ALL, allowPendingMfa: true },
  { prefix: '/api/v1/auth/logout', upstream: 'auth', access: ALL, allowPendingMfa: true },
  { prefix: '/api/v1/auth/password', upstream: 'auth', access: ALL, sensitive: true },
  { prefix: '/api/v1/auth', upstream: 'auth', access: ALL },
  { prefix: '/api/v1/users', upstream: 'auth', access: ADMIN },
  // Issue 15: the counter search is the super-admin's (the garage refuses others too).
  { prefix: '/api/v1/customers/search', upstream: 'garage', access: ADMIN },
  // The maintenance book's keys and verification (issue 15): no sign-in, the stricter per-address limit.
  { prefix: '/api/v1/public/maintenance-book', upstream: 'garage', access: 'public', sensitive: true },
  { prefix: '/api/v1/customers', upstream: 'garage', access: ALL },
  { prefix: '/api/v1/vehicles', upstream: 'garage', access: ALL },
  { prefix: '/api/v1/documents', upstream: 'garage', access: ALL },
  { prefix: '/api/v1/appointments', upstream: 'garage', access: ALL },
  { prefix: '/api/v1/work-orders', upstream: 'garage', access: ALL },
  { prefix: '/api/v1/parts', upstream: 'garage', access: ['super-admin', 'technician'] },
  { prefix: '/api/v1/stock', upstream: 'garage', access: ADMIN },
  { prefix: '/api/v1/canned-jobs', upstream: 'garage', access: ADMIN },
  { prefix: '/api/v1/suppliers', upstream: 'garage', access: ADMIN },
  { prefix: '/api/v1/purchase-orders', upstream: 'garage', access: ADMIN },
  { prefix: '/api/v1/bays', upstream: 'garage', access: ADMIN },
  { prefix: '/api/v1/technicians', upstream: 'garage', access: ADMIN },
  { prefix: '/api/v1/planning/free-slots', upstream: 'garage', access: ['super-admin', 'customer'] },
  { prefix: '/api/v1/planning', upstream: 'garage', access: ADMIN },
  { prefix: '/api/v1/bookings', upstream: 'garage', access: ADMIN },
  { prefix: '/api/v1/reminders', upstream: 'garage', access: ADMIN },
  { prefix: '/api/v1/plate-claims', upstream: 'garage', access: ADMIN },
  { prefix: '/api/v1/invoices', upstream: 'billing', access: ['super-admin', 'customer'] },
  { prefix: '/api/v1/credit-notes', upstream: 'billing', access: ['super-admin', 'customer'] },
  { prefix: '/api/v1/reports', upstream: 'billing', access: ADMIN },
  // A customer's own access records ("who read my data", issue 15); before the super-admin prefix below.
  { prefix: '/api/v1/audit/me', upstream: 'audit', access: ['customer'] },
  { prefix: '/api/v1/audit', upstream: 'audit', access: ADMIN },
  { prefix: '/api/v1/backups', upstream: 'backup', access: ADMIN },
  { prefix: '/api/v1/notifications/preferences', upstream: 'notify', access: ['customer'] },
  { prefix: '/api/v1/notifications', upstream: 'notify', access: ADMIN },
];

/**
 * Encoded dots, slashes and backslashes, dot segments and empty segments are refused outright:
 * the path the gateway checks must be the path the service routes.
 */
export function isCanonicalPath(path: string): boolean {
  if (!path.startsWith('/') || path.length > 2048) return false;
  if (/%2e|%2f|%5c|%00|\\/i.test(path)) return false;
  return !path.split('/').slice(1).some((segment, index, all) => segment === '.' || segment === '..' || (segment === '' && index < all.length - 1));
}

/**
 * Case-insensitive, as express routes in the services are: `/api/v1/AUTH/Password` must get the
 * rule of `/api/v1/auth/password` (sensitive limit), not fall through to a broader prefix.
 */
export function matchRoute(path: string): RouteRule | undefined {
  const lower = path.toLowerCase();
  return ROUTE_TABLE.find((rule) => lower === rule.prefix || lower.startsWith(`${rule.prefix}/`));
}
