import { ADMIN } from '@ecar/contracts';
import { reportExportQuery, reportQuery } from '@ecar/contracts/requests/reports';
import { route, type Route } from '@ecar/runtime';
import type { BillingContext } from '../domain/context.ts';
import { readModelState, requestReplay } from '../domain/report-replay.ts';
import { buildReport } from '../domain/reports.ts';
import { reportCsv } from '../reports/report-csv.ts';
import { reportPdf } from '../reports/report-pdf.ts';
import { reportSheets } from '../reports/report-sheets.ts';
import { reportXlsx } from '../reports/report-xlsx.ts';

const MEDIA = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
} as const;

/** Reports and dashboard figures (super-admin only; docs/reports.md). */
export function reportRoutes(context: BillingContext): Route[] {
  return [
    route({
      name: 'getReport',
      method: 'get',
      path: '/api/v1/reports',
      roles: ADMIN,
      query: reportQuery,
      summary: 'Figures of a period: revenue HT/TVA/TTC, VAT per rate per month, unpaid invoices by age, hours clocked vs billed, open work orders, average repair order',
      handle: ({ caller, query }) => buildReport(context, caller, query),
    }),
    route({
      name: 'exportReport',
      method: 'get',
      path: '/api/v1/reports/export',
      roles: ADMIN,
      query: reportExportQuery,
      produces: [MEDIA.csv, MEDIA.xlsx, MEDIA.pdf],
      summary: 'The report of a period as CSV, XLSX or printable PDF (French, Arabic or English)',
      async handle({ caller, query, res }) {
        const { format, lang, ...period } = query;
        const report = await buildReport(context, caller, period);
        const sheets = reportSheets(report, lang);
        const heading = `${period.from} – ${period.to}`;
        const body = format === 'csv' ? Buffer.from(reportCsv(sheets, heading, lang), 'utf8') : format === 'xlsx' ? await reportXlsx(sheets, heading, lang) : await reportPdf(sheets, heading, lang);
        res.setHeader('Cache-Control', 'private, no-store');
        res.setHeader('Content-Disposition', `attachment; filename="rapport_${period.from}_${period.to}.${format}"`);
        res.type(MEDIA[format]).send(body);
      },
    }),
    route({
      name: 'getReportReadModel',
      method: 'get',
      path: '/api/v1/reports/read-model',
      roles: ADMIN,
      summary: "What the reports' read model of garage's work orders holds (since when), and the progress of the latest rebuild",
      handle: ({ caller }) => readModelState(context, caller),
    }),
    route({
      name: 'rebuildReportReadModel',
      method: 'post',
      path: '/api/v1/reports/read-model/rebuild',
      roles: ADMIN,
      success: 202,
      summary: "Rebuild the reports' read model: garage republishes its work-order history as events (nothing is counted twice); while one is under way, its progress (no second one)",
      handle: ({ caller }) => requestReplay(context, caller),
    }),
  ];
}
