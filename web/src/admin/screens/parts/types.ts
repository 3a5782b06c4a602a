/** The garage's parts, stock and canned-job answers as the back office reads them (docs/garage.md). */

export interface Part {
  id: string;
  reference: string;
  brand: string;
  description: string;
  purchasePriceMillimes: number;
  /** Weighted average purchase cost (super-admins only; absent for other roles). */
  averageCostMillimes?: number;
  sellingPriceMillimes: number;
  vatRateBp: number;
  barcode: string | null;
  reorderPointMilli: number;
  onHandMilli: number;
  /** Held for approved work-order lines; available = on hand − reserved. */
  reservedMilli: number;
  availableMilli: number;
  /** What approved lines still wait for (to order). */
  shortMilli: number;
  createdAt: string;
  updatedAt: string;
}

export interface PartDetail extends Part {
  levels: Array<{ location: string; onHandMilli: number; reservedMilli: number; availableMilli: number }>;
}

export type ReservationStatus = 'reserved' | 'released' | 'consumed';

/** What one approved work-order line holds of a part. */
export interface StockReservation {
  id: string;
  workOrderId: string;
  workOrderNumber: string;
  lineId: string;
  location: string;
  quantityMilli: number;
  reservedMilli: number;
  status: ReservationStatus;
  closeReason: string | null;
  createdAt: string;
  closedAt: string | null;
}

/** Below its reorder point, or awaited by approved lines: to order. */
export const isLow = (part: Pick<Part, 'availableMilli' | 'reorderPointMilli' | 'shortMilli'>) => part.availableMilli < part.reorderPointMilli || part.shortMilli > 0;

export type MovementKind = 'receipt' | 'consumption' | 'adjustment' | 'return';

export interface StockMovement {
  id: string;
  partId: string;
  location: string;
  kind: MovementKind;
  quantityMilli: number;
  onHandAfterMilli: number;
  reason: string | null;
  negativeAllowed: boolean;
  workOrderId: string | null;
  lineId: string | null;
  movedBy: string;
  createdAt: string;
  /** A purchase-order receipt's unit cost and the average cost after it. */
  unitCostMillimes?: number | null;
  averageCostAfterMillimes?: number | null;
  workOrderNumber?: string | null;
}

export interface CannedJob {
  id: string;
  name: string;
  description: string | null;
  make: string | null;
  model: string | null;
  labourHoursMilli: number;
  labourRateMillimes: number;
  labourVatRateBp: number;
  parts: Array<{ partId: string; quantityMilli: number }>;
  /** The service interval it sets on a vehicle (reminders, issue 15). */
  serviceIntervalMonths: number | null;
  serviceIntervalKm: number | null;
  createdAt: string;
  updatedAt: string;
}

export const VAT_RATES = ['1900', '1300', '700', '0'] as const;

/** A signed quantity in thousandths: −1500 → `-1,5` (formatThousandths takes non-negative values). */
export function formatSigned(value: number): string {
  const magnitude = Math.abs(value);
  const whole = Math.trunc(magnitude / 1000);
  const fraction = String(magnitude % 1000).padStart(3, '0').replace(/0+$/, '');
  return `${value < 0 ? '-' : ''}${fraction ? `${whole},${fraction}` : String(whole)}`;
}
