import { z } from 'zod';

const id = z.uuid();
const fieldNames = z.array(z.string().min(1).max(64)).max(64);
const v1 = <T extends z.ZodType>(data: T) => ({ version: 1, data }) as const;
/** `BC-2026-000007` (issue #14; optional, so events stored before numbers still parse). */
const purchaseOrderNumber = z.string().regex(/^BC-\d{4}-\d{6}$/);
const workOrderNumber = z.string().regex(/^OR-\d{4}-\d{6}$/);
/** Which reservation: of which work order's line, of which part, where. */
const reservationRef = z.object({
  reservationId: id,
  workOrderId: id,
  workOrderNumber: workOrderNumber.optional(),
  lineId: id,
  partId: id,
  location: z.string().max(32),
});

/** Parts catalogue, stock ledger and canned jobs of the garage service (issue 14). Prices never travel in these events. */
export const garageStockEvents = {
  'garage.part.created': v1(z.object({ partId: id, reference: z.string().max(64), brand: z.string().max(80) }).strict()),
  'garage.part.updated': v1(z.object({ partId: id, fields: fieldNames }).strict()),
  /** One ledger movement; `onHandMilli` is the location's quantity on hand after it. */
  'garage.stock.moved': v1(
    z
      .object({
        movementId: id,
        partId: id,
        location: z.string().max(32),
        kind: z.enum(['receipt', 'consumption', 'adjustment', 'return']),
        quantityMilli: z.number().int(),
        onHandMilli: z.number().int(),
        reason: z.string().max(300).optional(),
        /** The override that let the quantity on hand go below zero. */
        negativeAllowed: z.boolean().optional(),
        workOrderId: id.optional(),
        lineId: id.optional(),
        /** A consumption that took a reserved line's part: its reservation, and what it held. */
        reservationId: id.optional(),
        releasedMilli: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
  /**
   * An approved part line holds its part (or a receipt filled a short reservation): what the line
   * needs, what is held, what is still short, and what stays available at that place.
   */
  'garage.stock.reserved': v1(
    reservationRef
      .extend({
        quantityMilli: z.number().int().min(1),
        reservedMilli: z.number().int().min(0),
        shortMilli: z.number().int().min(0),
        availableMilli: z.number().int(),
      })
      .strict(),
  ),
  /** A reservation given back: the work order cancelled, its estimate reopened, the line removed. */
  'garage.stock.released': v1(
    reservationRef
      .extend({
        releasedMilli: z.number().int().min(0),
        reason: z.enum(['cancelled', 'reopened', 'declined', 'removed']),
        availableMilli: z.number().int(),
      })
      .strict(),
  ),
  'garage.cannedjob.saved': v1(z.object({ cannedJobId: id, name: z.string().max(120), created: z.boolean() }).strict()),
  'garage.workorder.cannedjob_applied': v1(
    z.object({ workOrderId: id, customerId: id, vehicleId: id, status: z.string().max(32), cannedJobId: id, lineIds: z.array(id).max(60) }).strict(),
  ),
} as const;

/** Suppliers and purchase orders (draft → ordered → received; the receipt writes the ledger). */
export const garagePurchaseEvents = {
  'garage.supplier.created': v1(z.object({ supplierId: id }).strict()),
  'garage.purchaseorder.created': v1(z.object({ purchaseOrderId: id, purchaseOrderNumber: purchaseOrderNumber.optional(), supplierId: id, lineCount: z.number().int().min(1) }).strict()),
  'garage.purchaseorder.status_changed': v1(z.object({ purchaseOrderId: id, purchaseOrderNumber: purchaseOrderNumber.optional(), supplierId: id, from: z.string().max(32), status: z.string().max(32) }).strict()),
  /** One delivery (partial or complete); quantities only, never costs. */
  'garage.purchaseorder.received': v1(
    z
      .object({
        purchaseOrderId: id,
        purchaseOrderNumber: purchaseOrderNumber.optional(),
        supplierId: id,
        receiptId: id,
        status: z.string().max(32),
        overReceiptAllowed: z.boolean().optional(),
        lines: z.array(z.object({ position: z.number().int().min(0), partId: id, quantityMilli: z.number().int().min(1) }).strict()).max(200),
      })
      .strict(),
  ),
} as const;
