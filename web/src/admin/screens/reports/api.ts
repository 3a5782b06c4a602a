import type { ReportFormat, ReportGranularity } from '@ecar/contracts/requests/reports';
import type { ReportReadModelResponse, ReportResponse } from '@ecar/contracts/responses/reports';
import { apiJson, downloadFile } from '../../../shell/api/client.ts';
import { tunisDay } from '../../../shell/format.ts';

export interface Period {
  from: string;
  to: string;
  granularity: ReportGranularity;
}

export const REPORTS_KEY = 'reports';

export function fetchReport(period: Period, signal?: AbortSignal): Promise<ReportResponse> {
  return apiJson<ReportResponse>('/api/v1/reports', { query: { ...period }, signal });
}

export const READ_MODEL_KEY = 'reports-read-model';

/** What the reports' read model of garage's work orders holds, and the latest rebuild's progress. */
export function fetchReadModel(signal?: AbortSignal): Promise<ReportReadModelResponse> {
  return apiJson<ReportReadModelResponse>('/api/v1/reports/read-model', { signal });
}

/** Asks garage to replay its work-order history into the read model (or shows the rebuild under way). */
export function rebuildReadModel(): Promise<ReportReadModelResponse> {
  return apiJson<ReportReadModelResponse>('/api/v1/reports/read-model/rebuild', { method: 'POST' });
}

export function downloadReport(period: Period, format: ReportFormat, lang: 'fr' | 'ar' | 'en'): Promise<void> {
  return downloadFile('/api/v1/reports/export', `rapport_${period.from}_${period.to}.${format}`, { query: { ...period, format, lang } });
}

const pad = (value: number) => String(value).padStart(2, '0');
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The month of a Tunis calendar day (`2026-06-14` → 1–30 June), the one before it, its year. */
export function presetPeriod(preset: 'thisMonth' | 'lastMonth' | 'thisYear', today = tunisDay(new Date())): Period {
  const [year, month] = today.split('-').map(Number) as [number, number];
  if (preset === 'thisYear') return { from: `${year}-01-01`, to: `${year}-12-31`, granularity: 'month' };
  const [y, m] = preset === 'thisMonth' ? [year, month] : month === 1 ? [year - 1, 12] : [year, month - 1];
  return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}`, granularity: 'day' };
}
