import { z } from 'zod';

const millimes = z.number().int().min(0).max(1_000_000_000_000);

/** One estimate/invoice line as billing needs it: integer millimes, quantity in thousandths. */
export const billableLineSchema = z
  .object({
    kind: z.enum(['labour', 'part']),
    description: z.string().min(1).max(500),
    /** 1.5 hours = 1500; 2 parts = 2000. */
    quantityMilli: z.number().int().min(1).max(1_000_000_000),
    unitPriceMillimes: millimes,
    /** VAT rate in basis points: 19 % = 1900. */
    vatRateBp: z.number().int().min(0).max(10_000),
  })
  .strict();

const id = z.uuid();
/** Names of the fields a change touched or a read returned (never their values). */
const fieldNames = z.array(z.string().min(1).max(64)).max(64);

const customerRef = z.object({ customerId: id }).strict();
const vehicleRef = z.object({ vehicleId: id, customerId: id }).strict();
/** Human references (issue #14): `OR-2026-000123`, `RDV-…`, `DV-…`; optional, so events stored before them still parse. */
const reference = (prefix: string) => z.string().regex(new RegExp(`^${prefix}-\\d{4}-\\d{6}$`));
const appointmentRef = z
  .object({ appointmentId: id, appointmentNumber: reference('RDV').optional(), customerId: id, slotStart: z.iso.datetime({ offset: true }), status: z.string().max(32) })
  .strict();
const workOrderRef = z.object({ workOrderId: id, workOrderNumber: reference('OR').optional(), customerId: id, vehicleId: id, status: z.string().max(32) }).strict();

const v1 = <T extends z.ZodType>(data: T) => ({ version: 1, data }) as const;

/** Events published by the garage service. `changes` of updates carry masked before/after values. */
export const garageEvents = {
  'garage.customer.created': v1(customerRef.extend({ source: z.enum(['admin', 'auth-user']) }).strict()),
  'garage.customer.updated': v1(customerRef.extend({ fields: fieldNames }).strict()),
  'garage.customer.consent_recorded': v1(customerRef.extend({ given: z.boolean(), method: z.string().max(64) }).strict()),
  'garage.customer.anonymised': v1(customerRef),
  /** AUD-4: who read whose personal data. One event per request; lists name every customer read. */
  'garage.customer.accessed': v1(
    z
      .object({
        customerIds: z.array(id).max(500),
        fields: fieldNames,
        purpose: z.enum(['detail', 'list', 'export', 'document', 'vehicle', 'work-order', 'notification', 'search']),
      })
      .strict(),
  ),
  'garage.vehicle.created': v1(vehicleRef),
  'garage.vehicle.updated': v1(vehicleRef.extend({ fields: fieldNames }).strict()),
  'garage.document.uploaded': v1(vehicleRef.extend({ documentId: id, contentType: z.string().max(64), sizeBytes: z.number().int().min(0) }).strict()),
  'garage.document.downloaded': v1(vehicleRef.extend({ documentId: id }).strict()),
  'garage.appointment.requested': v1(appointmentRef),
  'garage.appointment.confirmed': v1(appointmentRef),
  'garage.appointment.rescheduled': v1(appointmentRef),
  'garage.appointment.cancelled': v1(appointmentRef),
  'garage.workorder.opened': v1(workOrderRef),
  'garage.workorder.assigned': v1(workOrderRef.extend({ technicianIds: z.array(id).max(20) }).strict()),
  'garage.workorder.status_changed': v1(workOrderRef.extend({ from: z.string().max(32) }).strict()),
  'garage.workorder.line_added': v1(workOrderRef.extend({ lineId: id, line: billableLineSchema }).strict()),
  'garage.workorder.estimate_decided': v1(workOrderRef.extend({ decision: z.enum(['approved', 'declined']) }).strict()),
  /** `timeEntryId`: garage's time entry opened or closed (optional: events stored before it still parse); the reports' read model dedups on it. */
  'garage.workorder.time_recorded': v1(workOrderRef.extend({ technicianId: id, action: z.enum(['clock_in', 'clock_out']), timeEntryId: id.optional() }).strict()),
  'garage.workorder.line_updated': v1(workOrderRef.extend({ lineId: id, line: billableLineSchema, fields: fieldNames }).strict()),
  'garage.workorder.line_removed': v1(workOrderRef.extend({ lineId: id }).strict()),
  /**
   * The customer is asked to approve lines: the estimate was sent, or work found during the job was
   * added or corrected. A notification service sends it to the customer (app, SMS, e-mail).
   */
  'garage.estimate.approval_requested': v1(
    workOrderRef
      .extend({
        customerUserId: id.optional(),
        reason: z.enum(['estimate_sent', 'line_added', 'line_updated']),
        lineIds: z.array(id).min(1).max(500),
        awaitingGrossMillimes: millimes,
        approvedGrossMillimes: millimes,
        /** The number of the estimate version the customer is shown (`DV-2026-000045`). */
        estimateNumber: reference('DV').optional(),
      })
      .strict(),
  ),
  /** The customer's answer line by line, in the app or recorded by staff (phone, at the counter). */
  'garage.estimate.lines_decided': v1(
    workOrderRef
      .extend({
        decisionId: id,
        method: z.enum(['app', 'phone', 'in_person']),
        decisions: z.array(z.object({ lineId: id, decision: z.enum(['approved', 'declined']) }).strict()).min(1).max(500),
        approvedGrossMillimes: millimes,
        version: z.number().int().min(1),
      })
      .strict(),
  ),
  'garage.workorder.completed': {
    version: 1,
    data: z
      .object({
        workOrderId: z.uuid(),
        /** `OR-2026-000123`: what the invoice cites (optional: events stored before numbers still parse). */
        workOrderNumber: reference('OR').optional(),
        customerId: z.uuid(),
        /** The auth user of the customer, when they have an account (for their own invoice access). */
        customerUserId: z.uuid().optional(),
        buyer: z
          .object({
            name: z.string().min(1).max(200),
            kind: z.enum(['person', 'company']),
            cin: z.string().regex(/^\d{8}$/).optional(),
            taxId: z.string().max(32).optional(),
            address: z.string().max(500).optional(),
            stampExempt: z.boolean().default(false),
          })
          .strict(),
        vehicle: z.object({ plate: z.string().max(32), vin: z.string().max(17).optional(), description: z.string().max(200) }).strict(),
        completedAt: z.iso.datetime({ offset: true }),
        lines: z.array(billableLineSchema).min(1).max(500),
      })
      .strict(),
  },
  /**
   * A replay of garage's work-order history for the reports' read model (docs/reports.md): one
   * batch of work orders as they stand, with all their time entries. `total` is the number of work
   * orders when the replay began; the last batch says `last` and how many were sent in all.
   */
  'garage.workorder.replayed': v1(
    z
      .object({
        replayId: id,
        total: z.number().int().min(0),
        sent: z.number().int().min(0),
        last: z.boolean(),
        workOrders: z
          .array(
            z
              .object({
                workOrderId: id,
                status: z.string().max(32),
                openedAt: z.iso.datetime({ offset: true }),
                statusAt: z.iso.datetime({ offset: true }),
                timeEntries: z
                  .array(z.object({ id, technicianId: id, startedAt: z.iso.datetime({ offset: true }), endedAt: z.iso.datetime({ offset: true }).nullable() }).strict())
                  .max(2000),
              })
              .strict(),
          )
          .max(100),
      })
      .strict(),
  ),
  /** A signed maintenance book was issued for a vehicle (issue 15): who asked, which key signed, how many entries. */
  'garage.maintenance_book.issued': v1(vehicleRef.extend({ bookId: id, keyId: z.string().max(32), entries: z.number().int().min(0).max(200) }).strict()),
} as const;
