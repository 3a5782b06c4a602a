import type { AppointmentService } from '../domain/appointments.ts';
import type { CustomerService } from '../domain/customers.ts';
import type { DocumentService } from '../domain/documents.ts';
import type { VehicleService } from '../domain/vehicles.ts';
import type { WorkOrderService } from '../domain/work-orders.ts';
import { appointmentRoutes } from './appointment-routes.ts';
import { customerRoutes } from './customer-routes.ts';
import { documentRoutes } from './document-routes.ts';
import type { GarageRoute } from './route.ts';
import { vehicleRoutes } from './vehicle-routes.ts';
import { workOrderRoutes } from './work-order-routes.ts';

export interface GarageServices {
  customers: CustomerService;
  vehicles: VehicleService;
  documents: DocumentService;
  appointments: AppointmentService;
  workOrders: WorkOrderService;
}

/** Every garage endpoint, in one table: mounted as is, and the source of the access-control matrix test. */
export function garageRouteTable(services: GarageServices): GarageRoute[] {
  return [
    ...customerRoutes(services.customers),
    ...vehicleRoutes(services.vehicles, services.documents),
    ...documentRoutes(services.documents),
    ...appointmentRoutes(services.appointments),
    ...workOrderRoutes(services.workOrders),
  ];
}

/** Paths of uploads: the only requests whose body is not JSON. */
export const RAW_BODY_PATHS = ['/api/v1/vehicles/'];
