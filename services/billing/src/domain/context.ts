import type { Caller, Subject } from '@ecar/contracts';
import type { DataSource } from '@ecar/db';
import { forbidden, notFound } from '@ecar/errors';
import { localDateString } from '@ecar/primitives';
import type { UnitOfWork } from '@ecar/runtime';
import type { InvoiceRow } from '../data/invoices.ts';
import type { RenderedPdfCache } from '../pdf/pdf-cache.ts';
import type { TeifService } from './teif-submissions.ts';
import type { Seller } from './types.ts';

/** What every billing use case needs: the database, the unit of work, the seller identity, and the clock. */
export interface BillingContext {
  dataSource: DataSource;
  /** Every state change: one transaction, its events in the same transaction's outbox. */
  unitOfWork: UnitOfWork;
  seller: Seller;
  /** IANA zone of the garage: an invoice's date is the calendar date there when it is issued. */
  timeZone: string;
  now(): Date;
  /** Largest page of a list. */
  pageMax: number;
  /** Signed TEIF and its submission to El Fatoora. */
  teif: TeifService;
  /** Rendered PDFs of issued invoices (INVOICE_PDF_CACHE_BYTES), keyed on what they print. */
  pdfCache: RenderedPdfCache;
}

/** Today's date (YYYY-MM-DD) where the garage is: what dates invoices, credit notes and payments. */
export function today(context: BillingContext): string {
  return localDateString(context.now(), context.timeZone);
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
