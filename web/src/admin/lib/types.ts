/** The API's answers as the back office reads them (services' views, docs/garage.md, docs/billing.md). */
import type { WorkOrderStatus } from '@ecar/contracts/requests/garage';

import type {
  AppointmentResponse,
  CustomerResponse,
  CustomerSummaryResponse,
  VehicleDocumentResponse,
  VehicleResponse,
  WorkOrderDetailResponse,
  WorkOrderLineResponse,
  WorkOrderResponse,
} from '@ecar/contracts/responses/garage';
import type { CustomerKind } from '@ecar/contracts/responses/garage';

// The garage's answers: defined once in @ecar/contracts (the service's type check holds them to it).
export type { AppointmentStatus, ConsentMethod, CustomerKind } from '@ecar/contracts/responses/garage';
export type CustomerSummary = CustomerSummaryResponse;
export type Customer = CustomerResponse;
export type Vehicle = VehicleResponse;
export type VehicleDocument = VehicleDocumentResponse;
export type WorkOrderLine = WorkOrderLineResponse;
export type WorkOrder = WorkOrderResponse;
export type WorkOrderDetail = WorkOrderDetailResponse;
export type Appointment = AppointmentResponse;

export const WORK_ORDER_STATUSES = ['open', 'estimate_sent', 'approved', 'declined', 'in_progress', 'completed', 'delivered', 'cancelled', 'waiting_for_parts', 'quality_check'] as const satisfies readonly WorkOrderStatus[];
export type { WorkOrderStatus };

export interface InvoiceSummary {
  id: string;
  status: 'draft' | 'issued';
  number: string | null;
  issueDate: string | null;
  workOrderId: string | null;
  /** `OR-2026-000123` (null for manual invoices and invoices drafted before numbers). */
  workOrderNumber: string | null;
  buyerName: string;
  /** Null for drafts (their totals are computed when read one by one). */
  totalTtcMillimes: number | null;
  createdAt: string;
}

export interface InvoiceLine {
  kind: 'labour' | 'part' | 'other';
  description: string;
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp: number;
}

export interface Buyer {
  name: string;
  kind: CustomerKind;
  cin?: string | null;
  taxId?: string | null;
  address?: string | null;
  stampExempt?: boolean;
}

export type PaymentStatus = 'draft' | 'unpaid' | 'partially_paid' | 'paid' | 'credited';

export interface Invoice {
  id: string;
  status: 'draft' | 'issued';
  paymentStatus: PaymentStatus;
  number: string | null;
  issueDate: string | null;
  workOrderId: string | null;
  /** `OR-2026-000123` (null for manual invoices and invoices drafted before numbers). */
  workOrderNumber: string | null;
  customerId: string | null;
  buyer: Buyer;
  lines: InvoiceLine[];
  vat: Array<{ rateBp: number; baseMillimes: number; vatMillimes: number }>;
  totals: { htMillimes: number; vatMillimes: number; stampMillimes: number; ttcMillimes: number; ttcInWords: string; provisional: boolean };
  balance: { paidMillimes: number; creditedMillimes: number; balanceMillimes: number; creditableMillimes: number };
}

export type PaymentMethod = 'cash' | 'card' | 'cheque' | 'transfer';
export interface Payment {
  id: string;
  method: PaymentMethod;
  amountMillimes: number;
  receivedOn: string | null;
  recordedAt: string;
  chequeNumber: string | null;
  chequeBank: string | null;
  transferReference: string | null;
  cardReference: string | null;
  reversed: boolean;
  reversal: { reason: string; reversedAt: string } | null;
}

export interface CreditNote {
  id: string;
  number: string;
  issueDate: string;
  reason: string;
  totals: { ttcMillimes: number };
}

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: 'super-admin' | 'technician' | 'customer';
  status: 'active' | 'disabled';
  mfaEnrolled: boolean;
  createdAt: string;
}

export interface AuditEvent {
  seq: string;
  type: string;
  action: string;
  actor: { id: string | null; role: string | null; email: string | null; system: string | null; ip: string | null };
  subject: { type: string; id: string };
  changes: Record<string, [unknown, unknown]> | null;
  occurredAt: string;
}

export interface ChainVerification {
  valid: boolean;
  checkedRows: number;
  mode: 'full' | 'incremental';
  firstBreak: { seq: string; reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'row_missing' | 'checkpoint_mismatch' } | null;
  verifiedAt: string;
}

export interface Alert {
  id: string;
  rule: string;
  severity: 'warning' | 'critical';
  summary: string;
  raisedAt: string;
  acknowledgedAt: string | null;
  ackNote: string | null;
}

export interface BackupRun {
  id: string;
  trigger: 'schedule' | 'catch-up' | 'manual';
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  error: string | null;
  sizeBytes: string | number | null;
  upload: { status: 'none' | 'disabled' | 'pending' | 'uploaded' | 'deleted' };
}

export type VerifySide = { status: 'ok' | 'absent' } | { status: 'failed' | 'unreachable'; problems: string[] };

export interface Drill {
  id: string;
  backupId: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  error: string | null;
  mismatches: string[];
}
