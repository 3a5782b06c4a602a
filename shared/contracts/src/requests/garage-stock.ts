import { z } from 'zod';
import { textSchema } from '../formats.ts';
import { pageQuery } from './paging.ts';
import { cannedJobIntervalFields } from './garage-reminders.ts';

/** Request schemas of the garage's parts catalogue, stock ledger and canned jobs (issue 14), re-exported by `requests/garage`. */

const millimes = z.number().int().min(0).max(1_000_000_000_000);
const vatRateBp = z.number().int().min(0).max(10_000);
/** Pieces (or litres) in thousandths: 2 pieces = 2000, 4.5 l = 4500. */
const quantityMilli = z.number().int().min(1).max(1_000_000_000);

/** EAN-13 (GTIN-13): 13 digits whose last is the check digit (weights 1, 3 alternating over the first 12). */
export function isEan13(code: string): boolean {
  if (!/^\d{13}$/.test(code)) return false;
  const digits = [...code].map(Number);
  const sum = digits.slice(0, 12).reduce((total, digit, index) => total + digit * (index % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === digits[12];
}

export const barcodeSchema = z.string().trim().refine(isEan13, { message: 'an EAN-13 barcode: 13 digits with a valid check digit' });

/** A stock location's code: `main`, `shelf-a2`, `van-1`. */
export const locationSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a location code: lower-case letters, digits and dashes (max 32)');

export const createPartBody = z
  .object({
    reference: textSchema(64),
    brand: textSchema(80),
    description: textSchema(300),
    purchasePriceMillimes: millimes,
    sellingPriceMillimes: millimes,
    vatRateBp,
    barcode: barcodeSchema.optional(),
    /** Below this quantity on hand (all locations), the part is on the low-stock list. */
    reorderPointMilli: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .strict();

export const patchPartBody = z
  .object({
    reference: textSchema(64).optional(),
    brand: textSchema(80).optional(),
    description: textSchema(300).optional(),
    purchasePriceMillimes: millimes.optional(),
    sellingPriceMillimes: millimes.optional(),
    vatRateBp: vatRateBp.optional(),
    barcode: barcodeSchema.nullable().optional(),
    reorderPointMilli: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to change' });

/** `q` matches the start of the reference or barcode, or any word of brand and description (case-insensitive). */
export const partListQuery = z.object({ ...pageQuery, q: z.string().trim().min(1).max(80).optional() }).strict();

export const STOCK_MOVEMENT_KINDS = ['receipt', 'consumption', 'adjustment', 'return'] as const;
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

/**
 * A movement staff record by hand: a receipt or a return adds stock; an adjustment adds or removes
 * (signed quantity) and needs its reason. `allowNegative` is the explicit, audited override that
 * lets an adjustment take the quantity on hand below zero.
 */
export const stockMovementBody = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('receipt'), location: locationSchema.default('main'), quantityMilli, reason: textSchema(300).optional() }).strict(),
    z.object({ kind: z.literal('return'), location: locationSchema.default('main'), quantityMilli, reason: textSchema(300).optional(), workOrderId: z.uuid().optional() }).strict(),
    z
      .object({
        kind: z.literal('adjustment'),
        location: locationSchema.default('main'),
        quantityMilli: z.number().int().min(-1_000_000_000).max(1_000_000_000).refine((value) => value !== 0, { message: 'an adjustment changes the quantity' }),
        reason: textSchema(300),
        allowNegative: z.boolean().optional(),
      })
      .strict(),
  ]);

export const movementListQuery = z.object({ ...pageQuery }).strict();
export const lowStockQuery = z.object({ ...pageQuery }).strict();

/** A catalogue part used on a work order: a part line at the catalogue's selling price, and (by default) its consumption from stock. */
export const usePartBody = z
  .object({
    partId: z.uuid(),
    quantityMilli,
    location: locationSchema.default('main'),
    /** Absent: consumed when the work is under way (approved or in progress). false: the line only (an estimate), consumed later through the line's consume route. */
    consume: z.boolean().optional(),
  })
  .strict();

/** Absent: where the line's part is reserved (or the line's own location). */
export const consumeLineBody = z.object({ location: locationSchema.optional() }).strict();

const cannedJobFields = {
  name: textSchema(120),
  description: textSchema(500).optional(),
  /** Only for this make (and model): absent = any vehicle. */
  make: textSchema(60).optional(),
  model: textSchema(60).optional(),
  labourHoursMilli: z.number().int().min(0).max(1_000_000),
  labourRateMillimes: millimes,
  labourVatRateBp: vatRateBp.optional(),
  parts: z.array(z.object({ partId: z.uuid(), quantityMilli }).strict()).max(50),
  ...cannedJobIntervalFields,
};

const withLabourOrParts = (body: { labourHoursMilli: number; parts: unknown[]; make?: string | undefined; model?: string | undefined }) =>
  body.labourHoursMilli > 0 || body.parts.length > 0;

export const cannedJobBody = z
  .object(cannedJobFields)
  .strict()
  .refine(withLabourOrParts, { message: 'a canned job has labour hours or parts', path: ['labourHoursMilli'] })
  .refine((body) => !body.model || body.make, { message: 'a model needs its make', path: ['make'] });

export const cannedJobListQuery = z.object({ ...pageQuery, make: textSchema(60).optional(), model: textSchema(60).optional() }).strict();

/** `location`: where the package's parts will be reserved and taken from (default `main`). */
export const applyCannedJobBody = z.object({ cannedJobId: z.uuid(), location: locationSchema.default('main') }).strict();

export const createSupplierBody = z
  .object({ name: textSchema(200), email: z.email().max(320).optional(), phone: z.string().trim().regex(/^\+?[\d\s.-]{8,20}$/).optional(), note: textSchema(500).optional() })
  .strict();
export const supplierListQuery = z.object({ ...pageQuery }).strict();

export const PURCHASE_ORDER_STATUSES = ['draft', 'ordered', 'partially_received', 'received', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

export const createPurchaseOrderBody = z
  .object({
    supplierId: z.uuid(),
    /** Where the receipt puts the parts. */
    location: locationSchema.default('main'),
    lines: z.array(z.object({ partId: z.uuid(), quantityMilli, unitCostMillimes: millimes.optional() }).strict()).min(1).max(200),
  })
  .strict();
export const purchaseOrderListQuery = z.object({ ...pageQuery, status: z.enum(PURCHASE_ORDER_STATUSES).optional() }).strict();

/**
 * One delivery of an ordered purchase order: some lines (by position), each with the quantity that
 * arrived. `receiptId` is the idempotency key: the same receipt sent again changes nothing. More than
 * ordered is refused (409) unless `allowOverReceipt`.
 */
export const purchaseOrderReceiptBody = z
  .object({
    receiptId: z.uuid(),
    lines: z
      .array(z.object({ position: z.number().int().min(0).max(199), quantityMilli }).strict())
      .min(1)
      .max(200)
      .refine((lines) => new Set(lines.map((line) => line.position)).size === lines.length, { message: 'each line of the order once per receipt' }),
    allowOverReceipt: z.boolean().optional(),
  })
  .strict();
