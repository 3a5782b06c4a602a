import { enqueueEvent } from '@ecar/bus';
import { buildEvent, type EventData } from '@ecar/contracts';
import type { InvoiceRow } from '../data/invoices.ts';
import { actorOf, invoiceSubject, PRODUCER, type BillingContext } from './context.ts';
import type { Caller } from './types.ts';

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
  await context.dataSource.transaction((db) =>
    enqueueEvent(
      db,
      buildEvent({
        type: 'billing.invoice.accessed',
        producer: PRODUCER,
        correlationId: caller.correlationId,
        actor: actorOf(caller),
        subject: single ? invoiceSubject(single) : { type: 'invoice-list', id: caller.userId },
        data: { invoiceIds: invoices.map((invoice) => invoice.id), customerIds, purpose },
      }),
    ),
  );
}
