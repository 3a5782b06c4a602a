import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { EVENT_TYPE_PATTERN } from '@ecar/contracts';
import type { DataSource } from '@ecar/db';
import { bigintString, parseInput } from '@ecar/errors';
import { queryAuditEvents, type AuditQuery } from '../data/audit-events.ts';
import { csvHeader, csvLine } from '../domain/csv.ts';

export const MAX_PAGE_SIZE = 200;
/** A CSV export streams at most this many rows; narrow the filters for more. */
export const MAX_CSV_ROWS = 100_000;
const CSV_PAGE = 1_000;

const subjectPattern = /^[a-z][a-z0-9_-]*(:[^:\s]{1,128})?$/;
const datetime = z.iso.datetime({ offset: true });

const eventsQuery = z
  .object({
    actor: z.string().max(64).optional(),
    subject: z.string().max(200).regex(subjectPattern, 'subject is "<type>" or "<type>:<id>"').optional(),
    type: z.string().max(128).regex(EVENT_TYPE_PATTERN).optional(),
    action: z.enum(['create', 'update', 'delete', 'access', 'auth', 'admin', 'system']).optional(),
    ip: z.string().max(64).optional(),
    from: datetime.optional(),
    to: datetime.optional(),
    cursor: bigintString().optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const accessQuery = z
  .object({
    subject: z.string().max(200).regex(/^[a-z][a-z0-9_-]*:[^:\s]{1,128}$/, 'subject is "<type>:<id>", e.g. customer:<uuid>'),
    actor: z.string().max(64).optional(),
    from: datetime.optional(),
    to: datetime.optional(),
    cursor: bigintString().optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  })
  .strict();

function splitSubject(subject: string): { type: string; id: string | undefined } {
  const index = subject.indexOf(':');
  return index < 0 ? { type: subject, id: undefined } : { type: subject.slice(0, index), id: subject.slice(index + 1) };
}

function timeRange(query: { from?: string | undefined; to?: string | undefined }): Pick<AuditQuery, 'from' | 'to'> {
  return { ...(query.from ? { from: new Date(query.from) } : {}), ...(query.to ? { to: new Date(query.to) } : {}) };
}

async function page(dataSource: DataSource, res: Response, filters: Omit<AuditQuery, 'limit' | 'before'>, cursor: string | undefined, limit: number) {
  const rows = await queryAuditEvents(dataSource.manager, { ...filters, ...(cursor ? { before: BigInt(cursor) } : {}), limit: limit + 1 });
  const items = rows.slice(0, limit);
  const next = rows.length > limit ? items[items.length - 1]?.seq : undefined;
  res.setHeader('Cache-Control', 'no-store');
  res.json({ items, nextCursor: next ?? null });
}

async function streamCsv(dataSource: DataSource, res: Response, filters: Omit<AuditQuery, 'limit' | 'before'>): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', 'attachment; filename="ecar-audit.csv"');
  res.write(csvHeader());
  let before: bigint | undefined;
  let written = 0;
  while (written < MAX_CSV_ROWS) {
    const rows = await queryAuditEvents(dataSource.manager, { ...filters, ...(before !== undefined ? { before } : {}), limit: CSV_PAGE });
    for (const row of rows) {
      if (!res.write(csvLine(row))) await new Promise((resolve) => res.once('drain', resolve));
    }
    written += rows.length;
    const last = rows[rows.length - 1];
    if (rows.length < CSV_PAGE || !last) break;
    before = BigInt(last.seq);
  }
  res.end();
}

/** The log, newest first, filtered; JSON pages or a CSV export. Super-admin only (mounted behind requireAuth). */
export function eventsRoutes(dataSource: DataSource): Router {
  const router = express.Router();

  router.get('/api/v1/audit/events', async (req, res) => {
    const query = parseInput(eventsQuery, req.query, 'query');
    const subject = query.subject ? splitSubject(query.subject) : undefined;
    const filters: Omit<AuditQuery, 'limit' | 'before'> = {
      ...(query.actor ? { actor: query.actor } : {}),
      ...(subject ? { subjectType: subject.type } : {}),
      ...(subject?.id ? { subjectId: subject.id } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.ip ? { ip: query.ip } : {}),
      ...timeRange(query),
    };
    if (query.format === 'csv') await streamCsv(dataSource, res, filters);
    else await page(dataSource, res, filters, query.cursor, query.limit);
  });

  // AUD-4: who read this customer's data, and when (the subject, or one of the customers a list read showed).
  router.get('/api/v1/audit/access', async (req, res) => {
    const query = parseInput(accessQuery, req.query, 'query');
    const { type, id } = splitSubject(query.subject);
    const filters: Omit<AuditQuery, 'limit' | 'before'> = {
      ref: { type, id: id ?? '' },
      action: 'access',
      ...(query.actor ? { actor: query.actor } : {}),
      ...timeRange(query),
    };
    await page(dataSource, res, filters, query.cursor, query.limit);
  });

  return router;
}
