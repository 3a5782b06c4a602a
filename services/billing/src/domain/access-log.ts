import { newEvent, type Caller, type EventData } from '@ecar/contracts';
import type { InvoiceRow } from '../data/invoices.ts';
import { invoiceSubject, type BillingContext } from './context.ts';

export type AccessPurpose = EventData<'billing.invoice.accessed'>['purpose'];

/**
 * AUD-4: records that `caller` read these invoices (names, identifiers and amounts of customers),
 * as a `billing.invoice.accessed` event the audit log keeps. A list names every invoice and
 * customer on the page; a single read has the invoice as subject.
 */
export async function recordAccess(
  context: BillingContext,
  caller: Caller,
  purpose: AccessPurpose,
  invoices: ReadonlyArray<Pick<InvoiceRow, 'id' | 'ownerUserId' | 'customerId'>>,
): Promise<void> {
  const single = invoices.length === 1 && purpose !== 'list' ? invoices[0] : undefined;
  const customerIds = [...new Set(invoices.map((invoice) => invoice.customerId).filter((id): id is string => id !== null))];
  const subject = single ? invoiceSubject(single) : { type: 'invoice-list', id: caller.userId };
  const event = newEvent(caller, 'billing.invoice.accessed', subject, { invoiceIds: invoices.map((invoice) => invoice.id), customerIds, purpose });
  // A read changes nothing: its record is committed by a statement shared with the reads finishing
  // at the same time, before the caller answers (UnitOfWork.read, docs/security/audit.md).
  await context.unitOfWork.read(async () => ({ result: undefined, events: [event] }));
}
