import { parseEventData } from '@ecar/contracts';
import type { Job, Subscription } from '@ecar/runtime';
import type { TeifService } from '../domain/teif-submissions.ts';

export const TEIF_QUEUE = 'billing.teif';

/** Issued invoices and credit notes → signed TEIF recorded as pending (inbox: once per event). */
export function teifSubscriptions(teif: TeifService): Subscription[] {
  return [
    {
      queue: TEIF_QUEUE,
      bindings: ['billing.invoice.issued', 'billing.creditnote.issued'],
      handle(envelope, db) {
        if (envelope.type === 'billing.creditnote.issued') {
          return teif.recordIssued(db, 'credit-note', parseEventData('billing.creditnote.issued', envelope.data).creditNoteId, envelope.correlationId);
        }
        return teif.recordIssued(db, 'invoice', parseEventData('billing.invoice.issued', envelope.data).invoiceId, envelope.correlationId);
      },
    },
  ];
}

/** The submitter: every interval, sends what is due to TTN (0 disables it). */
export function teifJobs(teif: TeifService, intervalMs: number): Job[] {
  return [{ name: 'teif-submission', schedule: { everyMs: intervalMs }, run: async () => void (await teif.submitDue()) }];
}
