import { z } from 'zod';

/** Request schemas of the billing service (APP-1), shared with the browser app. Every object is strict. */

const text = (max: number) => z.string().trim().min(1).max(max);

/** Amount bounds keep every product (quantity × price, ×500 lines) exact in a JavaScript number. */
export const MAX_UNIT_PRICE_MILLIMES = 1_000_000_000;
export const MAX_QUANTITY_MILLI = 10_000_000;

export const lineSchema = z
  .object({
    kind: z.enum(['labour', 'part', 'other']).default('other'),
    description: text(500),
    quantityMilli: z.number().int().min(1).max(MAX_QUANTITY_MILLI),
    unitPriceMillimes: z.number().int().min(0).max(MAX_UNIT_PRICE_MILLIMES),
    vatRateBp: z.number().int().min(0).max(10_000),
  })
  .strict();

export const buyerSchema = z
  .object({
    name: text(200),
    kind: z.enum(['person', 'company']),
    cin: z.string().regex(/^\d{8}$/, 'CIN is 8 digits').optional(),
    taxId: z.string().trim().max(32).optional(),
    address: z.string().trim().max(500).optional(),
    stampExempt: z.boolean().default(false),
    /** Which language the buyer's documents print first (default: Arabic for a name in Arabic script, else French). */
    language: z.enum(['fr', 'ar']).optional(),
  })
  .strict();

export const createDraftBody = z
  .object({
    buyer: buyerSchema,
    ownerUserId: z.uuid().optional(),
    customerId: z.uuid().optional(),
    lines: z.array(lineSchema).max(500).default([]),
  })
  .strict();

export const updateDraftBody = z
  .object({
    buyer: buyerSchema.optional(),
    ownerUserId: z.uuid().nullable().optional(),
    customerId: z.uuid().nullable().optional(),
    lines: z.array(lineSchema).max(500).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

const isoDate = z.iso.date();

export const paymentBody = z.discriminatedUnion('method', [
  z.object({ method: z.literal('cash'), amountMillimes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), receivedOn: isoDate.optional() }).strict(),
  z
    .object({
      method: z.literal('card'),
      amountMillimes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      receivedOn: isoDate.optional(),
      cardReference: text(64).optional(),
    })
    .strict(),
  z
    .object({
      method: z.literal('cheque'),
      amountMillimes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      receivedOn: isoDate.optional(),
      chequeNumber: z.string().trim().regex(/^[0-9A-Za-z-]{1,32}$/),
      chequeBank: text(100),
    })
    .strict(),
  z
    .object({
      method: z.literal('transfer'),
      amountMillimes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      receivedOn: isoDate.optional(),
      transferReference: text(64),
    })
    .strict(),
]);

export const reversalBody = z.object({ reason: text(500) }).strict();

const creditLine = lineSchema.omit({ kind: true });
export const creditNoteBody = z.union([
  z.object({ reason: text(500), full: z.literal(true) }).strict(),
  z.object({ reason: text(500), lines: z.array(creditLine).min(1).max(500) }).strict(),
]);

const listQueries = new Map<number, z.ZodType<{ status?: 'draft' | 'issued' | undefined; cursor?: string | undefined; limit: number }>>();

/** The list query for a page maximum, built once (building a zod schema per request costs CPU). */
export function listQuery(maxPage: number) {
  let schema = listQueries.get(maxPage);
  if (!schema) {
    schema = z
      .object({
        status: z.enum(['draft', 'issued']).optional(),
        cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/).optional(),
        limit: z.coerce.number().int().min(1).max(maxPage).default(Math.min(50, maxPage)),
      })
      .strict();
    listQueries.set(maxPage, schema);
  }
  return schema;
}



export const idParam = z.uuid();
