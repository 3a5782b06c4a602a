import { parseEventData, type EventEnvelope } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { readModelStore } from '../data/store.ts';
import { formatKm, formatMillimes, localDate, localDateTime, type TemplateId } from './templates.ts';
import type { TemplateParams } from './types.ts';

/** The customer-facing events notify listens to (and the two that only feed its read models). */
export const SOURCE_EVENTS = [
  'garage.workorder.opened',
  'garage.workorder.status_changed',
  'garage.workorder.completed',
  'garage.appointment.confirmed',
  'garage.appointment.rescheduled',
  'billing.invoice.drafted',
  'billing.invoice.issued',
  'garage.estimate.approval_requested',
  'garage.reminder.due',
] as const;

export interface MessageSource {
  customerId: string;
  template: TemplateId;
  params: TemplateParams;
  /** What makes two events the same message (a reminder re-sent by a garage restored from a backup): one message per key and channel. */
  dedupeKey?: string;
}

/** The number the message cites (`OR-2026-000123`, `RDV-…`), when the event carries one. */
const withRef = (number: string | undefined): TemplateParams => (number ? { ref: number } : {});

/** The invoice's draft event has not arrived yet: the bus retries the event later. */
export class SourceNotReadyError extends Error {}

/**
 * What an event means for a customer: a message to send (template, parameters), or nothing. It
 * also keeps the read models that tie an invoice to its customer (billing's events name the
 * invoice and its work order; garage's name the work order's customer).
 */
export async function sourceOf(envelope: EventEnvelope, db: EntityManager, timeZone: string): Promise<MessageSource | undefined> {
  switch (envelope.type) {
    case 'garage.workorder.opened': {
      const data = parseEventData('garage.workorder.opened', envelope.data);
      await readModelStore.rememberWorkOrder(db, data.workOrderId, data.customerId);
      return undefined;
    }
    case 'garage.workorder.status_changed': {
      const data = parseEventData('garage.workorder.status_changed', envelope.data);
      await readModelStore.rememberWorkOrder(db, data.workOrderId, data.customerId);
      return data.status === 'estimate_sent' ? { customerId: data.customerId, template: 'estimate_ready', params: withRef(data.workOrderNumber) } : undefined;
    }
    case 'garage.workorder.completed': {
      const data = parseEventData('garage.workorder.completed', envelope.data);
      await readModelStore.rememberWorkOrder(db, data.workOrderId, data.customerId);
      return { customerId: data.customerId, template: 'vehicle_ready', params: withRef(data.workOrderNumber) };
    }
    case 'garage.appointment.confirmed':
    case 'garage.appointment.rescheduled': {
      const data = parseEventData(envelope.type, envelope.data);
      const template = envelope.type === 'garage.appointment.confirmed' ? 'appointment_confirmed' : 'appointment_rescheduled';
      return { customerId: data.customerId, template, params: { ...localDateTime(data.slotStart, timeZone), ...withRef(data.appointmentNumber) } };
    }
    case 'billing.invoice.drafted': {
      const data = parseEventData('billing.invoice.drafted', envelope.data);
      await readModelStore.rememberInvoice(db, data.invoiceId, data.workOrderId, data.origin);
      return undefined;
    }
    case 'billing.invoice.issued': {
      const data = parseEventData('billing.invoice.issued', envelope.data);
      const customerId = await readModelStore.customerOfInvoice(db, data.invoiceId);
      if (customerId === undefined) throw new SourceNotReadyError(`invoice ${data.invoiceId} is not known yet (its draft or work order event has not arrived)`);
      // A manual invoice has no garage customer to tell (its buyer is typed at the counter).
      if (customerId === null) return undefined;
      return { customerId, template: 'invoice_issued', params: { number: data.number, total: formatMillimes(data.totalTtcMillimes) } };
    }
    case 'garage.estimate.approval_requested': {
      const data = parseEventData('garage.estimate.approval_requested', envelope.data);
      // A whole estimate sent is `estimate_ready` (status_changed); this one is work added or corrected during the job.
      if (data.reason === 'estimate_sent') return undefined;
      return { customerId: data.customerId, template: 'approval_requested', params: { amount: formatMillimes(data.awaitingGrossMillimes) } };
    }
    case 'garage.reminder.due': {
      const data = parseEventData('garage.reminder.due', envelope.data);
      const due = data.dueDate ?? `km:${data.dueMileageKm ?? 0}`;
      return {
        customerId: data.customerId,
        template: 'reminder_due',
        params: {
          kind: data.kind,
          vehicle: data.vehicle,
          ...(data.dueDate ? { date: localDate(data.dueDate) } : {}),
          ...(data.dueMileageKm !== undefined ? { mileage: formatKm(data.dueMileageKm) } : {}),
        },
        dedupeKey: `reminder:${data.vehicleId}:${data.kind}:${due}:${data.leadDays}`,
      };
    }
    default:
      return undefined;
  }
}
