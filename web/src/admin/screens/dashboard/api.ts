import type { AlertResponse } from '@ecar/contracts/responses/audit';
import type { BackupRunResponse, DrillResponse } from '@ecar/contracts/responses/backup';
import type { InvoiceResponse, InvoiceSummaryResponse } from '@ecar/contracts/responses/billing';
import type { AppointmentResponse, WorkOrderResponse } from '@ecar/contracts/responses/garage';
import { apiJson } from '../../../shell/api/client.ts';
import type { CursorPage } from '../../../shell/api/paging.ts';
import type { BoardStatus } from './queries.ts';

/** What the dashboard reads of each service's answers (GET lists of garage, billing, audit, backup), picked from @ecar/contracts. */
export type Appointment = AppointmentResponse;

export { BOARD_STATUSES, type BoardStatus } from './queries.ts';

export type WorkOrderSummary = Pick<WorkOrderResponse, 'id' | 'number' | 'complaint' | 'createdAt'> & { status: BoardStatus };

export type InvoiceSummary = Pick<InvoiceSummaryResponse, 'id' | 'number' | 'issueDate' | 'buyerName' | 'totalTtcMillimes'>;

export type InvoiceBalance = Pick<InvoiceResponse, 'id' | 'paymentStatus'> & { balance: Pick<InvoiceResponse['balance'], 'balanceMillimes'> };

export type Alert = Pick<AlertResponse, 'id' | 'rule' | 'severity' | 'summary' | 'raisedAt'>;

export type BackupRun = Pick<BackupRunResponse, 'id' | 'status' | 'startedAt' | 'finishedAt' | 'upload'>;

export type Drill = Pick<DrillResponse, 'id' | 'status' | 'startedAt' | 'finishedAt' | 'mismatches'>;

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
