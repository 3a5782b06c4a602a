import type { Route } from '@ecar/runtime';
import type { GarageContext } from '../domain/garage.ts';
import { appointmentRoutes } from './appointment-routes.ts';
import { customerRoutes } from './customer-routes.ts';
import { documentRoutes } from './document-routes.ts';
import { estimateRoutes } from './estimate-routes.ts';
import { cannedJobRoutes, partRoutes, purchaseOrderRoutes } from './part-routes.ts';
import { internalRoutes } from './internal-routes.ts';
import { planningRoutes } from './planning-routes.ts';
import { reminderRoutes } from './reminder-routes.ts';
import { plateClaimRoutes } from './plate-claim-routes.ts';
import { minimisedForTechnicians } from './technician-view.ts';
import { searchRoutes } from './search-routes.ts';
import { maintenanceBookRoutes } from './maintenance-book-routes.ts';
import { vehicleRoutes } from './vehicle-routes.ts';
import { workOrderRoutes } from './work-order-routes.ts';

/** Every garage endpoint, in one table: mounted as is, and the source of the OpenAPI document and the access-control matrix test. */
export function garageRoutes(garage: GarageContext): Route[] {
  const { useCases } = garage;
  return [
    // Before customerRoutes: `/api/v1/customers/search` is not a `/api/v1/customers/:id`.
    ...searchRoutes(garage.search),
    ...customerRoutes(useCases.customers),
    ...vehicleRoutes(useCases.vehicles, useCases.documents),
    ...documentRoutes(useCases.documents),
    ...appointmentRoutes(useCases.appointments),
    ...minimisedForTechnicians(workOrderRoutes(useCases.workOrders)),
    ...minimisedForTechnicians(estimateRoutes(useCases.estimates)),
    ...partRoutes(useCases.parts),
    ...cannedJobRoutes(useCases.cannedJobs),
    ...purchaseOrderRoutes(useCases.purchaseOrders),
    ...internalRoutes(useCases.notificationContacts),
    ...planningRoutes(useCases.planning),
    ...reminderRoutes(useCases.reminders),
    ...plateClaimRoutes(useCases.plateClaims),
    ...maintenanceBookRoutes(useCases.maintenanceBook),
  ];
}
