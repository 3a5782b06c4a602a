import type { EarlyQuery } from '../../../shell/screens.ts';

/**
 * The dashboard's single-request GETs, in one place: DashboardScreen queries them, and the screen
 * entry (admin/screens.ts, `early`) has them started with the session check when the back office
 * opens on the dashboard. No import of the API client here: this module is in the boot chunk.
 */

/** Every query of the dashboard starts with this key: one "refresh" invalidates them all. */
export const KEY = 'dashboard';
/** Unpaid invoices are looked for among this many most recent issued ones (billing has no unpaid filter). */
export const RECENT_INVOICES = 20;
const BOARD_CARDS = 20;

export const BOARD_STATUSES = ['open', 'estimate_sent', 'approved', 'in_progress', 'waiting_for_parts', 'quality_check', 'completed'] as const;
export type BoardStatus = (typeof BOARD_STATUSES)[number];

export const dashboardQueries = {
  board: (status: BoardStatus): EarlyQuery => ({ key: [KEY, 'work-orders', status], path: '/api/v1/work-orders', query: { status, limit: BOARD_CARDS } }),
  issuedInvoices: { key: [KEY, 'invoices', 'issued'], path: '/api/v1/invoices', query: { status: 'issued', limit: RECENT_INVOICES } },
  alerts: { key: [KEY, 'alerts'], path: '/api/v1/audit/alerts', query: { status: 'open', limit: 10 } },
  backups: { key: [KEY, 'backups'], path: '/api/v1/backups', query: { limit: 1 } },
  drills: { key: [KEY, 'drills'], path: '/api/v1/backups/drills', query: { limit: 1 } },
} satisfies Record<string, EarlyQuery | ((status: BoardStatus) => EarlyQuery)>;

/** Alerts first: with six connections per host, what the largest paint waits for goes ahead. */
export function dashboardEarlyQueries(): EarlyQuery[] {
  const { alerts, board, issuedInvoices, backups, drills } = dashboardQueries;
  return [alerts, ...BOARD_STATUSES.map(board), issuedInvoices, backups, drills];
}
