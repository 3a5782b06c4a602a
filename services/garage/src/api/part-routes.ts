import { ADMIN, ADMIN_TECHNICIAN, type Caller } from '@ecar/contracts';
import type { z } from 'zod';
import {
  applyCannedJobBody,
  cannedJobBody,
  cannedJobListQuery,
  consumeLineBody,
  createPartBody,
  createPurchaseOrderBody,
  createSupplierBody,
  lowStockQuery,
  movementListQuery,
  partListQuery,
  patchPartBody,
  purchaseOrderListQuery,
  purchaseOrderReceiptBody,
  stockMovementBody,
  supplierListQuery,
  usePartBody,
} from '@ecar/contracts/requests/garage';
import { pageById, rowsForPage } from '@ecar/primitives';
import { route, type Route } from '@ecar/runtime';
import type { CannedJobService } from '../domain/canned-jobs.ts';
import type { PartService } from '../domain/parts.ts';
import type { PurchaseOrderService } from '../domain/purchase-orders.ts';

type PageQuery = { after?: string | undefined; limit: number };
const page = (query: PageQuery) => ({ ...(query.after ? { after: query.after } : {}), limit: rowsForPage(query.limit) });

/**
 * A keyset-paged list of the back office (`after`, `limit`, `nextCursor`): `rows` gets the path's
 * `:id` (if any), the parsed query and the page to read. One declaration for every such list.
 */
function pagedList<Q extends PageQuery>(spec: {
  path: string;
  summary: string;
  query: z.ZodType<Q>;
  roles?: typeof ADMIN | typeof ADMIN_TECHNICIAN;
  rows: (input: { id: string; query: Q; caller: Caller }, page: { after?: string; limit: number }) => Promise<Array<{ id: string }>>;
}): Route {
  return route({
    method: 'get',
    path: spec.path,
    roles: spec.roles ?? ADMIN,
    query: spec.query,
    summary: spec.summary,
    async handle({ caller, params, query }) {
      const id = (params as Record<string, string>)['id'] ?? '';
      return pageById(await spec.rows({ id, query: query as Q, caller }, page(query as Q)), (query as Q).limit);
    },
  });
}

/** Parts catalogue, stock ledger, low-stock list, parts on work orders (issue 14). Purchase prices are the super-admin's only. */
export function partRoutes(parts: PartService): Route[] {
  return [
    pagedList({
      path: '/api/v1/parts',
      roles: ADMIN_TECHNICIAN,
      query: partListQuery,
      summary: 'Search the parts catalogue by reference, barcode, brand or description (technicians: without purchase prices)',
      rows: ({ caller, query }, at) => parts.list(caller, { ...(query.q ? { q: query.q } : {}), ...at }),
    }),
    route({
      method: 'post',
      path: '/api/v1/parts',
      roles: ADMIN,
      body: createPartBody,
      success: 201,
      summary: 'Add a part to the catalogue (prices in millimes, VAT in basis points, optional EAN-13)',
      handle: ({ caller, body }) => parts.create(caller, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/parts/:id',
      roles: ADMIN_TECHNICIAN,
      summary: 'One part and its quantity on hand per location (technicians: without purchase price)',
      handle: ({ caller, params }) => parts.get(caller, params.id),
    }),
    route({
      method: 'patch',
      path: '/api/v1/parts/:id',
      roles: ADMIN,
      body: patchPartBody,
      summary: 'Change a part of the catalogue',
      handle: ({ caller, params, body }) => parts.update(caller, params.id, body),
    }),
    pagedList({
      path: '/api/v1/parts/:id/movements',
      query: movementListQuery,
      summary: 'The stock ledger of a part, newest first',
      rows: ({ id }, at) => parts.movements(id, at),
    }),
    route({
      method: 'post',
      path: '/api/v1/parts/:id/movements',
      roles: ADMIN,
      body: stockMovementBody,
      success: 201,
      summary: 'Record a receipt, a return or an adjustment (with its reason); stock never goes below zero without allowNegative',
      handle: ({ caller, params, body }) => parts.move(caller, params.id, body),
    }),
    pagedList({
      path: '/api/v1/parts/:id/reservations',
      query: movementListQuery,
      summary: 'What approved work-order lines hold of a part (reserved, short, released, consumed), newest first',
      rows: ({ id }, at) => parts.reservations(id, at),
    }),
    pagedList({
      path: '/api/v1/stock/low',
      query: lowStockQuery,
      summary: 'Parts whose available quantity (on hand − reserved) is below their reorder point, or that approved lines are waiting for',
      rows: (_, at) => parts.lowStock(at),
    }),
    route({
      method: 'get',
      path: '/api/v1/work-orders/:id/parts',
      roles: ADMIN_TECHNICIAN,
      summary: 'The lines of a work order that cite a catalogue part, and whether each was taken from stock',
      handle: ({ caller, params }) => parts.ofWorkOrder(caller, params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/parts',
      roles: ADMIN_TECHNICIAN,
      body: usePartBody,
      success: 201,
      summary: 'Use a catalogue part on a work order: its line and, during the job, its consumption from the available stock (409 when none is left)',
      handle: ({ caller, params, body }) => parts.useOnWorkOrder(caller, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/lines/:lineId/consume',
      roles: ADMIN_TECHNICIAN,
      body: consumeLineBody,
      success: 201,
      summary: "Take a part line's part from stock now, with its reservation (once per line; 409 when none is left)",
      handle: ({ caller, params, body }) => parts.consumeLine(caller, params.id, params.lineId, body.location),
    }),
  ];
}

export function cannedJobRoutes(cannedJobs: CannedJobService): Route[] {
  return [
    pagedList({
      path: '/api/v1/canned-jobs',
      query: cannedJobListQuery,
      summary: 'The price list of service packages; with make/model: those that fit that vehicle',
      rows: ({ query }, at) => cannedJobs.list({ ...(query.make ? { make: query.make } : {}), ...(query.model ? { model: query.model } : {}), ...at }),
    }),
    route({
      method: 'post',
      path: '/api/v1/canned-jobs',
      roles: ADMIN,
      body: cannedJobBody,
      success: 201,
      summary: 'Create a service package: labour hours × rate and catalogue parts, optionally for one make/model',
      handle: ({ caller, body }) => cannedJobs.save(caller, undefined, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/canned-jobs/:id',
      roles: ADMIN,
      summary: 'One service package',
      handle: ({ params }) => cannedJobs.get(params.id),
    }),
    route({
      method: 'put',
      path: '/api/v1/canned-jobs/:id',
      roles: ADMIN,
      body: cannedJobBody,
      summary: 'Replace a service package (its parts included)',
      handle: ({ caller, params, body }) => cannedJobs.save(caller, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/work-orders/:id/canned-jobs',
      roles: ADMIN,
      body: applyCannedJobBody,
      success: 201,
      summary: 'Apply a service package to a work order: its labour and part lines in one step',
      handle: ({ caller, params, body }) => cannedJobs.apply(caller, params.id, body.cannedJobId, body.location),
    }),
  ];
}

export function purchaseOrderRoutes(orders: PurchaseOrderService): Route[] {
  return [
    pagedList({ path: '/api/v1/suppliers', query: supplierListQuery, summary: 'Suppliers of parts', rows: (_, at) => orders.suppliers(at) }),
    route({
      method: 'post',
      path: '/api/v1/suppliers',
      roles: ADMIN,
      body: createSupplierBody,
      success: 201,
      summary: 'Add a supplier',
      handle: ({ caller, body }) => orders.createSupplier(caller, body),
    }),
    pagedList({
      path: '/api/v1/purchase-orders',
      query: purchaseOrderListQuery,
      summary: 'Purchase orders, optionally of one status',
      rows: ({ query }, at) => orders.list({ ...(query.status ? { status: query.status } : {}), ...at }),
    }),
    route({
      method: 'post',
      path: '/api/v1/purchase-orders',
      roles: ADMIN,
      body: createPurchaseOrderBody,
      success: 201,
      summary: 'Draft a purchase order to a supplier (parts, quantities, unit costs)',
      handle: ({ caller, body }) => orders.create(caller, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/purchase-orders/:id',
      roles: ADMIN,
      summary: 'One purchase order and its lines',
      handle: ({ params }) => orders.get(params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/purchase-orders/:id/order',
      roles: ADMIN,
      summary: 'Send a draft purchase order (draft → ordered)',
      handle: ({ caller, params }) => orders.move(caller, params.id, 'ordered'),
    }),
    route({
      method: 'post',
      path: '/api/v1/purchase-orders/:id/receive',
      roles: ADMIN,
      summary: 'Receive an ordered purchase order: one receipt movement per line (a second receipt is a 409; stock changes once)',
      handle: ({ caller, params }) => orders.move(caller, params.id, 'received'),
    }),
    route({
      method: 'post',
      path: '/api/v1/purchase-orders/:id/receipts',
      roles: ADMIN,
      body: purchaseOrderReceiptBody,
      summary:
        'Record one delivery: some lines, or part of a line (partially_received until every line is in, then received); the receipt id makes it idempotent (sent twice, stock changes once); more than ordered is a 409 unless allowOverReceipt',
      handle: ({ caller, params, body }) => orders.receive(caller, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/purchase-orders/:id/cancel',
      roles: ADMIN,
      summary: 'Cancel a draft or ordered purchase order',
      handle: ({ caller, params }) => orders.move(caller, params.id, 'cancelled'),
    }),
  ];
}
