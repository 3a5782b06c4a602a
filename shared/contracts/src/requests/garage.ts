import { z } from 'zod';
import { cinSchema, emailSchema, phoneSchema, plateSchema, taxIdSchema, textSchema, vinSchema } from '../formats.ts';
import { pageQuery } from './paging.ts';
import { appointmentPlacementFields } from './garage-planning.ts';
import { vehicleDueDatesCreate, vehicleDueDatesPatch } from './garage-reminders.ts';

/** Request schemas of the garage service (APP-1), shared with the browser app. Every object is strict: a field not listed here is a 400, never stored. */

/** The work-order life cycle's states (the transitions are the garage's domain rules). */
export const WORK_ORDER_STATUSES = ['open', 'estimate_sent', 'approved', 'declined', 'in_progress', 'completed', 'delivered', 'cancelled', 'waiting_for_parts', 'quality_check'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

const consentMethod = z.enum(['written-form', 'electronic', 'in-person']);

export const createCustomerBody = z
  .object({
    kind: z.enum(['person', 'company']),
    name: textSchema(200),
    phone: phoneSchema.optional(),
    email: emailSchema.optional(),
    address: textSchema(500).optional(),
    cin: cinSchema.optional(),
    taxId: taxIdSchema.optional(),
    userId: z.uuid().optional(),
    consentMethod: consentMethod.optional(),
  })
  .strict()
  .refine((body) => !(body.kind === 'person' && body.taxId) && !(body.kind === 'company' && body.cin), {
    message: 'a person has a CIN, a company a tax ID',
    path: ['kind'],
  });

export const patchCustomerBody = z
  .object({
    name: textSchema(200).optional(),
    phone: phoneSchema.nullable().optional(),
    email: emailSchema.nullable().optional(),
    address: textSchema(500).nullable().optional(),
    cin: cinSchema.nullable().optional(),
    taxId: taxIdSchema.nullable().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to change' })
  .refine((body) => !(body.cin !== undefined && body.taxId !== undefined), { message: 'give a CIN or a tax ID, not both', path: ['cin'] });

export const consentBody = z.object({ given: z.boolean(), method: consentMethod }).strict();

export const customerListQuery = z
  .object({ ...pageQuery, email: emailSchema.optional(), phone: phoneSchema.optional(), cin: cinSchema.optional(), taxId: taxIdSchema.optional() })
  .strict();

const year = z.number().int().min(1900).max(new Date().getUTCFullYear() + 1);
const mileage = z.number().int().min(0).max(5_000_000);
const isoDate = z.iso.date();

export const createVehicleBody = z
  .object({
    customerId: z.uuid(),
    plate: plateSchema,
    vin: vinSchema.optional(),
    make: textSchema(60),
    model: textSchema(60),
    year,
    mileageKm: mileage,
    nextServiceDate: isoDate.optional(),
    nextServiceMileageKm: mileage.optional(),
    ...vehicleDueDatesCreate,
  })
  .strict();

export const patchVehicleBody = z
  .object({
    plate: plateSchema.optional(),
    vin: vinSchema.nullable().optional(),
    make: textSchema(60).optional(),
    model: textSchema(60).optional(),
    year: year.optional(),
    mileageKm: mileage.optional(),
    nextServiceDate: isoDate.nullable().optional(),
    nextServiceMileageKm: mileage.nullable().optional(),
    ...vehicleDueDatesPatch,
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to change' })
  .refine((body) => !(body.nextServiceFromCannedJobId && (body.nextServiceDate !== undefined || body.nextServiceMileageKm !== undefined)), {
    message: 'set the next service from a canned job or by hand, not both',
    path: ['nextServiceFromCannedJobId'],
  });

export const vehicleListQuery = z.object({ ...pageQuery, plate: plateSchema.optional(), customerId: z.uuid().optional() }).strict();

const slotStart = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const createAppointmentBody = z
  .object({ customerId: z.uuid(), vehicleId: z.uuid().optional(), slotStart, note: textSchema(1000).optional(), ...appointmentPlacementFields })
  .strict();
export const rescheduleBody = z.object({ slotStart }).strict();
export const appointmentListQuery = z
  .object({ ...pageQuery, from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
  .strict();

export const openWorkOrderBody = z
  .object({
    appointmentId: z.uuid().optional(),
    customerId: z.uuid().optional(),
    vehicleId: z.uuid().optional(),
    complaint: textSchema(2000),
    mileageInKm: mileage.optional(),
    technicianIds: z.array(z.uuid()).min(1).max(10).optional(),
  })
  .strict()
  .refine((body) => body.appointmentId !== undefined || (body.customerId !== undefined && body.vehicleId !== undefined), {
    message: 'give appointmentId, or customerId and vehicleId for a walk-in',
  });

export const assignBody = z.object({ technicianIds: z.array(z.uuid()).min(1).max(10) }).strict();
/**
 * `allowNegativeStock` (super-admin only, audited): complete even though an approved part line's
 * part is not in stock, taking the quantity on hand below what is available.
 */
export const statusBody = z.object({ status: z.enum(WORK_ORDER_STATUSES), allowNegativeStock: z.boolean().optional() }).strict();
export const lineBody = z
  .object({
    kind: z.enum(['labour', 'part']),
    description: textSchema(500),
    /** Hours or pieces in thousandths: 1.5 h = 1500. */
    quantityMilli: z.number().int().min(1).max(1_000_000_000),
    unitPriceMillimes: z.number().int().min(0).max(1_000_000_000_000),
    vatRateBp: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();
export const timeBody = z.object({ action: z.enum(['clock_in', 'clock_out']) }).strict();
export const workOrderListQuery = z.object({ ...pageQuery, status: z.enum(WORK_ORDER_STATUSES).optional(), vehicleId: z.uuid().optional() }).strict();

/** Estimates (issue #14): a line corrected while not yet approved; only the fields given change. */
export const editLineBody = lineBody
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to change' });

export const LINE_APPROVALS = ['draft', 'awaiting_approval', 'approved', 'declined'] as const;
export type LineApproval = (typeof LINE_APPROVALS)[number];

const lineDecisions = z
  .array(z.object({ lineId: z.uuid(), decision: z.enum(['approved', 'declined']) }).strict())
  .min(1)
  .max(500)
  .refine((items) => new Set(items.map((item) => item.lineId)).size === items.length, { message: 'each line once' });

/** The customer's answer, line by line, in the app. */
export const lineDecisionsBody = z.object({ decisions: lineDecisions }).strict();

/** An answer the customer gave the garage by phone or at the counter, recorded by staff: how, who, when, their words. */
export const recordedDecisionsBody = z
  .object({
    decisions: lineDecisions,
    method: z.enum(['phone', 'in_person']),
    /** Who gave the answer (the customer, or the person speaking for them). */
    givenBy: textSchema(200),
    givenAt: z.iso.datetime({ offset: true }).refine((value) => Date.parse(value) <= Date.now() + 5 * 60_000, { message: 'not in the future' }),
    /** The customer's words, as noted. */
    customerWords: textSchema(2000),
  })
  .strict();
export * from './garage-stock.ts';

/** GET /api/v1/work-orders/:id/estimate/pdf — the estimate as the customer reads it, in French, Arabic or English (issue #14). */
export const estimatePdfQuery = z.object({ lang: z.enum(['fr', 'ar', 'en']).default('fr') }).strict();
export * from './garage-planning.ts';
export * from './garage-reminders.ts';

/** GET /api/v1/plate-claims (issue 12, finding 5): the garage's queue of plate claims. */
export const plateClaimListQuery = z.object({ ...pageQuery, status: z.enum(['pending', 'accepted', 'refused']).optional() }).strict();

/** Issue 15: the counter search box (super-admin). `kind` restricts the match; without it every kind the query can be is tried. */
export const CUSTOMER_SEARCH_KINDS = ['name', 'plate', 'vin', 'phone'] as const;
export const customerSearchQuery = z
  .object({
    ...pageQuery,
    q: z
      .string()
      .trim()
      .min(2)
      .max(100)
      // eslint-disable-next-line no-control-regex
      .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'control characters are not allowed'),
    kind: z.enum(CUSTOMER_SEARCH_KINDS).optional(),
  })
  .strict();
