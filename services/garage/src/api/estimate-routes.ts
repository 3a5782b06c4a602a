import { ADMIN, ADMIN_CUSTOMER, ADMIN_TECHNICIAN, CUSTOMER } from '@ecar/contracts';
import { editLineBody, estimatePdfQuery, lineDecisionsBody, recordedDecisionsBody } from '@ecar/contracts/requests/garage';
import { route, type Route } from '@ecar/runtime';
import type { EstimateService } from '../domain/estimates.ts';

/** Estimates line by line (issue #14): correct or remove a line not yet approved, the customer's answer per line, the versions. */
export function estimateRoutes(estimates: EstimateService): Route[] {
  return [
    route({
      method: 'patch',
      path: '/api/v1/work-orders/:id/lines/:lineId',
      roles: ADMIN_TECHNICIAN,
      body: editLineBody,
      summary: 'Correct a line not yet approved (open order, or awaiting approval during the job: the customer is asked again)',
      handle: ({ caller, params, body }) => estimates.editLine(caller, params.id, params.lineId, body),
    }),
    route({
      method: 'delete',
      path: '/api/v1/work-orders/:id/lines/:lineId',
      roles: ADMIN_TECHNICIAN,
      success: 204,
      summary: 'Remove a line not yet approved',
      handle: ({ caller, params }) => estimates.removeLine(caller, params.id, params.lineId),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/estimate/decisions',
      roles: CUSTOMER,
      body: lineDecisionsBody,
      summary: 'The customer approves or declines each line awaiting approval (a sent estimate: every line)',
      handle: ({ caller, params, body }) => estimates.decide(caller, params.id, body.decisions),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/estimate/recorded-decisions',
      roles: ADMIN,
      body: recordedDecisionsBody,
      summary: "Record the customer's answer per line given by phone or in person (how, who, when, their words)",
      handle: ({ caller, params, body }) => estimates.decide(caller, params.id, body.decisions, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/work-orders/:id/estimate/versions',
      roles: ADMIN,
      summary: 'Every version of the estimate: what was sent, what was approved, and how each answer was given',
      handle: ({ caller, params }) => estimates.versions(caller, params.id),
    }),
    route({
      name: 'estimatePdf',
      method: 'get',
      path: '/api/v1/work-orders/:id/estimate/pdf',
      roles: ADMIN_CUSTOMER,
      query: estimatePdfQuery,
      produces: ['application/pdf'],
      summary: 'The estimate as PDF (French, Arabic or English), numbered DV-… with its last version sent; the customer reads theirs once it was sent',
      async handle({ caller, params, query, res }) {
        const { filename, pdf } = await estimates.pdf(caller, params.id, query.lang);
        res.setHeader('Cache-Control', 'private, no-store');
        res.setHeader('Content-Disposition', `attachment; filename="${filename}.pdf"`);
        res.type('application/pdf').send(pdf);
      },
    }),
  ];
}
