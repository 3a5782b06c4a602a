import type { Request, Response } from 'express';
import type { Role } from '@ecar/contracts';
import { badRequest, parseInput } from '@ecar/errors';
import { issueCreditNote } from '../domain/credit-notes.ts';
import { createDraft, updateDraft } from '../domain/drafts.ts';
import { issueInvoice } from '../domain/issuing.ts';
import { recordPayment, reversePayment } from '../domain/payments.ts';
import { creditNoteView, invoiceCreditNotes, invoicePage, invoicePayments, invoiceView } from '../domain/queries.ts';
import type { BillingContext } from '../domain/context.ts';
import type { ListPosition } from '../data/invoices.ts';
import type { Caller } from '../domain/types.ts';
import { creditNotePdf, invoicePdf } from '../pdf/documents.ts';
import { teifInvoiceXml, teifTaxId } from '../teif/teif-invoice.ts';
import { presentCreditNote, presentInvoice, presentInvoiceSummary, presentPayment } from './present.ts';
import { createDraftBody, creditNoteBody, idParam, listQuery, paymentBody, reversalBody, updateDraftBody } from '@ecar/contracts/requests/billing';
import { z } from 'zod';

const emptyQuery = z.object({}).strict();

export interface RouteDeps {
  context: BillingContext;
  pageMax: number;
}

export interface RouteCall {
  req: Request;
  res: Response;
  caller: Caller;
  deps: RouteDeps;
}

/**
 * How a customer relates to a route: `own` — an object of their own answers, anyone else's is
 * 404; `own-list` — the list holds only their own objects; `none` — customers get 403.
 */
export type CustomerAccess = 'own' | 'own-list' | 'none';

export interface BillingRoute {
  name: string;
  method: 'get' | 'post' | 'patch';
  path: string;
  summary: string;
  customer: CustomerAccess;
  /** The status of a successful call. */
  success: 200 | 201;
  handle(call: RouteCall): Promise<void>;
}

/** Technicians have no billing access at all (AUTH-4); super-admins have all of it. */
export function rolesOf(route: Pick<BillingRoute, 'customer'>): readonly Role[] {
  return route.customer === 'none' ? ['super-admin'] : ['super-admin', 'customer'];
}

const id = (req: Request, name: string) => parseInput(idParam, req.params[name], `${name} path parameter`);
const noQuery = (req: Request) => parseInput(emptyQuery, req.query, 'query');

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

/** A list cursor is the last row's position (microsecond timestamp and id), opaque to clients. */
function decodeCursor(cursor: string): ListPosition {
  const [at, invoiceId] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const milliseconds = at?.slice(0, 23);
  const date = new Date(`${milliseconds}Z`);
  // A well-formed but impossible date (month 13) would reach PostgreSQL as an error: refuse it here.
  const valid = at && CURSOR_AT.test(at) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 23) === milliseconds;
  if (!valid || !idParam.safeParse(invoiceId).success) throw badRequest('The cursor is invalid');
  return { at, id: invoiceId! };
}

const encodeCursor = (position: ListPosition) => Buffer.from(`${position.at}|${position.id}`).toString('base64url');

function sendPdf(res: Response, filename: string, pdf: Buffer): void {
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}.pdf"`);
  res.type('application/pdf').send(pdf);
}

/**
 * Every billing route, once: the router mounts exactly these (with the role guard derived from
 * `customer`), the OpenAPI document lists them, and the access-matrix test walks them all.
 */
export const BILLING_ROUTES = [
  {
    name: 'listInvoices',
    method: 'get',
    path: '/api/v1/invoices',
    summary: 'List invoices (customers: their own issued invoices)',
    customer: 'own-list',
    success: 200,
    async handle({ req, res, caller, deps }) {
      const query = parseInput(listQuery(deps.pageMax), req.query, 'query');
      const { items, hasMore } = await invoicePage(deps.context, caller, {
        ...(query.status ? { status: query.status } : {}),
        ...(query.cursor ? { before: decodeCursor(query.cursor) } : {}),
        limit: query.limit,
      });
      const last = items[items.length - 1];
      res.json({ items: items.map(presentInvoiceSummary), nextCursor: hasMore && last ? encodeCursor(last.position) : null });
    },
  },
  {
    name: 'createDraft',
    method: 'post',
    path: '/api/v1/invoices',
    summary: 'Create a draft invoice',
    customer: 'none',
    success: 201,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      const body = parseInput(createDraftBody, req.body, 'draft');
      const invoiceId = await createDraft(deps.context, body, caller);
      res.status(201).location(`/api/v1/invoices/${invoiceId}`).json(presentInvoice(await invoiceView(deps.context, invoiceId, caller)));
    },
  },
  {
    name: 'getInvoice',
    method: 'get',
    path: '/api/v1/invoices/:invoiceId',
    summary: 'Read an invoice with its lines, VAT breakdown and balance',
    customer: 'own',
    success: 200,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      res.json(presentInvoice(await invoiceView(deps.context, id(req, 'invoiceId'), caller, 'detail')));
    },
  },
  {
    name: 'updateDraft',
    method: 'patch',
    path: '/api/v1/invoices/:invoiceId',
    summary: 'Change a draft (buyer, owner, lines); an issued invoice is refused',
    customer: 'none',
    success: 200,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      const invoiceId = id(req, 'invoiceId');
      await updateDraft(deps.context, invoiceId, parseInput(updateDraftBody, req.body, 'draft change'), caller);
      res.json(presentInvoice(await invoiceView(deps.context, invoiceId, caller)));
    },
  },
  {
    name: 'issueInvoice',
    method: 'post',
    path: '/api/v1/invoices/:invoiceId/issue',
    summary: 'Issue a draft: allocate its number, freeze it',
    customer: 'none',
    success: 200,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      parseInput(emptyQuery, req.body ?? {}, 'body');
      const invoiceId = id(req, 'invoiceId');
      await issueInvoice(deps.context, invoiceId, caller);
      res.json(presentInvoice(await invoiceView(deps.context, invoiceId, caller)));
    },
  },
  {
    name: 'invoicePdf',
    method: 'get',
    path: '/api/v1/invoices/:invoiceId/pdf',
    summary: 'The issued invoice as PDF (French)',
    customer: 'own',
    success: 200,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      const view = await invoiceView(deps.context, id(req, 'invoiceId'), caller, 'pdf');
      sendPdf(res, view.invoice.number ?? 'brouillon', await invoicePdf(view));
    },
  },
  {
    name: 'invoiceTeif',
    method: 'get',
    path: '/api/v1/invoices/:invoiceId/teif',
    summary: 'The issued invoice as TEIF XML (El Fatoora structure, unsigned)',
    customer: 'none',
    success: 200,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      const view = await invoiceView(deps.context, id(req, 'invoiceId'), caller, 'teif');
      const xml = teifInvoiceXml(view);
      res.setHeader('Content-Disposition', `attachment; filename="TEIF_${teifTaxId(deps.context.seller.taxId)}_${view.invoice.number}.xml"`);
      res.type('application/xml').send(xml);
    },
  },
  {
    name: 'listPayments',
    method: 'get',
    path: '/api/v1/invoices/:invoiceId/payments',
    summary: "An invoice's payments (reversed ones included, marked)",
    customer: 'own',
    success: 200,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      res.json({ items: (await invoicePayments(deps.context, id(req, 'invoiceId'), caller)).map(presentPayment) });
    },
  },
  {
    name: 'recordPayment',
    method: 'post',
    path: '/api/v1/invoices/:invoiceId/payments',
    summary: 'Record a (partial) payment; more than the balance is refused',
    customer: 'none',
    success: 201,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      const invoiceId = id(req, 'invoiceId');
      const result = await recordPayment(deps.context, invoiceId, parseInput(paymentBody, req.body, 'payment'), caller);
      res.status(201).json(result);
    },
  },
  {
    name: 'reversePayment',
    method: 'post',
    path: '/api/v1/invoices/:invoiceId/payments/:paymentId/reverse',
    summary: 'Reverse a payment (bounced cheque, wrong entry), with a reason',
    customer: 'none',
    success: 200,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      const body = parseInput(reversalBody, req.body, 'reversal');
      res.json(await reversePayment(deps.context, id(req, 'invoiceId'), id(req, 'paymentId'), body.reason, caller));
    },
  },
  {
    name: 'listCreditNotes',
    method: 'get',
    path: '/api/v1/invoices/:invoiceId/credit-notes',
    summary: "An invoice's credit notes",
    customer: 'own',
    success: 200,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      res.json({ items: (await invoiceCreditNotes(deps.context, id(req, 'invoiceId'), caller)).map(presentCreditNote) });
    },
  },
  {
    name: 'issueCreditNote',
    method: 'post',
    path: '/api/v1/invoices/:invoiceId/credit-notes',
    summary: 'Issue a credit note (partial lines, or the full remaining amount)',
    customer: 'none',
    success: 201,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      const result = await issueCreditNote(deps.context, id(req, 'invoiceId'), parseInput(creditNoteBody, req.body, 'credit note'), caller);
      res.status(201).location(`/api/v1/credit-notes/${result.id}`).json(presentCreditNote((await creditNoteView(deps.context, result.id, caller)).note));
    },
  },
  {
    name: 'getCreditNote',
    method: 'get',
    path: '/api/v1/credit-notes/:creditNoteId',
    summary: 'Read a credit note',
    customer: 'own',
    success: 200,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      res.json(presentCreditNote((await creditNoteView(deps.context, id(req, 'creditNoteId'), caller, 'credit-note')).note));
    },
  },
  {
    name: 'creditNotePdf',
    method: 'get',
    path: '/api/v1/credit-notes/:creditNoteId/pdf',
    summary: 'The credit note as PDF (French)',
    customer: 'own',
    success: 200,
    async handle({ req, res, caller, deps }) {
      noQuery(req);
      const { note, invoice } = await creditNoteView(deps.context, id(req, 'creditNoteId'), caller, 'credit-note-pdf');
      sendPdf(res, note.number, await creditNotePdf(note, invoice));
    },
  },
] as const satisfies readonly BillingRoute[];

export type BillingRouteName = (typeof BILLING_ROUTES)[number]['name'];
