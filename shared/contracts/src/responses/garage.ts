import type { LineApproval, WorkOrderStatus } from '../requests/garage.ts';

/**
 * The garage service's answers as clients read them (JSON: instants are ISO strings). One place
 * for the web app's types; services/garage/src/domain/response-types.ts fails the type check when
 * what the service sends no longer fits them. Types only: nothing here reaches a bundle.
 */

/** A value as JSON.stringify sends it: Date becomes string, recursively. */
export type JsonOf<T> = T extends Date ? string : T extends Array<infer Item> ? Array<JsonOf<Item>> : T extends object ? { [K in keyof T]: JsonOf<T[K]> } : T;

export type CustomerKind = 'person' | 'company';
export type ConsentMethod = 'written-form' | 'electronic' | 'in-person';

/** A row of GET /api/v1/customers (not for technicians: they get TechnicianCustomerView). */
export interface CustomerSummaryResponse {
  id: string;
  userId: string | null;
  kind: CustomerKind;
  name: string;
  phone: string | null;
  email: string | null;
  anonymisedAt: string | null;
}

/** GET /api/v1/customers/:id */
export interface CustomerResponse extends CustomerSummaryResponse {
  address: string | null;
  cin: string | null;
  taxId: string | null;
  consent: { givenAt: string | null; method: ConsentMethod | null; withdrawnAt: string | null };
  createdAt: string;
  updatedAt: string;
}

/** GET /api/v1/vehicles/:id, rows of GET /api/v1/vehicles */
export interface VehicleResponse {
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

/** Rows of GET /api/v1/vehicles/:id/documents (metadata only). */
export interface VehicleDocumentResponse {
  id: string;
  kind: string;
  contentType: string;
  sizeBytes: number;
  createdAt: string;
}

/** A row of GET /api/v1/work-orders */
export interface WorkOrderResponse {
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

export interface WorkOrderLineResponse {
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

export interface TimeEntryResponse {
  id: string;
  technicianId: string;
  startedAt: string;
  endedAt: string | null;
}

export interface WorkOrderTotals {
  netMillimes: number;
  vatMillimes: number;
  grossMillimes: number;
  vatByRate: Array<{ vatRateBp: number; baseMillimes: number; vatMillimes: number }>;
}

/** GET /api/v1/work-orders/:id — the job card (technicians get the customer's name and phone only). */
export interface WorkOrderDetailResponse extends WorkOrderResponse {
  customer: { id: string; name: string; phone: string | null } | null;
  vehicle: { id: string; plate: string; make: string; model: string; year: number } | null;
  technicianIds: string[];
  lines: WorkOrderLineResponse[];
  totals: WorkOrderTotals;
  /** What the customer approved: the invoicing ceiling. */
  approvedTotals: { netMillimes: number; vatMillimes: number; grossMillimes: number };
  timeEntries: TimeEntryResponse[];
}

export type AppointmentStatus = 'requested' | 'confirmed' | 'cancelled';

/** GET /api/v1/appointments rows */
export interface AppointmentResponse {
  id: string;
  customerId: string;
  vehicleId: string | null;
  slotStart: string;
  status: AppointmentStatus;
  note: string | null;
}

/** A row of GET /api/v1/customers/search: the customer, which kinds matched, and the matching vehicles' plates. */
export interface CustomerSearchHitResponse extends CustomerSummaryResponse {
  matchedOn: Array<'name' | 'plate' | 'vin' | 'phone'>;
  vehicles: Array<{ id: string; plate: string }>;
}
