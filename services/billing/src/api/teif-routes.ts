import { ADMIN } from '@ecar/contracts';
import { route, type Route } from '@ecar/runtime';
import type { Caller } from '@ecar/contracts';
import type { BillingContext } from '../domain/context.ts';
import { invoiceView } from '../domain/queries.ts';
import type { TeifDocumentKind, TeifService } from '../domain/teif-submissions.ts';
import { teifFileName } from '../teif/teif-document.ts';

/** The TEIF record as the API shows it: status at El Fatoora, TTN's answer, attempts; never the XML itself. */
export function presentTeif(row: Awaited<ReturnType<TeifService['document']>>) {
  return {
    documentId: row.documentId,
    kind: row.kind,
    invoiceId: row.invoiceId,
    number: row.number,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    lastError: row.status === 'pending' ? row.lastError : null,
    refusal: row.status === 'refused' ? { reason: row.refusalReason, by: row.refusedBy } : null,
    ttnReference: row.ttnReference,
    signedAt: row.signedAt,
    decidedAt: row.decidedAt,
  };
}

/** Reads the TEIF record and records the read (AUD-4: the document names the buyer and their identifiers). */
async function readTeif(context: BillingContext, caller: Caller, kind: TeifDocumentKind, id: string, purpose: 'teif-status' | 'teif-signed') {
  const row = await context.teif.document(caller, kind, id);
  await invoiceView(context, row.invoiceId, caller, purpose);
  return row;
}

/** The three TEIF routes of one kind of document, under its own path (`/api/v1/invoices/:id`, `/api/v1/credit-notes/:id`). */
function routesOf(context: BillingContext, kind: TeifDocumentKind, base: string, what: string): Route[] {
  return [
    route({
      method: 'get',
      path: `${base}/:id/teif/status`,
      roles: ADMIN,
      summary: `El Fatoora status of the ${what} (pending, accepted with TTN's reference, refused with the reason)`,
      handle: async ({ caller, params }) => presentTeif(await readTeif(context, caller, kind, params.id, 'teif-status')),
    }),
    route({
      method: 'get',
      path: `${base}/:id/teif/signed`,
      roles: ADMIN,
      produces: ['application/xml'],
      summary: `The ${what}'s signed TEIF (XAdES-BES), as submitted to TTN`,
      async handle({ caller, params, res }) {
        const row = await readTeif(context, caller, kind, params.id, 'teif-signed');
        res.setHeader('Content-Disposition', `attachment; filename="${teifFileName(row.sellerTaxId, row.number)}"`);
        res.type('application/xml').send(row.signedXml);
      },
    }),
    route({
      method: 'post',
      path: `${base}/:id/teif/resubmit`,
      roles: ADMIN,
      success: 202,
      summary: `Send a refused ${what} to TTN again, re-signed (an accepted one never is: 409)`,
      handle: async ({ caller, params }) => presentTeif(await context.teif.resubmit(caller, kind, params.id)),
    }),
  ];
}

/** Handlers read `context.teif` when called, so the table can be built on a documentation stand-in (OpenAPI). */
export function teifRoutes(context: BillingContext): Route[] {
  return [...routesOf(context, 'invoice', '/api/v1/invoices', 'invoice'), ...routesOf(context, 'credit-note', '/api/v1/credit-notes', 'credit note')];
}
