import { isAdmin, newEvent, type Caller, type EventAuthor, type NewEvent, type Subject } from '@ecar/contracts';
import type { DataSource, EntityManager } from '@ecar/db';
import { conflict, forbidden, notFound } from '@ecar/errors';
import type { Logger } from '@ecar/logger';
import type { UnitOfWork } from '@ecar/runtime';
import { findCreditNote } from '../data/credit-notes.ts';
import { findInvoice, linesOf } from '../data/invoices.ts';
import {
  claimDueTeifDocuments,
  documentsWithoutTeif,
  findTeifDocument,
  insertTeifDocument,
  markTeifAccepted,
  markTeifRefused,
  postponeTeif,
  requeueRefusedTeif,
  type TeifDocumentRow,
} from '../data/teif-documents.ts';
import { TtnUnavailableError, type TtnGateway } from '../messaging/ttn-client.ts';
import type { SigningIdentity } from '../signature/seller-certificate.ts';
import { signTeif } from '../signature/xades.ts';
import { validateTeif } from '../teif/schema-validation.ts';
import { creditNoteTeifSource, invoiceTeifSource, teifFileName, teifTaxId, teifXml, type TeifSource } from '../teif/teif-document.ts';

export type TeifDocumentKind = TeifDocumentRow['kind'];

export interface TeifServiceOptions {
  identity: SigningIdentity;
  /** Unset: documents are signed and stay pending (development without a TTN endpoint). */
  gateway: TtnGateway | undefined;
  /** Delay before the next attempt after `attempt` failed ones (the project's backoff). */
  retryDelay(attempt: number): number;
  now(): Date;
  logger: Logger;
  /** How long after issue a document without a TEIF record is taken as missed by the consumer. */
  sweepGraceMs: number;
  batchSize?: number;
}

const systemCaller = (correlationId: string): EventAuthor => ({ system: 'billing.teif', correlationId });

function subjectOf(row: Pick<TeifDocumentRow, 'kind' | 'documentId' | 'invoiceId'>, ownerUserId: string | null): Subject {
  return { type: row.kind === 'invoice' ? 'invoice' : 'credit-note', id: row.documentId, ...(ownerUserId ? { ownerId: ownerUserId } : {}) };
}

/**
 * Signed TEIF and its life at El Fatoora: built, validated and signed on issue; submitted by a
 * job under row locks (never twice, never lost during an outage); accepted with TTN's reference and
 * QR content, or refused with the reason and an alert event; re-submitted by a super-admin after
 * a refusal.
 */
export class TeifService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly options: TeifServiceOptions,
  ) {}

  /** Builds, validates against the TEIF schema, and signs. A document the schema refuses is never signed. */
  async sign(source: TeifSource): Promise<{ ok: true; signedXml: string } | { ok: false; reason: string }> {
    const xml = teifXml(source);
    const verdict = await validateTeif(xml);
    if (!verdict.valid) return { ok: false, reason: `TEIF schema: ${verdict.errors.join('; ')}`.slice(0, 2000) };
    const signedXml = await signTeif(xml, this.options.identity, this.options.now());
    // The signature is the one element the schema lets the document gain.
    const signedVerdict = await validateTeif(signedXml);
    if (!signedVerdict.valid) return { ok: false, reason: `TEIF schema after signing: ${signedVerdict.errors.join('; ')}`.slice(0, 2000) };
    return { ok: true, signedXml };
  }

  /**
   * On issue (subscription to billing.invoice.issued / billing.creditnote.issued, in its inbox
   * transaction): the document is recorded as pending with its signed TEIF, or as refused by ECAR
   * (with the alert event) when the schema refuses it. A redelivered event records nothing.
   */
  async recordIssued(db: EntityManager, kind: TeifDocumentKind, documentId: string, correlationId: string): Promise<NewEvent[]> {
    if (await findTeifDocument(db, documentId)) return [];
    const { source, invoiceId, ownerUserId } = await sourceOf(db, kind, documentId);
    const signed = await this.sign(source);
    const base = { documentId, kind, invoiceId, number: source.number };
    if (signed.ok) {
      await insertTeifDocument(db, { ...base, status: 'pending', signedXml: signed.signedXml });
      return [];
    }
    if (!(await insertTeifDocument(db, { ...base, status: 'refused', refusalReason: signed.reason }))) return [];
    this.options.logger.error('TEIF document does not pass the schema; not submitted', { number: source.number, reason: signed.reason });
    return [newEvent(systemCaller(correlationId), 'billing.teif.refused', subjectOf(base, ownerUserId), { ...base, reason: signed.reason, by: 'ecar' })];
  }

  /**
   * Records the documents whose issue event never reached the consumer (see
   * `documentsWithoutTeif`): the subscription is the usual path, this sweep makes sure no issued
   * document is left without its TEIF. Returns how many it recorded.
   */
  async recordMissed(): Promise<number> {
    const missed = await documentsWithoutTeif(this.dataSource.manager, this.options.sweepGraceMs, this.options.batchSize ?? 10);
    for (const document of missed) {
      await this.unitOfWork.run(async (db) => ({ result: undefined, events: await this.recordIssued(db, document.kind, document.id, `teif-sweep-${document.id}`) }));
      this.options.logger.warn('TEIF recorded by the sweep: its issue event did not reach the consumer', { kind: document.kind, documentId: document.id });
    }
    return missed.length;
  }

  /** Submits due documents until none is left; returns how many were handled (the job calls it). */
  async submitDue(): Promise<number> {
    await this.recordMissed();
    const gateway = this.options.gateway;
    if (!gateway) return 0;
    let handled = 0;
    for (;;) {
      const count = await this.submitBatch(gateway);
      handled += count;
      if (count < (this.options.batchSize ?? 10)) return handled;
    }
  }

  /**
   * One batch: each due document is sent once under its row lock (SKIP LOCKED: two replicas never
   * send the same document) and leaves `pending` only for `accepted` or `refused`; an outage
   * postpones it with backoff. The answer and its event commit together.
   */
  private submitBatch(gateway: TtnGateway): Promise<number> {
    return this.unitOfWork.run(async (db) => {
      const due = await claimDueTeifDocuments(db, this.options.batchSize ?? 10);
      const events: NewEvent[] = [];
      for (const row of due) {
        const invoice = await findInvoice(db, row.invoiceId);
        const sellerTaxId = invoice?.seller?.taxId ?? '';
        const by = systemCaller(`teif-${row.documentId}`);
        const subject = subjectOf(row, invoice?.ownerUserId ?? null);
        const base = { documentId: row.documentId, invoiceId: row.invoiceId, kind: row.kind, number: row.number };
        try {
          const answer = await gateway.submit({ sellerTaxId: teifTaxId(sellerTaxId), number: row.number, fileName: teifFileName(sellerTaxId, row.number), signedXml: row.signedXml! });
          if (answer.outcome === 'accepted') {
            await markTeifAccepted(db, row.documentId, answer);
            events.push(newEvent(by, 'billing.teif.accepted', subject, { ...base, ttnReference: answer.reference, attempts: row.attempts + 1 }));
          } else {
            await markTeifRefused(db, row.documentId, answer.reason, 'ttn');
            events.push(newEvent(by, 'billing.teif.refused', subject, { ...base, reason: answer.reason, by: 'ttn' }));
            this.options.logger.warn('TTN refused a TEIF document', { number: row.number, reason: answer.reason });
          }
        } catch (error) {
          if (!(error instanceof TtnUnavailableError)) throw error;
          const retryInMs = this.options.retryDelay(row.attempts);
          await postponeTeif(db, row.documentId, error.message, retryInMs);
          this.options.logger.warn('TTN unavailable; TEIF submission postponed', { number: row.number, attempts: row.attempts + 1, retryInMs, error: error.message });
        }
      }
      return { result: due.length, events };
    });
  }

  /** TTN's reference and QR content for the PDF, once El Fatoora accepted the document. */
  async acceptedMention(documentId: string): Promise<{ reference: string; qr: string } | undefined> {
    const row = await findTeifDocument(this.dataSource.manager, documentId);
    return row?.status === 'accepted' && row.ttnReference && row.ttnQr ? { reference: row.ttnReference, qr: row.ttnQr } : undefined;
  }

  /** The TEIF record of an invoice or credit note (super-admins). */
  async document(caller: Caller, kind: TeifDocumentKind, documentId: string): Promise<TeifDocumentRow> {
    if (!isAdmin(caller)) throw forbidden();
    const row = await findTeifDocument(this.dataSource.manager, documentId);
    if (!row || row.kind !== kind) throw notFound('No TEIF document for this document yet (it is produced right after issue)');
    return row;
  }

  /**
   * A super-admin sends a refused document again, rebuilt and re-signed (the cause may have been
   * the certificate or data since corrected). Accepted or pending: 409, nothing is sent twice.
   */
  async resubmit(caller: Caller, kind: TeifDocumentKind, documentId: string): Promise<TeifDocumentRow> {
    if (!isAdmin(caller)) throw forbidden();
    return this.unitOfWork.run(async (db) => {
      const row = await findTeifDocument(db, documentId, { lock: true });
      if (!row || row.kind !== kind) throw notFound('No TEIF document for this document');
      if (row.status === 'accepted') throw conflict(`${row.number} was accepted by TTN (${row.ttnReference}); it is never submitted again`);
      if (row.status === 'pending') throw conflict(`${row.number} is already waiting for submission`);
      const { source, ownerUserId } = await sourceOf(db, row.kind, row.documentId);
      const signed = await this.sign(source);
      if (!signed.ok) throw conflict(`The TEIF document still does not pass the schema: ${signed.reason}`);
      await requeueRefusedTeif(db, documentId, signed.signedXml);
      const base = { documentId: row.documentId, invoiceId: row.invoiceId, kind: row.kind, number: row.number };
      return { result: (await findTeifDocument(db, documentId))!, events: [newEvent(caller, 'billing.teif.resubmitted', subjectOf(row, ownerUserId), base)] };
    });
  }
}

/** The TEIF source of an issued invoice or credit note, read in `db`. */
async function sourceOf(db: EntityManager, kind: TeifDocumentKind, documentId: string): Promise<{ source: TeifSource; invoiceId: string; ownerUserId: string | null }> {
  if (kind === 'invoice') {
    const invoice = await findInvoice(db, documentId);
    if (!invoice) throw notFound('Invoice not found');
    const totals = {
      vat: invoice.vatBreakdown ?? [],
      totalHtMillimes: invoice.totalHt ?? 0,
      totalVatMillimes: invoice.totalVat ?? 0,
      stampMillimes: invoice.stamp ?? 0,
      totalTtcMillimes: invoice.totalTtc ?? 0,
    };
    return { source: invoiceTeifSource({ invoice, lines: await linesOf(db, invoice.id), totals }), invoiceId: invoice.id, ownerUserId: invoice.ownerUserId };
  }
  const note = await findCreditNote(db, documentId);
  const invoice = note ? await findInvoice(db, note.invoiceId) : undefined;
  if (!note || !invoice) throw notFound('Credit note not found');
  return { source: creditNoteTeifSource(note, invoice), invoiceId: invoice.id, ownerUserId: invoice.ownerUserId };
}
