import { randomUUID } from 'node:crypto';
import { conflict, forbidden, notFound } from '@ecar/errors';
import type { EntityManager } from '@ecar/db';
import { findAppointment } from '../data/appointments.ts';
import { assignedNumber } from '../data/references.ts';
import {
  assignTechnicians,
  endTimeEntry,
  findWorkOrder,
  insertLine,
  linesOf,
  listWorkOrders,
  openTimeEntry,
  saveWorkOrder,
  startTimeEntry,
  techniciansOf,
  timeEntriesOf,
  type TimeEntry,
  type WorkOrder,
  type WorkOrderLine,
} from '../data/work-orders.ts';
import { isAdmin, isTechnician, type Caller } from '@ecar/contracts';
import { CUSTOMER_SEALED_FIELDS } from './customer.ts';
import { readableFields } from './customers.ts';
import { estimateTotals } from './estimate.ts';
import { isApproved } from './estimates.ts';
import { newEvent, type NewEvent } from '@ecar/contracts';
import type { GarageContext } from './garage.ts';
import type { WorkOrderStatus } from '@ecar/contracts/requests/garage';
import { canTransition, linesEditable, timeRecordable } from './work-order-states.ts';

export interface OpenWorkOrderInput {
  appointmentId?: string;
  customerId?: string;
  vehicleId?: string;
  complaint: string;
  mileageInKm?: number;
  technicianIds?: string[];
}

export interface LineInput {
  kind: 'labour' | 'part';
  description: string;
  quantityMilli: number;
  unitPriceMillimes: number;
  vatRateBp?: number;
}

/** Statuses each role may move an order to through the status route (approval has its own route). */
const STATUS_TARGETS: Record<'super-admin' | 'technician', readonly WorkOrderStatus[]> = {
  'super-admin': ['open', 'estimate_sent', 'in_progress', 'completed', 'delivered', 'cancelled', 'waiting_for_parts', 'quality_check'],
  technician: ['in_progress', 'completed', 'waiting_for_parts', 'quality_check'],
};

export class WorkOrderService {
  constructor(private readonly garage: GarageContext) {}

  private ref(order: WorkOrder) {
    return { workOrderId: order.id, workOrderNumber: order.number, customerId: order.customerId, vehicleId: order.vehicleId, status: order.status };
  }

  private subject(order: WorkOrder) {
    return { type: 'work-order', id: order.id };
  }

  async open(caller: Caller, input: OpenWorkOrderInput): Promise<WorkOrder> {
    return this.garage.unitOfWork.run(async (db) => {
      let customerId = input.customerId;
      let vehicleId = input.vehicleId;
      if (input.appointmentId) {
        const appointment = await findAppointment(db, caller, input.appointmentId, true);
        if (!appointment) throw notFound('Appointment not found');
        if (appointment.status !== 'confirmed') throw conflict('Only a confirmed appointment opens a work order');
        if (customerId && customerId !== appointment.customerId) throw conflict('The appointment belongs to another customer');
        customerId = appointment.customerId;
        vehicleId ??= appointment.vehicleId ?? undefined;
      }
      if (!customerId || !vehicleId) throw conflict('A walk-in work order needs customerId and vehicleId');
      const vehicle = await this.garage.vehicles.find(db, caller, vehicleId);
      if (!vehicle || vehicle.customerId !== customerId) throw notFound('Vehicle not found');
      const now = new Date();
      const draft: Omit<WorkOrder, 'number'> = {
        id: randomUUID(),
        customerId,
        vehicleId,
        appointmentId: input.appointmentId ?? null,
        status: 'open',
        complaint: input.complaint,
        mileageInKm: input.mileageInKm ?? null,
        openedBy: caller.userId,
        estimateDecision: null,
        estimateDecidedBy: null,
        estimateDecidedAt: null,
        estimateDecidedIp: null,
        completedAt: null,
        deliveredAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await saveWorkOrder(db, draft);
      const order: WorkOrder = { ...draft, number: await assignedNumber(db, 'work_orders', draft.id) };
      const events = [newEvent(caller, 'garage.workorder.opened', this.subject(order), this.ref(order))];
      if (input.technicianIds?.length) {
        await assignTechnicians(db, order.id, input.technicianIds);
        events.push(newEvent(caller, 'garage.workorder.assigned', this.subject(order), { ...this.ref(order), technicianIds: input.technicianIds }));
      }
      return { result: order, events };
    });
  }

  /** The job card: order, lines, totals, technicians, time, and the minimum of customer and vehicle. */
  async get(caller: Caller, id: string) {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await findWorkOrder(db, caller, id);
      if (!order) throw notFound('Work order not found');
      const customer = await this.garage.customers.findById(db, order.customerId, readableFields(caller));
      const vehicle = await this.garage.vehicles.findById(db, order.vehicleId);
      const lines = await linesOf(db, id);
      const detail = {
        ...order,
        customer: customer ? { id: customer.id, name: customer.name, phone: customer.phone } : null,
        vehicle: vehicle ? { id: vehicle.id, plate: vehicle.plate, make: vehicle.make, model: vehicle.model, year: vehicle.year } : null,
        technicianIds: await techniciansOf(db, id),
        lines,
        totals: estimateTotals(lines),
        /** What the customer approved: the ceiling of the invoice. */
        approvedTotals: estimateTotals(lines.filter(isApproved)),
        timeEntries: await timeEntriesOf(db, id),
      };
      const event = newEvent(caller, 'garage.customer.accessed', { type: 'work-order', id }, {
        customerIds: [order.customerId],
        fields: ['name', 'phone', 'plate'],
        purpose: 'work-order',
      });
      return { result: detail, events: [event] };
    });
  }

  list(caller: Caller, query: { status?: WorkOrderStatus; vehicleId?: string; after?: string; limit: number }): Promise<WorkOrder[]> {
    return listWorkOrders(this.garage.dataSource.manager, caller, query);
  }

  private async locked(db: EntityManager, caller: Caller, id: string): Promise<WorkOrder> {
    const order = await findWorkOrder(db, caller, id, true);
    if (!order) throw notFound('Work order not found');
    return order;
  }

  async assign(caller: Caller, id: string, technicianIds: string[]): Promise<string[]> {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await this.locked(db, caller, id);
      if (order.status === 'delivered' || order.status === 'cancelled') throw conflict(`A ${order.status} work order cannot be assigned`);
      await assignTechnicians(db, id, technicianIds);
      const event = newEvent(caller, 'garage.workorder.assigned', this.subject(order), { ...this.ref(order), technicianIds });
      return { result: await techniciansOf(db, id), events: [event] };
    });
  }

  /**
   * `allowNegativeStock` is the super-admin's audited override: a completion that consumes a part not
   * in stock (recorded on the ledger row and its event as `negativeAllowed`).
   */
  async changeStatus(caller: Caller, id: string, to: WorkOrderStatus, allowNegativeStock = false): Promise<WorkOrder> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await this.locked(db, caller, id);
      const targets = isAdmin(caller) ? STATUS_TARGETS['super-admin'] : isTechnician(caller) ? STATUS_TARGETS.technician : [];
      if (!targets.includes(to)) throw forbidden(`Your role cannot move a work order to ${to}`);
      if (allowNegativeStock && !isAdmin(caller)) throw forbidden('Only a super-admin may complete without the stock');
      if (!canTransition(before.status, to)) throw conflict(`A work order cannot go from ${before.status} to ${to}`);
      const now = new Date();
      const after: WorkOrder = {
        ...before,
        status: to,
        updatedAt: now,
        ...(to === 'completed' ? { completedAt: now } : {}),
        ...(to === 'delivered' ? { deliveredAt: now } : {}),
        // Back to an open estimate: the previous decision no longer applies.
        ...(to === 'open' ? { estimateDecision: null, estimateDecidedBy: null, estimateDecidedAt: null, estimateDecidedIp: null } : {}),
      };
      const events: NewEvent[] = [newEvent(caller, 'garage.workorder.status_changed', this.subject(after), { ...this.ref(after), from: before.status }, { status: [before.status, to] })];
      if (to === 'estimate_sent' && (await linesOf(db, id)).length === 0) throw conflict('An estimate needs at least one line');
      if (to === 'completed') {
        events.push(await this.completedEvent(db, caller, after));
        // The approved parts leave the shelf once, with the completion (their reservations with them).
        events.push(...(await this.garage.useCases.parts.consumeOnCompletion(db, caller, after, allowNegativeStock)));
      }
      if (to === 'cancelled') events.push(...(await this.garage.useCases.parts.releaseReservations(db, caller, after, 'cancelled')));
      // Nobody works on a job waiting for its parts: the running clocks stop when it starts waiting.
      if (to === 'waiting_for_parts') await this.stopClocks(db, after.id, now);
      await saveWorkOrder(db, after);
      if (to === 'estimate_sent') events.push(...(await this.garage.useCases.estimates.sent(db, caller, after)));
      if (to === 'open') events.push(...(await this.garage.useCases.estimates.reopened(db, caller, after)));
      return { result: after, events };
    });
  }

  private async stopClocks(db: EntityManager, workOrderId: string, at: Date): Promise<void> {
    for (const technician of await techniciansOf(db, workOrderId)) {
      const running = await openTimeEntry(db, workOrderId, technician);
      if (running) await endTimeEntry(db, running.id, at);
    }
  }

  /** `garage.workorder.completed` exactly per the contract billing consumes: buyer, vehicle, lines. */
  private async completedEvent(db: EntityManager, caller: Caller, order: WorkOrder) {
    // Only what the customer approved is invoiced: lines awaiting an answer or declined never are.
    const lines = (await linesOf(db, order.id)).filter(isApproved);
    if (lines.length === 0) throw conflict('A work order without approved lines cannot be completed');
    await this.stopClocks(db, order.id, order.completedAt ?? new Date());
    const customer = await this.garage.customers.findById(db, order.customerId, CUSTOMER_SEALED_FIELDS);
    const vehicle = await this.garage.vehicles.findById(db, order.vehicleId);
    if (!customer || !vehicle) throw conflict('The customer or vehicle of this work order no longer exists');
    const nationalId = customer.nationalId ?? undefined;
    return newEvent(caller, 'garage.workorder.completed', { type: 'work-order', id: order.id, ...(customer.userId ? { ownerId: customer.userId } : {}) }, {
      workOrderId: order.id,
      workOrderNumber: order.number,
      customerId: customer.id,
      ...(customer.userId ? { customerUserId: customer.userId } : {}),
      buyer: {
        name: customer.name,
        kind: customer.kind,
        ...(customer.kind === 'person' && nationalId ? { cin: nationalId } : {}),
        ...(customer.kind === 'company' && nationalId ? { taxId: nationalId } : {}),
        ...(customer.address ? { address: customer.address } : {}),
        stampExempt: false,
      },
      vehicle: {
        plate: vehicle.plate,
        ...(vehicle.vin ? { vin: vehicle.vin } : {}),
        description: `${vehicle.make} ${vehicle.model} (${vehicle.year})`.slice(0, 200),
      },
      completedAt: (order.completedAt ?? new Date()).toISOString(),
      lines: lines.map((line) => ({
        kind: line.kind,
        description: line.description,
        quantityMilli: line.quantityMilli,
        unitPriceMillimes: line.unitPriceMillimes,
        vatRateBp: line.vatRateBp,
      })),
    });
  }

  async addLine(caller: Caller, id: string, input: LineInput): Promise<WorkOrderLine> {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await this.locked(db, caller, id);
      if (!linesEditable(order.status)) throw conflict(`Lines cannot be added to a ${order.status} work order`);
      const line = this.garage.useCases.estimates.newLine(order, caller, {
        kind: input.kind,
        description: input.description,
        quantityMilli: input.quantityMilli,
        unitPriceMillimes: input.unitPriceMillimes,
        vatRateBp: input.vatRateBp ?? this.garage.settings.defaultVatRateBp,
      });
      await insertLine(db, line);
      const { id: lineId, kind, description, quantityMilli, unitPriceMillimes, vatRateBp } = line;
      const event = newEvent(caller, 'garage.workorder.line_added', this.subject(order), {
        ...this.ref(order),
        lineId,
        line: { kind, description, quantityMilli, unitPriceMillimes, vatRateBp },
      });
      return { result: line, events: [event, ...(await this.garage.useCases.estimates.lineAdded(db, caller, order, line))] };
    });
  }

  /** The customer's answer to the whole estimate: every line awaiting approval approved or declined (who, when and from which address are kept). */
  async decideEstimate(caller: Caller, id: string, decision: 'approved' | 'declined'): Promise<WorkOrder> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await this.locked(db, caller, id);
      if (before.status !== 'estimate_sent' || !canTransition(before.status, decision)) throw conflict(`There is no estimate awaiting a decision (status ${before.status})`);
      const { order, events } = await this.garage.useCases.estimates.decideAll(db, caller, before, decision);
      return { result: order, events };
    });
  }

  async clock(caller: Caller, id: string, action: 'clock_in' | 'clock_out'): Promise<TimeEntry> {
    return this.garage.unitOfWork.run(async (db) => {
      const order = await this.locked(db, caller, id);
      const running = await openTimeEntry(db, id, caller.userId);
      let entry: TimeEntry;
      if (action === 'clock_in') {
        if (!timeRecordable(order.status)) throw conflict(`Time cannot be recorded on a ${order.status} work order`);
        if (running) throw conflict('You are already clocked in on this work order');
        entry = { id: randomUUID(), workOrderId: id, technicianId: caller.userId, startedAt: new Date(), endedAt: null };
        await startTimeEntry(db, entry);
      } else {
        if (!running) throw conflict('You are not clocked in on this work order');
        entry = { ...running, endedAt: new Date() };
        await endTimeEntry(db, entry.id, entry.endedAt!);
      }
      const event = newEvent(caller, 'garage.workorder.time_recorded', this.subject(order), { ...this.ref(order), technicianId: caller.userId, action, timeEntryId: entry.id });
      return { result: entry, events: [event] };
    });
  }
}
