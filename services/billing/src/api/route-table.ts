import type { Response } from 'express';
import { ADMIN, ADMIN_CUSTOMER } from '@ecar/contracts';
import { createDraftBody, creditNoteBody, listQuery, paymentBody, reversalBody, updateDraftBody } from '@ecar/contracts/requests/billing';
import { route, type Route } from '@ecar/runtime';
import type { BillingContext } from '../domain/context.ts';
import { issueCreditNote } from '../domain/credit-notes.ts';
import { createDraft, updateDraft } from '../domain/drafts.ts';
import { issueInvoice } from '../domain/issuing.ts';
import { recordPayment, reversePayment } from '../domain/payments.ts';
import { creditNoteView, invoiceCreditNotes, invoicePage, invoicePayments, invoiceView } from '../domain/queries.ts';
import { creditNotePdf, invoiceDocument } from '../pdf/documents.ts';
import { renderFiscalDocument } from '../pdf/fiscal-document.ts';
import { noneMatchHits, pdfCacheKey } from '../pdf/pdf-cache.ts';
import { teifInvoiceXml, teifTaxId } from '../teif/teif-invoice.ts';
import { presentCreditNote, presentInvoice, presentInvoiceSummary, presentPayment } from './present.ts';
import { teifRoutes } from './teif-routes.ts';
import { reportRoutes } from './report-routes.ts';

function sendPdf(res: Response, filename: string, pdf: Buffer): void {
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}.pdf"`);
  res.type('application/pdf').send(pdf);
}

/**
 * Every billing route, once: mounted as is, documented in OpenAPI, walked by the access-matrix
 * test. Technicians have no billing access at all (AUTH-4); customers reach their own issued
 * invoices (the use cases answer 404 for anyone else's); the rest is super-admin only.
 */
export function billingRoutes(context: BillingContext): Route[] {
  return [
    route({
      name: 'listInvoices',
      method: 'get',
      path: '/api/v1/invoices',
      roles: ADMIN_CUSTOMER,
      query: listQuery(context.pageMax),
      summary: 'List invoices (customers: their own issued invoices)',
      async handle({ caller, query }) {
        const page = await invoicePage(context, caller, query);
        return { items: page.items.map(presentInvoiceSummary), nextCursor: page.nextCursor };
      },
    }),
    route({
      name: 'createDraft',
      method: 'post',
      path: '/api/v1/invoices',
      roles: ADMIN,
      body: createDraftBody,
      success: 201,
      summary: 'Create a draft invoice',
      async handle({ caller, body, res }) {
        const invoiceId = await createDraft(context, body, caller);
        res.location(`/api/v1/invoices/${invoiceId}`);
        return presentInvoice(await invoiceView(context, invoiceId, caller));
      },
    }),
    route({
      name: 'getInvoice',
      method: 'get',
      path: '/api/v1/invoices/:invoiceId',
      roles: ADMIN_CUSTOMER,
      summary: 'Read an invoice with its lines, VAT breakdown and balance',
      handle: async ({ caller, params }) => presentInvoice(await invoiceView(context, params.invoiceId, caller, 'detail')),
    }),
    route({
      name: 'updateDraft',
      method: 'patch',
      path: '/api/v1/invoices/:invoiceId',
      roles: ADMIN,
      body: updateDraftBody,
      summary: 'Change a draft (buyer, owner, lines); an issued invoice is refused',
      async handle({ caller, params, body }) {
        await updateDraft(context, params.invoiceId, body, caller);
        return presentInvoice(await invoiceView(context, params.invoiceId, caller));
      },
    }),
    route({
      name: 'issueInvoice',
      method: 'post',
      path: '/api/v1/invoices/:invoiceId/issue',
      roles: ADMIN,
      summary: 'Issue a draft: allocate its number, freeze it',
      async handle({ caller, params }) {
        await issueInvoice(context, params.invoiceId, caller);
        return presentInvoice(await invoiceView(context, params.invoiceId, caller));
      },
    }),
    route({
      name: 'invoicePdf',
      method: 'get',
      path: '/api/v1/invoices/:invoiceId/pdf',
      roles: ADMIN_CUSTOMER,
      produces: ['application/pdf'],
      summary: 'The issued invoice as PDF (French and Arabic; TTN reference and QR code once accepted); strong ETag, 304 on If-None-Match',
      async handle({ caller, params, req, res }) {
        // Visibility is checked and the read recorded (AUD-4) first, for a 304 as for a 200.
        const view = await invoiceView(context, params.invoiceId, caller, 'pdf');
        // invoiceDocument refuses a draft (409): only issued, immutable invoices reach the cache.
        const document = invoiceDocument(view, view.ttn);
        const { pdf, etag } = await context.pdfCache.getOrRender(pdfCacheKey('invoice', view.invoice.id, document), () => renderFiscalDocument(document));
        res.setHeader('ETag', etag);
        if (noneMatchHits(req.headers['if-none-match'], etag)) {
          res.setHeader('Cache-Control', 'private, no-store');
          res.status(304).end();
          return;
        }
        sendPdf(res, view.invoice.number!, pdf);
      },
    }),
    route({
      name: 'invoiceTeif',
      method: 'get',
      path: '/api/v1/invoices/:invoiceId/teif',
      roles: ADMIN,
      produces: ['application/xml'],
      summary: 'The issued invoice as TEIF XML (El Fatoora structure, unsigned)',
      async handle({ caller, params, res }) {
        const view = await invoiceView(context, params.invoiceId, caller, 'teif');
        const xml = teifInvoiceXml(view);
        res.setHeader('Content-Disposition', `attachment; filename="TEIF_${teifTaxId(context.seller.taxId)}_${view.invoice.number}.xml"`);
        res.type('application/xml').send(xml);
      },
    }),
    route({
      name: 'listPayments',
      method: 'get',
      path: '/api/v1/invoices/:invoiceId/payments',
      roles: ADMIN_CUSTOMER,
      summary: "An invoice's payments (reversed ones included, marked)",
      handle: async ({ caller, params }) => ({ items: (await invoicePayments(context, params.invoiceId, caller)).map(presentPayment) }),
    }),
    route({
      name: 'recordPayment',
      method: 'post',
      path: '/api/v1/invoices/:invoiceId/payments',
      roles: ADMIN,
      body: paymentBody,
      success: 201,
      summary: 'Record a (partial) payment; more than the balance is refused',
      handle: ({ caller, params, body }) => recordPayment(context, params.invoiceId, body, caller),
    }),
    route({
      name: 'reversePayment',
      method: 'post',
      path: '/api/v1/invoices/:invoiceId/payments/:paymentId/reverse',
      roles: ADMIN,
      body: reversalBody,
      summary: 'Reverse a payment (bounced cheque, wrong entry), with a reason',
      handle: ({ caller, params, body }) => reversePayment(context, params.invoiceId, params.paymentId, body.reason, caller),
    }),
    route({
      name: 'listCreditNotes',
      method: 'get',
      path: '/api/v1/invoices/:invoiceId/credit-notes',
      roles: ADMIN_CUSTOMER,
      summary: "An invoice's credit notes",
      handle: async ({ caller, params }) => ({ items: (await invoiceCreditNotes(context, params.invoiceId, caller)).map(presentCreditNote) }),
    }),
    route({
      name: 'issueCreditNote',
      method: 'post',
      path: '/api/v1/invoices/:invoiceId/credit-notes',
      roles: ADMIN,
      body: creditNoteBody,
      success: 201,
      summary: 'Issue a credit note (partial lines, or the full remaining amount)',
      async handle({ caller, params, body, res }) {
        const result = await issueCreditNote(context, params.invoiceId, body, caller);
        res.location(`/api/v1/credit-notes/${result.id}`);
        return presentCreditNote((await creditNoteView(context, result.id, caller)).note);
      },
    }),
    route({
      name: 'getCreditNote',
      method: 'get',
      path: '/api/v1/credit-notes/:creditNoteId',
      roles: ADMIN_CUSTOMER,
      summary: 'Read a credit note',
      handle: async ({ caller, params }) => presentCreditNote((await creditNoteView(context, params.creditNoteId, caller, 'credit-note')).note),
    }),
    route({
      name: 'creditNotePdf',
      method: 'get',
      path: '/api/v1/credit-notes/:creditNoteId/pdf',
      roles: ADMIN_CUSTOMER,
      produces: ['application/pdf'],
      summary: 'The credit note as PDF (French and Arabic; TTN reference and QR code once accepted)',
      async handle({ caller, params, res }) {
        const { note, invoice } = await creditNoteView(context, params.creditNoteId, caller, 'credit-note-pdf');
        sendPdf(res, note.number, await creditNotePdf(note, invoice, await context.teif.acceptedMention(note.id)));
      },
    }),
    ...teifRoutes(context),
    ...reportRoutes(context),
  ];
}
