import type { AppointmentResponse, WorkOrderResponse } from '@ecar/contracts/responses/garage';
import { apiJson } from '../../../shell/api/client.ts';
import type { CursorPage } from '../../../shell/api/paging.ts';
import type { BoardStatus } from './queries.ts';

/** What the dashboard reads of each service's answers (GET lists of garage, billing, audit, backup). */
export type Appointment = AppointmentResponse;

export { BOARD_STATUSES, type BoardStatus } from './queries.ts';

export type WorkOrderSummary = Pick<WorkOrderResponse, 'id' | 'number' | 'complaint' | 'createdAt'> & { status: BoardStatus };

export interface InvoiceSummary {
  id: string;
  number: string | null;
  issueDate: string | null;
  buyerName: string;
  totalTtcMillimes: number;
}

export interface InvoiceBalance {
  id: string;
  paymentStatus: 'draft' | 'unpaid' | 'partially_paid' | 'paid' | 'credited';
  balance: { balanceMillimes: number };
}

export interface Alert {
  id: string;
  rule: string;
  severity: 'warning' | 'critical';
  summary: string;
  raisedAt: string;
}

export interface BackupRun {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  upload: { status: 'none' | 'disabled' | 'pending' | 'uploaded' | 'deleted' };
}

export interface Drill {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  mismatches: string[] | null;
}

/** Garage pages appointments by id, not by time: read every page of the day, then sort. */
export async function appointmentsBetween(from: string, to: string, signal: AbortSignal): Promise<Appointment[]> {
  const all: Appointment[] = [];
  let after: string | undefined;
  for (let page = 0; page < 10; page += 1) {
    const answer = await apiJson<CursorPage<Appointment>>('/api/v1/appointments', { query: { from, to, limit: 100, after }, signal });
    all.push(...answer.items);
    if (!answer.nextCursor) break;
    after = answer.nextCursor;
  }
  return all.sort((a, b) => a.slotStart.localeCompare(b.slotStart));
}
