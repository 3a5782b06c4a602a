import type admin from './locales/fr/admin.json';
import type auth from './locales/fr/auth.json';
import type common from './locales/fr/common.json';
import type customer from './locales/fr/customer.json';
import type dashboard from './locales/fr/dashboard.json';
import type signup from './locales/fr/signup.json';
import type technician from './locales/fr/technician.json';
import type workshop from './locales/fr/workshop.json';
import type teif from './locales/fr/teif.json';
import type estimates from './locales/fr/estimates.json';
import type notify from './locales/fr/notify.json';
import type parts from './locales/fr/parts.json';
import type planning from './locales/fr/planning.json';
import type reminders from './locales/fr/reminders.json';
import type reports from './locales/fr/reports.json';
import type book from './locales/fr/book.json';

/**
 * Every translation namespace, one JSON file per language in locales/<lng>/<ns>.json. French is
 * the reference: its files type the keys (a t() call with an unknown key fails the type check),
 * and web/test/i18n.test.ts fails when ar or en lacks a key French has, or has one more.
 * Add a screen's namespace here and create its three files.
 */
export interface Namespaces {
  common: typeof common;
  auth: typeof auth;
  dashboard: typeof dashboard;
  workshop: typeof workshop;
  technician: typeof technician;
  customer: typeof customer;
  signup: typeof signup;
  admin: typeof admin;
  teif: typeof teif;
  estimates: typeof estimates;
  parts: typeof parts;
  notify: typeof notify;
  planning: typeof planning;
  reminders: typeof reminders;
  reports: typeof reports;
  book: typeof book;
}

export type Namespace = keyof Namespaces;
export const NAMESPACES = ['common', 'auth', 'dashboard', 'workshop', 'technician', 'customer', 'signup', 'admin', 'teif', 'estimates', 'parts', 'notify', 'planning', 'reminders', 'reports', 'book'] as const satisfies readonly Namespace[];
