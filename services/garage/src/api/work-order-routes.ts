import type { WorkOrderService } from '../domain/work-orders.ts';
import { ADMIN, ADMIN_CUSTOMER, ADMIN_TECHNICIAN, ALL_ROLES, bodyOf, emptyOk, idOf, page, queryOf, type GarageRoute } from './route.ts';
import { assignBody, lineBody, openWorkOrderBody, statusBody, timeBody, workOrderListQuery } from './schemas.ts';

export function workOrderRoutes(workOrders: WorkOrderService): GarageRoute[] {
  return [
    {
      method: 'get',
      path: '/api/v1/work-orders',
      roles: ALL_ROLES,
      query: true,
      summary: 'Work orders within reach (technicians: assigned to them; customers: their own)',
      async handle(req, res, caller) {
        const query = queryOf(workOrderListQuery, req);
        const rows = await workOrders.list(caller, {
          ...(query.status ? { status: query.status } : {}),
          ...(query.vehicleId ? { vehicleId: query.vehicleId } : {}),
          ...(query.after ? { after: query.after } : {}),
          limit: query.limit + 1,
        });
        res.json(page(rows, query.limit, (row) => row));
      },
    },
    {
      method: 'post',
      path: '/api/v1/work-orders',
      roles: ADMIN,
      summary: 'Open a work order from a confirmed appointment or for a walk-in',
      async handle(req, res, caller) {
        res.status(201).json(await workOrders.open(caller, bodyOf(openWorkOrderBody, req)));
      },
    },
    {
      method: 'get',
      path: '/api/v1/work-orders/:id',
      roles: ALL_ROLES,
      summary: 'The job card: lines, totals, technicians, time entries, customer name and phone, vehicle',
      async handle(req, res, caller) {
        res.json(await workOrders.get(caller, idOf(req)));
      },
    },
    {
      method: 'post',
      path: '/api/v1/work-orders/:id/assign',
      roles: ADMIN,
      summary: 'Assign technicians',
      async handle(req, res, caller) {
        const id = idOf(req);
        res.json({ technicianIds: await workOrders.assign(caller, id, bodyOf(assignBody, req).technicianIds) });
      },
    },
    {
      method: 'post',
      path: '/api/v1/work-orders/:id/status',
      roles: ADMIN_TECHNICIAN,
      summary: 'Move the order along its life cycle (allowed transitions only)',
      async handle(req, res, caller) {
        const id = idOf(req);
        res.json(await workOrders.changeStatus(caller, id, bodyOf(statusBody, req).status));
      },
    },
    {
      method: 'post',
      path: '/api/v1/work-orders/:id/lines',
      roles: ADMIN_TECHNICIAN,
      summary: 'Add a labour or parts line (integer millimes, VAT in basis points)',
      async handle(req, res, caller) {
        const id = idOf(req);
        res.status(201).json(await workOrders.addLine(caller, id, bodyOf(lineBody, req)));
      },
    },
    {
      method: 'post',
      path: '/api/v1/work-orders/:id/time',
      roles: ['technician'],
      summary: 'Clock in or out on the order',
      async handle(req, res, caller) {
        const id = idOf(req);
        res.json(await workOrders.clock(caller, id, bodyOf(timeBody, req).action));
      },
    },
    {
      method: 'post',
      path: '/api/v1/work-orders/:id/estimate/approve',
      roles: ADMIN_CUSTOMER,
      summary: 'Approve the estimate (who, when and from where are recorded)',
      async handle(req, res, caller) {
        const id = idOf(req);
        emptyOk(req);
        res.json(await workOrders.decideEstimate(caller, id, 'approved'));
      },
    },
    {
      method: 'post',
      path: '/api/v1/work-orders/:id/estimate/decline',
      roles: ADMIN_CUSTOMER,
      summary: 'Decline the estimate (recorded like an approval)',
      async handle(req, res, caller) {
        const id = idOf(req);
        emptyOk(req);
        res.json(await workOrders.decideEstimate(caller, id, 'declined'));
      },
    },
  ];
}
