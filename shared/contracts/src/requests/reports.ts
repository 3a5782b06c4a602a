import { z } from 'zod';

/** Request schemas of the reports (billing service, super-admin), shared with the browser app. */

const isoDate = z.iso.date();

export const REPORT_GRANULARITIES = ['day', 'month', 'year'] as const;
export type ReportGranularity = (typeof REPORT_GRANULARITIES)[number];

/** Longest period a report covers, and the longest a day-by-day revenue table covers. */
export const REPORT_MAX_DAYS = 3660;
export const REPORT_MAX_DAYS_BY_DAY = 366;

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

const periodFields = {
  /** First day of the period, inclusive (calendar date of the garage). */
  from: isoDate,
  /** Last day of the period, inclusive. */
  to: isoDate,
  granularity: z.enum(REPORT_GRANULARITIES).default('month'),
};

function checkPeriod(query: { from: string; to: string; granularity: ReportGranularity }, context: z.RefinementCtx): void {
  const days = daysBetween(query.from, query.to);
  if (days < 0) context.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
  else if (days >= REPORT_MAX_DAYS) context.addIssue({ code: 'custom', path: ['to'], message: `a report covers at most ${REPORT_MAX_DAYS} days` });
  else if (query.granularity === 'day' && days >= REPORT_MAX_DAYS_BY_DAY) context.addIssue({ code: 'custom', path: ['granularity'], message: `a day-by-day report covers at most ${REPORT_MAX_DAYS_BY_DAY} days` });
}

export const reportQuery = z.object(periodFields).strict().superRefine(checkPeriod);
export type ReportQuery = z.infer<typeof reportQuery>;

export const REPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const reportExportQuery = z
  .object({ ...periodFields, format: z.enum(REPORT_FORMATS), lang: z.enum(['fr', 'ar', 'en']).default('fr') })
  .strict()
  .superRefine(checkPeriod);
export type ReportExportQuery = z.infer<typeof reportExportQuery>;
