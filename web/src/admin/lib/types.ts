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
import type { InvoiceLineResponse } from '@ecar/contracts/responses/billing';

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

// Billing's answers: defined once in @ecar/contracts (the service builds them with these types).
export type {
  BuyerResponse as Buyer,
  CreditNoteResponse as CreditNote,
  InvoiceLineResponse as InvoiceLine,
  InvoiceResponse as Invoice,
  InvoiceSummaryResponse as InvoiceSummary,
  PaymentMethod,
  PaymentResponse as Payment,
  PaymentStatus,
} from '@ecar/contracts/responses/billing';
/** A line as a draft's editor holds it before the service numbers and totals it. */
export type DraftLine = Pick<InvoiceLineResponse, 'kind' | 'description' | 'quantityMilli' | 'unitPriceMillimes' | 'vatRateBp'>;

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: 'super-admin' | 'technician' | 'customer';
  status: 'active' | 'disabled';
  mfaEnrolled: boolean;
  createdAt: string;
}

// Audit's and backup's answers: defined once in @ecar/contracts (the services' type check holds them to it).
export type { AlertResponse as Alert, AuditEventResponse as AuditEvent, ChainVerificationResponse as ChainVerification } from '@ecar/contracts/responses/audit';
export type { BackupRunResponse as BackupRun, DrillResponse as Drill, VerifySideResponse as VerifySide } from '@ecar/contracts/responses/backup';
