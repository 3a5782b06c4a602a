import type { Actor, Subject } from '@ecar/contracts';
import type { DataSource } from '@ecar/db';
import { forbidden, notFound } from '@ecar/errors';
import type { InvoiceRow } from '../data/invoices.ts';
import type { Caller, Seller } from './types.ts';

export const PRODUCER = 'billing';

/** What every billing use case needs: the database, the seller identity, and the clock. */
export interface BillingContext {
  dataSource: DataSource;
  seller: Seller;
  /** IANA zone of the garage: an invoice's date is the calendar date there when it is issued. */
  timeZone: string;
  now(): Date;
}

/** The calendar date (YYYY-MM-DD) of `instant` in `timeZone`. */
export function calendarDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export function actorOf(caller: Caller): Actor {
  return {
    userId: caller.userId,
    role: caller.role,
    ...(caller.email ? { email: caller.email } : {}),
    ...(caller.ip ? { ip: caller.ip } : {}),
    ...(caller.userAgent ? { userAgent: caller.userAgent.slice(0, 512) } : {}),
  };
}

export function invoiceSubject(invoice: Pick<InvoiceRow, 'id' | 'ownerUserId'>): Subject {
  return { type: 'invoice', id: invoice.id, ...(invoice.ownerUserId ? { ownerId: invoice.ownerUserId } : {}) };
}

/** Only super-admins change billing data; the routes check it too (AUTH-6: every layer). */
export function requireAdmin(caller: Caller): void {
  if (caller.role !== 'super-admin') throw forbidden();
}

/**
 * Who may read an invoice: a super-admin any; a customer only their own issued invoices (a draft
 * is not yet an invoice); a technician none. Anything not visible is "not found".
 */
export function assertVisible(invoice: InvoiceRow | undefined, caller: Caller): InvoiceRow {
  if (caller.role === 'technician') throw forbidden();
  if (!invoice) throw notFound('Invoice not found');
  if (caller.role === 'super-admin') return invoice;
  if (invoice.ownerUserId !== caller.userId || invoice.status !== 'issued') throw notFound('Invoice not found');
  return invoice;
}
