import type { WorkOrderStatus } from '@ecar/contracts/requests/garage';
import type { WorkOrderLineResponse } from '@ecar/contracts/responses/garage';

export type { WorkOrderStatus };

// The garage's answers: defined once in @ecar/contracts (the service's type check holds them to it).
export type { WorkOrderResponse as WorkOrder, WorkOrderLineResponse as WorkOrderLine, TimeEntryResponse as TimeEntry, WorkOrderDetailResponse as WorkOrderDetail } from '@ecar/contracts/responses/garage';

/** The repair's path, as the customer follows it (declined and cancelled end it early). */
export const PROGRESS: readonly WorkOrderStatus[] = ['open', 'estimate_sent', 'approved', 'in_progress', 'completed', 'delivered'];

/** A line's amount before VAT: quantity (thousandths) × unit price, rounded half up like the service. */
export function lineNetMillimes(line: Pick<WorkOrderLineResponse, 'quantityMilli' | 'unitPriceMillimes'>): bigint {
  const product = BigInt(line.quantityMilli) * BigInt(line.unitPriceMillimes);
  return (product * 2n + 1000n) / 2000n;
}

/** "1,5" / "1.5" / "2" → thousandths (1500, 2000); undefined for anything else (at most 3 decimals). */
export function parseThousandths(text: string): number | undefined {
  const match = /^\s*(\d{1,12})(?:[.,](\d{1,3}))?\s*$/.exec(text);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(3, '0'));
  const value = whole * 1000 + fraction;
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Thousandths shown with up to three decimals in the UI language (1500 → "1,5"). */
export function formatThousandths(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(value / 1000);
}

export const VAT_RATES_BP = [1900, 1300, 700] as const;

export function formatVatRate(bp: number): string {
  return `${bp / 100} %`;
}

/** The statuses a list can be filtered by, in the order of the life cycle. */
export const WORK_ORDER_STATUS_FILTERS: readonly WorkOrderStatus[] = ['approved', 'in_progress', 'waiting_for_parts', 'quality_check', 'open', 'estimate_sent', 'completed', 'delivered', 'declined', 'cancelled'];

/** The job is under way (as garage's work-order-states.ts): started, maybe waiting for parts or in quality check, not completed. */
export function duringJob(status: WorkOrderStatus): boolean {
  return status === 'in_progress' || status === 'waiting_for_parts' || status === 'quality_check';
}

/** The step of PROGRESS a status shows (waiting for parts and quality check are part of the work). */
export function progressStep(status: WorkOrderStatus): WorkOrderStatus {
  return duringJob(status) ? 'in_progress' : status;
}
