import { ADMIN_CUSTOMER, ROLES } from '@ecar/contracts';
import { createVehicleBody, patchVehicleBody, vehicleListQuery } from '@ecar/contracts/requests/garage';
import { pageById, rowsForPage } from '@ecar/primitives';
import { abandonBody, mediaType, route, type Route } from '@ecar/runtime';
import type { DocumentService } from '../domain/documents.ts';
import { DOCUMENT_TYPES, type DocumentContentType } from '../domain/file-types.ts';
import type { VehicleService } from '../domain/vehicles.ts';
import { vehicleView } from './views.ts';

export function vehicleRoutes(vehicles: VehicleService, documents: DocumentService): Route[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/vehicles',
      roles: ROLES,
      query: vehicleListQuery,
      summary: 'Vehicles within reach; lookup by plate (blind index)',
      async handle({ caller, query }) {
        const rows = await vehicles.list(caller, {
          ...(query.plate ? { plate: query.plate } : {}),
          ...(query.customerId ? { customerId: query.customerId } : {}),
          ...(query.after ? { after: query.after } : {}),
          limit: rowsForPage(query.limit),
        });
        const today = vehicles.today();
        return pageById(rows, query.limit, (vehicle) => vehicleView(vehicle, today));
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/vehicles',
      roles: ADMIN_CUSTOMER,
      body: createVehicleBody,
      success: 201,
      summary: 'Register a vehicle of a customer (a customer: their own; a plate already registered becomes a plate claim, 202)',
      async handle({ caller, body, res }) {
        const vehicle = await vehicles.create(caller, {
          ...body,
          vin: body.vin ?? null,
          nextServiceDate: body.nextServiceDate ?? null,
          nextServiceMileageKm: body.nextServiceMileageKm ?? null,
          technicalInspectionDue: body.technicalInspectionDue ?? null,
          insuranceDue: body.insuranceDue ?? null,
          vignetteDue: body.vignetteDue ?? null,
        });
        if ('claim' in vehicle) {
          res.status(202).json(vehicle);
          return undefined;
        }
        return vehicleView(vehicle, vehicles.today());
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/vehicles/:id',
      roles: ROLES,
      summary: 'One vehicle, with its next-service reminder',
      async handle({ caller, params }) {
        return vehicleView(await vehicles.get(caller, params.id), vehicles.today());
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/vehicles/:id',
      roles: ADMIN_CUSTOMER,
      body: patchVehicleBody,
      summary: 'Update a vehicle (mileage, next service; plate by the garage only)',
      async handle({ caller, params, body }) {
        return vehicleView(await vehicles.update(caller, params.id, body), vehicles.today());
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/vehicles/:id/history',
      roles: ROLES,
      summary: 'Service history: the vehicle’s work orders the caller may see, with their lines',
      async handle({ caller, params }) {
        const { vehicle, workOrders } = await vehicles.history(caller, params.id);
        return { vehicle: vehicleView(vehicle, vehicles.today()), workOrders };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/vehicles/:id/documents',
      roles: ADMIN_CUSTOMER,
      summary: 'Registration documents of a vehicle (metadata only)',
      async handle({ caller, params }) {
        return { items: await documents.listForVehicle(caller, params.id) };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/vehicles/:id/documents',
      roles: ADMIN_CUSTOMER,
      raw: { contentTypes: Object.keys(DOCUMENT_TYPES) },
      success: 201,
      summary: 'Upload a registration document: the body is the file (PDF, JPEG or PNG), typed by its Content-Type',
      async handle({ caller, params, req }) {
        // The kit admitted only the declared upload types.
        const declared = mediaType(req) as DocumentContentType;
        const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
        try {
          return await documents.upload(caller, params.id, declared, Number.isFinite(length) ? length : undefined, req);
        } catch (error) {
          abandonBody(req);
          throw error;
        }
      },
    }),
  ];
}
