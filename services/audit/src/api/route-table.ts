import type { Response } from 'express';
import { ADMIN } from '@ecar/contracts';
import { alertAckBody, alertListQuery, auditEventsQuery, dataAccessQuery, ownReadsQuery, verifyQuery } from '@ecar/contracts/requests/audit';
import { route, type Route } from '@ecar/runtime';
import type { Alerts } from '../domain/alerts.ts';
import { csvHeader, csvLine } from '../domain/csv.ts';
import type { AuditFilters, AuditLog } from '../domain/log-search.ts';
import type { SubjectReads } from '../domain/subject-reads.ts';

/** A CSV export streams at most this many rows; narrow the filters for more. */
export const MAX_CSV_ROWS = 100_000;
const CSV_PAGE = 1_000;

function splitSubject(subject: string): { type: string; id: string | undefined } {
  const index = subject.indexOf(':');
  return index < 0 ? { type: subject, id: undefined } : { type: subject.slice(0, index), id: subject.slice(index + 1) };
}

function timeRange(query: { from?: string | undefined; to?: string | undefined }): Pick<AuditFilters, 'from' | 'to'> {
  return { ...(query.from ? { from: new Date(query.from) } : {}), ...(query.to ? { to: new Date(query.to) } : {}) };
}

async function streamCsv(log: AuditLog, res: Response, filters: AuditFilters): Promise<void> {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', 'attachment; filename="ecar-audit.csv"');
  res.write(csvHeader());
  for await (const rows of log.export(filters, MAX_CSV_ROWS, CSV_PAGE)) {
    for (const row of rows) {
      if (!res.write(csvLine(row))) await new Promise((resolve) => res.once('drain', resolve));
    }
  }
  res.end();
}

/** Everything under /api/v1/audit is for super-admins only, but a customer's own access records under /api/v1/audit/me. */
export function auditRoutes({ log, alerts, subjectReads }: { log: AuditLog; alerts: Alerts; subjectReads: SubjectReads }): Route[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/audit/events',
      roles: ADMIN,
      query: auditEventsQuery,
      produces: ['application/json', 'text/csv'],
      summary: 'The log, newest first, filtered; JSON pages or a CSV export',
      async handle({ query, res }) {
        const subject = query.subject ? splitSubject(query.subject) : undefined;
        const filters: AuditFilters = {
          ...(query.actor ? { actor: query.actor } : {}),
          ...(subject ? { subjectType: subject.type } : {}),
          ...(subject?.id ? { subjectId: subject.id } : {}),
          ...(query.type ? { type: query.type } : {}),
          ...(query.action ? { action: query.action } : {}),
          ...(query.ip ? { ip: query.ip } : {}),
          ...timeRange(query),
        };
        if (query.format === 'csv') return streamCsv(log, res, filters);
        return log.search(filters, query.cursor, query.limit);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/audit/access',
      roles: ADMIN,
      query: dataAccessQuery,
      // AUD-4: who read this customer's data, and when (the subject, or one of the customers a list read showed).
      summary: "Who read one subject's data (e.g. a customer), and when",
      async handle({ query }) {
        const { type, id } = splitSubject(query.subject);
        const filters: AuditFilters = { ref: { type, id: id ?? '' }, action: 'access', ...(query.actor ? { actor: query.actor } : {}), ...timeRange(query) };
        return log.search(filters, query.cursor, query.limit);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/audit/verify',
      roles: ADMIN,
      query: verifyQuery,
      summary: 'Verify the hash chain now: in full (default), or from the last checkpoint (mode=incremental)',
      handle: ({ query }) => log.verify(query.mode),
    }),
    route({
      method: 'get',
      path: '/api/v1/audit/alerts',
      roles: ADMIN,
      query: alertListQuery,
      summary: 'Alerts raised by the anomaly rules, newest first (INC-1)',
      async handle({ query }) {
        return alerts.page({ status: query.status, rule: query.rule }, query.cursor, query.limit);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/audit/alerts/:id/ack',
      roles: ADMIN,
      body: alertAckBody,
      summary: 'Take an alert in hand (itself audited)',
      async handle({ caller, params, body }) {
        return alerts.acknowledge(caller, params.id, body.note);
      },
    }),
      route({
      method: 'get',
      path: '/api/v1/audit/me/reads',
      roles: ['customer'],
      query: ownReadsQuery,
      // Issue 15: "who read my data", the customer's side of AUD-4 (their own records only).
      summary: 'Who read the signed-in customer’s data, and when, and what (their own records only; staff by display name)',
      async handle({ caller, query }) {
        return subjectReads.ofAccount(caller.userId, query.cursor, query.limit);
      },
    }),
];
}
