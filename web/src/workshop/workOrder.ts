import type { LineApproval, WorkOrderStatus } from '@ecar/contracts/requests/garage';

export type { WorkOrderStatus };

/** A row of GET /api/v1/work-orders. */
export interface WorkOrder {
  id: string;
  customerId: string;
  vehicleId: string;
  appointmentId: string | null;
  status: WorkOrderStatus;
  complaint: string;
  mileageInKm: number | null;
  estimateDecision: 'approved' | 'declined' | null;
  estimateDecidedBy: string | null;
  estimateDecidedAt: string | null;
  estimateDecidedIp: string | null;
  completedAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WorkOrderLine {
  id: string;
  kind: 'labour' | 'part';
  description: string;
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp: number;
  /** Only approved lines are invoiced (issue #14). */
  approval: LineApproval;
  addedBy: string;
  createdAt: string;
}

export interface TimeEntry {
  id: string;
  technicianId: string;
  startedAt: string;
  endedAt: string | null;
}

/** GET /api/v1/work-orders/:id — the job card (technicians get the customer's name and phone only). */
export interface WorkOrderDetail extends WorkOrder {
  customer: { id: string; name: string; phone: string | null } | null;
  vehicle: { id: string; plate: string; make: string; model: string; year: number } | null;
  technicianIds: string[];
  lines: WorkOrderLine[];
  totals: { netMillimes: number; vatMillimes: number; grossMillimes: number; vatByRate: Array<{ vatRateBp: number; baseMillimes: number; vatMillimes: number }> };
  /** What the customer approved: the invoicing ceiling. */
  approvedTotals: { netMillimes: number; vatMillimes: number; grossMillimes: number };
  timeEntries: TimeEntry[];
}

/** The repair's path, as the customer follows it (declined and cancelled end it early). */
export const PROGRESS: readonly WorkOrderStatus[] = ['open', 'estimate_sent', 'approved', 'in_progress', 'completed', 'delivered'];

/** A line's amount before VAT: quantity (thousandths) × unit price, rounded half up like the service. */
export function lineNetMillimes(line: Pick<WorkOrderLine, 'quantityMilli' | 'unitPriceMillimes'>): bigint {
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
export const WORK_ORDER_STATUS_FILTERS: readonly WorkOrderStatus[] = ['approved', 'in_progress', 'open', 'estimate_sent', 'completed', 'delivered', 'declined', 'cancelled'];
