import type { Request } from 'express';
import { unsupportedMediaType } from '@ecar/errors';
import type { DocumentService } from '../domain/documents.ts';
import { DOCUMENT_TYPES, isDocumentContentType } from '../domain/file-types.ts';
import type { VehicleService } from '../domain/vehicles.ts';
import { ADMIN_CUSTOMER, ALL_ROLES, bodyOf, idOf, page, queryOf, type GarageRoute } from './route.ts';
import { createVehicleBody, patchVehicleBody, vehicleListQuery } from './schemas.ts';
import { vehicleView } from './views.ts';

/**
 * A refused upload leaves part of the body unread: discard what still arrives (the HTTP framing
 * says where it ends; the server's request timeout bounds it) rather than closing at once. A
 * close while the client or the gateway is still sending resets the connection, and the answer
 * is lost: the gateway then saw an upstream failure instead of this 413 or 415.
 */
function abandonBody(req: Request): void {
  req.resume();
}

export function vehicleRoutes(vehicles: VehicleService, documents: DocumentService): GarageRoute[] {
  return [
    {
      method: 'get',
      path: '/api/v1/vehicles',
      roles: ALL_ROLES,
      query: true,
      summary: 'Vehicles within reach; lookup by plate (blind index)',
      async handle(req, res, caller) {
        const query = queryOf(vehicleListQuery, req);
        const rows = await vehicles.list(caller, {
          ...(query.plate ? { plate: query.plate } : {}),
          ...(query.customerId ? { customerId: query.customerId } : {}),
          ...(query.after ? { after: query.after } : {}),
          limit: query.limit + 1,
        });
        res.json(page(rows, query.limit, vehicleView));
      },
    },
    {
      method: 'post',
      path: '/api/v1/vehicles',
      roles: ADMIN_CUSTOMER,
      summary: 'Register a vehicle of a customer (a customer: their own)',
      async handle(req, res, caller) {
        const body = bodyOf(createVehicleBody, req);
        const vehicle = await vehicles.create(caller, {
          ...body,
          vin: body.vin ?? null,
          nextServiceDate: body.nextServiceDate ?? null,
          nextServiceMileageKm: body.nextServiceMileageKm ?? null,
        });
        res.status(201).json(vehicleView(vehicle));
      },
    },
    {
      method: 'get',
      path: '/api/v1/vehicles/:id',
      roles: ALL_ROLES,
      summary: 'One vehicle, with its next-service reminder',
      async handle(req, res, caller) {
        res.json(vehicleView(await vehicles.get(caller, idOf(req))));
      },
    },
    {
      method: 'patch',
      path: '/api/v1/vehicles/:id',
      roles: ADMIN_CUSTOMER,
      summary: 'Update a vehicle (mileage, next service; plate by the garage only)',
      async handle(req, res, caller) {
        const id = idOf(req);
        res.json(vehicleView(await vehicles.update(caller, id, bodyOf(patchVehicleBody, req))));
      },
    },
    {
      method: 'get',
      path: '/api/v1/vehicles/:id/history',
      roles: ALL_ROLES,
      summary: 'Service history: the vehicle’s work orders the caller may see, with their lines',
      async handle(req, res, caller) {
        const { vehicle, workOrders } = await vehicles.history(caller, idOf(req));
        res.json({ vehicle: vehicleView(vehicle), workOrders });
      },
    },
    {
      method: 'get',
      path: '/api/v1/vehicles/:id/documents',
      roles: ADMIN_CUSTOMER,
      summary: 'Registration documents of a vehicle (metadata only)',
      async handle(req, res, caller) {
        res.json({ items: await documents.listForVehicle(caller, idOf(req)) });
      },
    },
    {
      method: 'post',
      path: '/api/v1/vehicles/:id/documents',
      roles: ADMIN_CUSTOMER,
      raw: true,
      summary: 'Upload a registration document: the body is the file (PDF, JPEG or PNG), typed by its Content-Type',
      async handle(req, res, caller) {
        const id = idOf(req);
        const declared = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!isDocumentContentType(declared)) {
          abandonBody(req);
          throw unsupportedMediaType(`Documents must be one of ${Object.keys(DOCUMENT_TYPES).join(', ')}`);
        }
        const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
        try {
          const document = await documents.upload(caller, id, declared, Number.isFinite(length) ? length : undefined, req);
          res.status(201).json(document);
        } catch (error) {
          abandonBody(req);
          throw error;
        }
      },
    },
  ];
}
