import type { LineApproval, WorkOrderStatus } from '../requests/garage.ts';

/**
 * The garage service's answers as clients read them (JSON: instants are ISO strings). One place
 * for the web app's types; services/garage/src/domain/response-types.ts fails the type check when
 * what the service sends no longer fits them. Types only: nothing here reaches a bundle.
 */

/** A value as JSON.stringify sends it: Date becomes string, recursively (arrays and tuples keep their shape). */
export type JsonOf<T> = T extends Date ? string : T extends object ? { [K in keyof T]: JsonOf<T[K]> } : T;

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
  /** True when the `service` item of `dues` is due (its date has come or its mileage is reached). */
  serviceDue: boolean;
  /** Visite technique, insurance (assurance) and vignette due dates, `YYYY-MM-DD`. */
  technicalInspectionDue: string | null;
  insuranceDue: string | null;
  vignetteDue: string | null;
  /** What the vehicle is due for, soonest first: one item per kind that has a date or a mileage. */
  dues: VehicleDueResponse[];
}

/** A row of GET /api/v1/reminders/due-soon (super-admin): the vehicle, its dues and its owner's name. */
export interface DueSoonVehicleResponse extends VehicleResponse {
  customerName: string;
}

/** One thing a vehicle is due for (reminders, issue 15). */
export interface VehicleDueResponse {
  kind: 'service' | 'technical_inspection' | 'insurance' | 'vignette';
  dueDate: string | null;
  dueMileageKm: number | null;
  /** Days from the garage's today to `dueDate` (negative: overdue); null without a date. */
  daysLeft: number | null;
  /** Kilometres left to `dueMileageKm` (negative: overdue); null without a mileage. */
  kmLeft: number | null;
  /** The date has come or the mileage is reached. */
  due: boolean;
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
  /** `OR-2026-000123`: what every screen, message and document shows (issue #14). */
  number: string;
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
  /** `RDV-2026-000045` */
  number: string;
  customerId: string;
  vehicleId: string | null;
  slotStart: string;
  status: AppointmentStatus;
  note: string | null;
}

/** Planning (issue 14): GET /api/v1/bays rows. */
export interface BayResponse {
  id: string;
  name: string;
  note: string | null;
  active: boolean;
}

/** One working interval of a weekday (1 = Monday … 7 = Sunday), Tunis wall-clock time `HH:MM`. */
export interface WorkingIntervalResponse {
  weekday: number;
  start: string;
  end: string;
}

export interface AbsenceResponse {
  id: string;
  technicianId: string;
  startsAt: string;
  endsAt: string;
  reason: string;
}

/** GET /api/v1/technicians/:id/schedule */
export interface TechnicianScheduleResponse {
  technicianId: string;
  hours: WorkingIntervalResponse[];
  absences: AbsenceResponse[];
}

/** A booking of an appointment or a work order on one technician and one bay. */
export interface BookingResponse {
  id: string;
  technicianId: string;
  bayId: string;
  startsAt: string;
  endsAt: string;
  appointmentId: string | null;
  workOrderId: string | null;
  /** Flagged for re-planning: a change of the technician's hours or absences, made anyway, left it outside them. */
  replanReason?: 'outside_hours' | 'absent' | null;
}

/** GET /api/v1/planning/replanning rows: the booking and the RDV-/OR- reference of what it books. */
export interface ReplanningResponse extends BookingResponse {
  reference: string;
}

/** A 409 of a change of hours or absences: the bookings it would leave outside (problem+json `conflicts`). */
export interface DisplacedBooking {
  bookingId: string;
  reference: string | null;
  startsAt: string;
  endsAt: string;
  reason: 'outside_hours' | 'absent';
}

/** GET /api/v1/planning/day — the board of one day in Tunis. */
export interface PlanningDayResponse {
  date: string;
  bays: BayResponse[];
  technicians: Array<{ technicianId: string; hours: Array<{ start: string; end: string }>; absences: AbsenceResponse[] }>;
  bookings: BookingResponse[];
}

/** GET /api/v1/planning/free-slots rows (customers get start and end only). */
export interface FreeSlotResponse {
  start: string;
  end: string;
  technicianId?: string;
  bayId?: string;
}

export interface PlanningSettingsResponse {
  onlineBooking: 'capacity' | 'planning';
  bookingMinutes: number;
}

/** 202 of POST /api/v1/vehicles when the plate is already registered: the garage will decide (nothing about the other vehicle). */
export interface PlateClaimReceiptResponse {
  claim: { id: string; status: 'pending'; createdAt: string };
}

/** A row of GET /api/v1/plate-claims (super-admin). */
export interface PlateClaimResponse {
  id: string;
  status: 'pending' | 'accepted' | 'refused';
  vehicleId: string;
  plate: string;
  /** What the claimant said the vehicle is, and what is on record. */
  claimed: { make: string; model: string; year: number };
  registered: { make: string; model: string; year: number };
  claimant: { customerId: string; name: string };
  holder: { customerId: string; name: string };
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

/** A row of GET /api/v1/customers/search: the customer, which kinds matched, and the matching vehicles' plates. */
export interface CustomerSearchHitResponse extends CustomerSummaryResponse {
  matchedOn: Array<'name' | 'plate' | 'vin' | 'phone'>;
  vehicles: Array<{ id: string; plate: string }>;
}
