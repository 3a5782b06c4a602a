/** The API's answers as the back office reads them (services' views, docs/garage.md, docs/billing.md). */

import type { LineApproval } from '@ecar/contracts/requests/garage';

export type CustomerKind = 'person' | 'company';
export type ConsentMethod = 'written-form' | 'electronic' | 'in-person';

export interface CustomerSummary {
  id: string;
  userId: string | null;
  kind: CustomerKind;
  name: string;
  phone: string | null;
  email: string | null;
  anonymisedAt: string | null;
}

export interface Customer extends CustomerSummary {
  address: string | null;
  cin: string | null;
  taxId: string | null;
  consent: { givenAt: string | null; method: ConsentMethod | null; withdrawnAt: string | null };
  createdAt: string;
  updatedAt: string;
}

export interface Vehicle {
  id: string;
  customerId: string;
  plate: string;
  vin: string | null;
  make: string;
  model: string;
  year: number;
  mileageKm: number;
  nextServiceDate: string | null;
  nextServiceMileageKm: number | null;
  serviceDue: boolean;
}

export interface VehicleDocument {
  id: string;
  contentType: string;
  sizeBytes: number;
  createdAt: string;
}

export const WORK_ORDER_STATUSES = ['open', 'estimate_sent', 'approved', 'declined', 'in_progress', 'completed', 'delivered', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

export interface WorkOrderLine {
  id: string;
  kind: 'labour' | 'part';
  description: string;
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp: number;
  approval: LineApproval;
}

export interface WorkOrder {
  id: string;
  customerId: string;
  vehicleId: string;
  appointmentId: string | null;
  status: WorkOrderStatus;
  complaint: string;
  mileageInKm: number | null;
  estimateDecision: 'approved' | 'declined' | null;
  estimateDecidedAt: string | null;
  createdAt: string;
}

export interface WorkOrderDetail extends WorkOrder {
  customer: { id: string; name: string; phone: string | null } | null;
  vehicle: { id: string; plate: string; make: string; model: string; year: number } | null;
  technicianIds: string[];
  lines: WorkOrderLine[];
  totals: { netMillimes: number; vatMillimes: number; grossMillimes: number };
  approvedTotals: { netMillimes: number; vatMillimes: number; grossMillimes: number };
  timeEntries: Array<{ id: string; technicianId: string; startedAt: string; endedAt: string | null }>;
}

export type AppointmentStatus = 'requested' | 'confirmed' | 'cancelled';
export interface Appointment {
  id: string;
  customerId: string;
  vehicleId: string | null;
  slotStart: string;
  status: AppointmentStatus;
  note: string | null;
}

export interface InvoiceSummary {
  id: string;
  status: 'draft' | 'issued';
  number: string | null;
  issueDate: string | null;
  workOrderId: string | null;
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
  firstBreak: { seq: string; reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'row_missing' } | null;
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
