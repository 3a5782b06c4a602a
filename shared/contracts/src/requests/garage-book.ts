import { z } from 'zod';

/**
 * The verifiable maintenance book (issue 15): a vehicle's service history as the garage signs it.
 * The schema checks shape only (no trimming, no transforms): the signature covers the canonical
 * JSON of `book` exactly as it was uploaded.
 */

export const MAINTENANCE_BOOK_FORMAT = 'ecar.maintenance-book.v1';

/** A key id of the garage's signing keyring. */
export const bookKeyId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a key id is 1–32 letters, digits, - or _');

const text = (max: number) => z.string().min(1).max(max);
const count = (max: number) => z.number().int().min(0).max(max);

/** One thing done: a labour line or a part fitted (no prices, no one's name). */
export const bookWorkItem = z
  .object({
    kind: z.enum(['labour', 'part']),
    description: text(500),
    /** The catalogue reference of the part, when the line cites one. */
    partReference: z.string().max(120).nullable(),
    /** Thousandths: 1.5 hours = 1500; 2 parts = 2000. */
    quantityMilli: count(1_000_000_000),
  })
  .strict();

/** One completed work order. */
export const bookEntry = z
  .object({
    workOrderId: z.uuid(),
    completedOn: z.iso.date(),
    /** Odometer when the car came in, if it was read. */
    mileageKm: count(10_000_000).nullable(),
    work: z.array(bookWorkItem).max(200),
  })
  .strict();

export const bookContent = z
  .object({
    format: z.literal(MAINTENANCE_BOOK_FORMAT),
    bookId: z.uuid(),
    issuedAt: z.iso.datetime(),
    garage: z.object({ name: text(200) }).strict(),
    /** What identifies the car, not its owner: the VIN (on the chassis and the carte grise), make, model, year. No plate. */
    vehicle: z
      .object({
        vehicleId: z.uuid(),
        vin: z.string().max(17).nullable(),
        make: text(60),
        model: text(60),
        year: z.number().int().min(1900).max(2100),
      })
      .strict(),
    entries: z.array(bookEntry).max(200),
  })
  .strict();

/** The signed document: the JSON a buyer is given, and what the public verification accepts. */
export const maintenanceBookDocument = z
  .object({
    book: bookContent,
    signature: z
      .object({
        alg: z.literal('Ed25519'),
        kid: bookKeyId,
        /** base64url of the 64-byte Ed25519 signature of the canonical JSON of `book`. */
        value: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'an Ed25519 signature is 86 base64url characters'),
      })
      .strict(),
  })
  .strict();

export type MaintenanceBookDocument = z.infer<typeof maintenanceBookDocument>;
export type BookContent = z.infer<typeof bookContent>;
export type BookEntry = z.infer<typeof bookEntry>;
