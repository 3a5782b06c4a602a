import type { Route } from '@ecar/runtime';
import type { GarageContext } from '../domain/garage.ts';
import { appointmentRoutes } from './appointment-routes.ts';
import { customerRoutes } from './customer-routes.ts';
import { documentRoutes } from './document-routes.ts';
import { estimateRoutes } from './estimate-routes.ts';
import { cannedJobRoutes, partRoutes, purchaseOrderRoutes } from './part-routes.ts';
import { internalRoutes } from './internal-routes.ts';
import { maintenanceBookRoutes } from './maintenance-book-routes.ts';
import { vehicleRoutes } from './vehicle-routes.ts';
import { workOrderRoutes } from './work-order-routes.ts';

/** Every garage endpoint, in one table: mounted as is, and the source of the OpenAPI document and the access-control matrix test. */
export function garageRoutes({ useCases }: GarageContext): Route[] {
  return [
    ...customerRoutes(useCases.customers),
    ...vehicleRoutes(useCases.vehicles, useCases.documents),
    ...documentRoutes(useCases.documents),
    ...appointmentRoutes(useCases.appointments),
    ...workOrderRoutes(useCases.workOrders),
    ...estimateRoutes(useCases.estimates),
    ...partRoutes(useCases.parts),
    ...cannedJobRoutes(useCases.cannedJobs),
    ...purchaseOrderRoutes(useCases.purchaseOrders),
    ...internalRoutes(useCases.notificationContacts),
    ...maintenanceBookRoutes(useCases.maintenanceBook),
  ];
}
