/**
 * Compile-time only: what the garage sends must fit the response types clients read
 * (@ecar/contracts/responses/garage, used by the web app). `npx tsc` fails here when a field the
 * contract promises is renamed, dropped or changes type in the service (extra fields are allowed).
 */
import type { AppointmentResponse, JsonOf, TimeEntryResponse, VehicleDocumentResponse, VehicleResponse, WorkOrderDetailResponse, WorkOrderLineResponse, WorkOrderResponse } from '@ecar/contracts/responses/garage';
import type { Appointment } from '../data/appointments.ts';
import type { TimeEntry, WorkOrder, WorkOrderLine } from '../data/work-orders.ts';
import type { DocumentView } from './documents.ts';
import type { WorkOrderService } from './work-orders.ts';
import type { Vehicle } from './vehicle.ts';
import type { VehicleDue } from './reminder-rules.ts';

type Fits<Sent, Promised> = [Sent] extends [Promised] ? true : never;

export type ResponseTypesFit = [
  Fits<JsonOf<WorkOrder>, WorkOrderResponse>,
  Fits<JsonOf<WorkOrderLine>, WorkOrderLineResponse>,
  Fits<JsonOf<TimeEntry>, TimeEntryResponse>,
  Fits<JsonOf<Awaited<ReturnType<WorkOrderService['get']>>>, WorkOrderDetailResponse>,
  Fits<JsonOf<Appointment>, AppointmentResponse>,
  Fits<JsonOf<DocumentView>, VehicleDocumentResponse>,
  // vehicleView (api/views.ts) is the vehicle plus serviceDue and its dues.
  Fits<JsonOf<Vehicle & { serviceDue: boolean; dues: VehicleDue[] }>, VehicleResponse>,
];

// A value of the tuple type exists only if every check is `true` (a `never` makes it impossible).
export const RESPONSE_TYPES_FIT: ResponseTypesFit = [true, true, true, true, true, true, true];
