import { ADMIN, ADMIN_CUSTOMER, ADMIN_TECHNICIAN, ROLES, TECHNICIAN } from '@ecar/contracts';
import { assignBody, lineBody, openWorkOrderBody, statusBody, timeBody, workOrderListQuery } from '@ecar/contracts/requests/garage';
import { pageById, rowsForPage } from '@ecar/primitives';
import { route, type Route } from '@ecar/runtime';
import type { WorkOrderService } from '../domain/work-orders.ts';

export function workOrderRoutes(workOrders: WorkOrderService): Route[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/work-orders',
      roles: ROLES,
      query: workOrderListQuery,
      summary: 'Work orders within reach (technicians: assigned to them; customers: their own)',
      async handle({ caller, query }) {
        const rows = await workOrders.list(caller, {
          ...(query.status ? { status: query.status } : {}),
          ...(query.vehicleId ? { vehicleId: query.vehicleId } : {}),
          ...(query.after ? { after: query.after } : {}),
          limit: rowsForPage(query.limit),
        });
        return pageById(rows, query.limit);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders',
      roles: ADMIN,
      body: openWorkOrderBody,
      success: 201,
      summary: 'Open a work order from a confirmed appointment or for a walk-in',
      handle: ({ caller, body }) => workOrders.open(caller, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/work-orders/:id',
      roles: ROLES,
      summary: 'The job card: lines, totals, technicians, time entries, customer name and phone, vehicle',
      handle: ({ caller, params }) => workOrders.get(caller, params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/assign',
      roles: ADMIN,
      body: assignBody,
      summary: 'Assign technicians',
      async handle({ caller, params, body }) {
        return { technicianIds: await workOrders.assign(caller, params.id, body.technicianIds) };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/status',
      roles: ADMIN_TECHNICIAN,
      body: statusBody,
      summary: 'Move the order along its life cycle (allowed transitions only)',
      handle: ({ caller, params, body }) => workOrders.changeStatus(caller, params.id, body.status, body.allowNegativeStock === true),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/lines',
      roles: ADMIN_TECHNICIAN,
      body: lineBody,
      success: 201,
      summary: 'Add a labour or parts line (integer millimes, VAT in basis points)',
      handle: ({ caller, params, body }) => workOrders.addLine(caller, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/time',
      roles: TECHNICIAN,
      body: timeBody,
      summary: 'Clock in or out on the order',
      handle: ({ caller, params, body }) => workOrders.clock(caller, params.id, body.action),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/estimate/approve',
      roles: ADMIN_CUSTOMER,
      summary: 'Approve the estimate (who, when and from where are recorded)',
      handle: ({ caller, params }) => workOrders.decideEstimate(caller, params.id, 'approved'),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/estimate/decline',
      roles: ADMIN_CUSTOMER,
      summary: 'Decline the estimate (recorded like an approval)',
      handle: ({ caller, params }) => workOrders.decideEstimate(caller, params.id, 'declined'),
    }),
  ];
}
