import { enqueueEvent } from '@ecar/bus';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import type { DataSource, EntityManager } from '@ecar/db';
import { conflict, notFound } from '@ecar/errors';
import type { Logger } from '@ecar/logger';
import { findCreditNote } from '../data/credit-notes.ts';
import { findInvoice, linesOf } from '../data/invoices.ts';
import {
  claimDueTeifDocuments,
  findTeifDocument,
  insertTeifDocument,
  markTeifAccepted,
  markTeifRefused,
  postponeTeif,
  requeueRefusedTeif,
  type TeifDocumentRow,
} from '../data/teif-documents.ts';
import type { TtnGateway } from '../messaging/ttn-client.ts';
import { TtnUnavailableError } from '../messaging/ttn-client.ts';
import { validateTeif } from '../teif/schema-validation.ts';
import { signTeif } from '../signature/xades.ts';
import type { SigningIdentity } from '../signature/seller-certificate.ts';
import { creditNoteTeifSource, invoiceTeifSource, teifFileName, teifTaxId, teifXml, type TeifSource } from '../teif/teif-document.ts';
import { actorOf, invoiceSubject, PRODUCER, requireAdmin } from './context.ts';
import type { Caller } from './types.ts';

/** What producing and submitting TEIF needs: the seller's signing identity and the clock. */
export interface TeifContext {
  identity: SigningIdentity;
  now(): Date;
}

export type TeifDocumentRef = { kind: 'invoice'; invoiceId: string } | { kind: 'credit-note'; creditNoteId: string };

/** The TEIF source of an issued invoice or credit note, read in `db`. */
async function sourceOf(db: EntityManager, ref: TeifDocumentRef): Promise<{ source: TeifSource; documentId: string; invoiceId: string; ownerUserId: string | null }> {
  if (ref.kind === 'invoice') {
    const invoice = await findInvoice(db, ref.invoiceId);
    if (!invoice) throw notFound('Invoice not found');
    const lines = await linesOf(db, invoice.id);
    const totals = {
      vat: invoice.vatBreakdown ?? [],
      totalHtMillimes: invoice.totalHt ?? 0,
      totalVatMillimes: invoice.totalVat ?? 0,
      stampMillimes: invoice.stamp ?? 0,
      totalTtcMillimes: invoice.totalTtc ?? 0,
    };
    return { source: invoiceTeifSource({ invoice, lines, totals }), documentId: invoice.id, invoiceId: invoice.id, ownerUserId: invoice.ownerUserId };
  }
  const note = await findCreditNote(db, ref.creditNoteId);
  const invoice = note ? await findInvoice(db, note.invoiceId) : undefined;
  if (!note || !invoice) throw notFound('Credit note not found');
  return { source: creditNoteTeifSource(note, invoice), documentId: note.id, invoiceId: invoice.id, ownerUserId: invoice.ownerUserId };
}

/** Builds, validates against the TEIF schema, and signs. A document the schema refuses is never signed. */
export async function signedTeifOf(source: TeifSource, context: TeifContext): Promise<{ ok: true; signedXml: string } | { ok: false; reason: string }> {
  const xml = teifXml(source);
  const verdict = await validateTeif(xml);
  if (!verdict.valid) return { ok: false, reason: `TEIF schema: ${verdict.errors.join('; ')}`.slice(0, 2000) };
  const signedXml = await signTeif(xml, context.identity, context.now());
  // The signed document must still be valid (the signature is the one element the schema adds).
  const signedVerdict = await validateTeif(signedXml);
  if (!signedVerdict.valid) return { ok: false, reason: `TEIF schema after signing: ${signedVerdict.errors.join('; ')}`.slice(0, 2000) };
  return { ok: true, signedXml };
}

function teifEvent(type: 'billing.teif.accepted' | 'billing.teif.refused' | 'billing.teif.resubmitted', row: Pick<TeifDocumentRow, 'documentId' | 'invoiceId' | 'kind' | 'number'>, data: Record<string, unknown>, meta: { correlationId: string; caller?: Caller; ownerUserId: string | null }): EventEnvelope {
  return buildEvent({
    type,
    producer: PRODUCER,
    correlationId: meta.correlationId,
    actor: meta.caller ? actorOf(meta.caller) : { system: 'billing.teif' },
    subject: { ...invoiceSubject({ id: row.invoiceId, ownerUserId: meta.ownerUserId }), ...(row.kind === 'credit-note' ? { type: 'credit-note', id: row.documentId } : {}) },
    data: { documentId: row.documentId, invoiceId: row.invoiceId, kind: row.kind, number: row.number, ...data },
  } as Parameters<typeof buildEvent>[0]);
}

/**
 * On issue (consumer of billing.invoice.issued / billing.creditnote.issued, in its inbox
 * transaction): the TEIF document is built, validated, signed and recorded as pending; the
 * submitter sends it. A document the schema refuses is recorded as refused with an alert event.
 */
export async function recordIssuedDocument(db: EntityManager, ref: TeifDocumentRef, context: TeifContext, correlationId: string): Promise<'recorded' | 'refused' | 'already_recorded'> {
  const { source, documentId, invoiceId, ownerUserId } = await sourceOf(db, ref);
  if (await findTeifDocument(db, documentId)) return 'already_recorded';
  const signed = await signedTeifOf(source, context);
  const base = { documentId, kind: ref.kind, invoiceId, number: source.number };
  if (signed.ok) {
    return (await insertTeifDocument(db, { ...base, status: 'pending', signedXml: signed.signedXml })) ? 'recorded' : 'already_recorded';
  }
  if (!(await insertTeifDocument(db, { ...base, status: 'refused', refusalReason: signed.reason }))) return 'already_recorded';
  await enqueueEvent(db, teifEvent('billing.teif.refused', base, { reason: signed.reason, by: 'ecar' }, { correlationId, ownerUserId }));
  return 'refused';
}

/** Bounds of the retry delays after an outage (the project's backoff: doubling, equal jitter). */
export interface SubmitterOptions {
  gateway: TtnGateway;
  retryDelay(attempt: number): number;
  logger: Logger;
  batchSize?: number;
}

/**
 * One pass of the submitter: every pending document that is due is sent once, under a row lock
 * (SKIP LOCKED), so two replicas never send the same document, and a document leaves `pending`
 * only for `accepted` or `refused`. An outage postpones the document; it is never dropped.
 * Returns how many documents were handled.
 */
export async function submitDueDocuments(dataSource: DataSource, options: SubmitterOptions): Promise<number> {
  return dataSource.transaction(async (db) => {
    const due = await claimDueTeifDocuments(db, options.batchSize ?? 10);
    for (const row of due) {
      const invoice = await findInvoice(db, row.invoiceId);
      const sellerTaxId = invoice?.seller?.taxId ?? '';
      const meta = { correlationId: `teif-${row.documentId}`, ownerUserId: invoice?.ownerUserId ?? null };
      try {
        const answer = await options.gateway.submit({
          sellerTaxId: teifTaxId(sellerTaxId),
          number: row.number,
          fileName: teifFileName(sellerTaxId, row.number),
          signedXml: row.signedXml!,
        });
        if (answer.outcome === 'accepted') {
          await markTeifAccepted(db, row.documentId, answer);
          await enqueueEvent(db, teifEvent('billing.teif.accepted', row, { ttnReference: answer.reference, attempts: row.attempts + 1 }, meta));
        } else {
          await markTeifRefused(db, row.documentId, answer.reason, 'ttn');
          await enqueueEvent(db, teifEvent('billing.teif.refused', row, { reason: answer.reason, by: 'ttn' }, meta));
          options.logger.warn('TTN refused a TEIF document', { number: row.number, reason: answer.reason });
        }
      } catch (error) {
        if (!(error instanceof TtnUnavailableError)) throw error;
        const retryInMs = options.retryDelay(row.attempts);
        await postponeTeif(db, row.documentId, error.message, retryInMs);
        options.logger.warn('TTN unavailable; TEIF submission postponed', { number: row.number, attempts: row.attempts + 1, retryInMs, error: error.message });
      }
    }
    return due.length;
  });
}

/** The TEIF document of an invoice or credit note as its reader sees it (super-admins). */
export async function teifDocumentOf(dataSource: DataSource, documentId: string, caller: Caller): Promise<TeifDocumentRow> {
  requireAdmin(caller);
  const row = await findTeifDocument(dataSource.manager, documentId);
  if (!row) throw notFound('No TEIF document yet for this document (it is produced right after issue)');
  return row;
}

/**
 * A super-admin sends a refused document again, re-built and re-signed (the cause may have been a
 * certificate or a schema problem since fixed). An accepted or pending document is refused (409):
 * nothing is ever submitted twice.
 */
export async function resubmitTeif(dataSource: DataSource, documentId: string, context: TeifContext, caller: Caller): Promise<TeifDocumentRow> {
  requireAdmin(caller);
  return dataSource.transaction(async (db) => {
    const row = await findTeifDocument(db, documentId, { lock: true });
    if (!row) throw notFound('No TEIF document for this document');
    if (row.status === 'accepted') throw conflict(`${row.number} was accepted by TTN (${row.ttnReference}); it is never submitted again`);
    if (row.status === 'pending') throw conflict(`${row.number} is already waiting for submission`);
    const ref: TeifDocumentRef = row.kind === 'invoice' ? { kind: 'invoice', invoiceId: row.invoiceId } : { kind: 'credit-note', creditNoteId: row.documentId };
    const { source, ownerUserId } = await sourceOf(db, ref);
    const signed = await signedTeifOf(source, context);
    if (!signed.ok) throw conflict(`The TEIF document still does not pass the schema: ${signed.reason}`);
    await requeueRefusedTeif(db, documentId, signed.signedXml);
    await enqueueEvent(db, teifEvent('billing.teif.resubmitted', row, {}, { correlationId: caller.correlationId, caller, ownerUserId }));
    return (await findTeifDocument(db, documentId))!;
  });
}
