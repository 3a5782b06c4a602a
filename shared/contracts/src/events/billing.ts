import { z } from 'zod';

const uuid = z.uuid();
const millimes = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const invoiceNumber = z.string().regex(/^FA-\d{4}-\d{6,}$/);
const creditNoteNumber = z.string().regex(/^AV-\d{4}-\d{6,}$/);
const documentNumber = z.union([invoiceNumber, creditNoteNumber]);
const teifKind = z.enum(['invoice', 'credit-note']);
const paymentMethod = z.enum(['cash', 'card', 'cheque', 'transfer']);

/** Events published by the billing service (amounts in integer millimes, TND). */
export const billingEvents = {
  'billing.invoice.drafted': {
    version: 1,
    data: z
      .object({
        invoiceId: uuid,
        workOrderId: uuid.optional(),
        origin: z.enum(['work_order', 'manual']),
        lineCount: z.number().int().min(0).max(500),
        totalTtcMillimes: millimes,
      })
      .strict(),
  },
  /** Every change of a draft; `changes` on the envelope carries the masked before/after diff. */
  'billing.invoice.updated': {
    version: 1,
    data: z.object({ invoiceId: uuid, fields: z.array(z.string().max(64)).max(20) }).strict(),
  },
  'billing.invoice.issued': {
    version: 1,
    data: z
      .object({
        invoiceId: uuid,
        number: invoiceNumber,
        issueDate: z.iso.date(),
        totalHtMillimes: millimes,
        totalVatMillimes: millimes,
        stampMillimes: millimes,
        totalTtcMillimes: millimes,
      })
      .strict(),
  },
  /** The invoice was corrected by a credit note (its balance changed). */
  'billing.invoice.credited': {
    version: 1,
    data: z
      .object({ invoiceId: uuid, creditNoteId: uuid, creditNoteNumber, creditedTtcMillimes: millimes, fullyCredited: z.boolean() })
      .strict(),
  },
  'billing.creditnote.issued': {
    version: 1,
    data: z
      .object({
        creditNoteId: uuid,
        number: creditNoteNumber,
        invoiceId: uuid,
        invoiceNumber,
        issueDate: z.iso.date(),
        totalTtcMillimes: millimes,
        stampMillimes: millimes,
      })
      .strict(),
  },
  /** AUD-4: who read which invoices (and so whose data). One event per request; lists name every invoice and customer read. */
  'billing.invoice.accessed': {
    version: 1,
    data: z
      .object({
        invoiceIds: z.array(uuid).max(500),
        customerIds: z.array(uuid).max(500),
        purpose: z.enum(['detail', 'list', 'pdf', 'teif', 'teif-status', 'teif-signed', 'payments', 'credit-notes', 'credit-note', 'credit-note-pdf']),
      })
      .strict(),
  },
  /** El Fatoora (TTN) accepted a signed TEIF document and gave it its reference. */
  'billing.teif.accepted': {
    version: 1,
    data: z.object({ documentId: uuid, invoiceId: uuid, kind: teifKind, number: documentNumber, ttnReference: z.string().min(1).max(100), attempts: z.number().int().min(1) }).strict(),
  },
  /** An alert: TTN refused a document, or ECAR could not produce a valid one; a super-admin must act (re-submit after a fix). */
  'billing.teif.refused': {
    version: 1,
    data: z.object({ documentId: uuid, invoiceId: uuid, kind: teifKind, number: documentNumber, reason: z.string().min(1).max(2000), by: z.enum(['ttn', 'ecar']) }).strict(),
  },
  /** A super-admin sent a refused document to TTN again (re-signed). */
  'billing.teif.resubmitted': {
    version: 1,
    data: z.object({ documentId: uuid, invoiceId: uuid, kind: teifKind, number: documentNumber }).strict(),
  },
  'billing.payment.recorded': {
    version: 1,
    data: z
      .object({ paymentId: uuid, invoiceId: uuid, invoiceNumber, method: paymentMethod, amountMillimes: millimes, balanceMillimes: z.number().int() })
      .strict(),
  },
  /** A super-admin asked for the reports' read model to be rebuilt: garage republishes its work-order history (docs/reports.md). */
  'billing.reports.replay_requested': {
    version: 1,
    data: z.object({ replayId: uuid }).strict(),
  },
  'billing.payment.reversed': {
    version: 1,
    data: z
      .object({ paymentId: uuid, invoiceId: uuid, amountMillimes: millimes, reason: z.string().max(500), balanceMillimes: z.number().int() })
      .strict(),
  },
} as const;
