import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '@ecar/errors';
import { findAppointment, listAppointments, lockSlotAndCount, saveAppointment, type Appointment } from '../data/appointments.ts';
import { assignedNumber } from '../data/references.ts';
import type { Caller } from '@ecar/contracts';
import { newEvent } from '@ecar/contracts';
import type { GarageContext } from './garage.ts';
import type { AppointmentPlacementInput } from './planning.ts';
import { checkBookingHorizon, checkBookingLimits } from './booking-limits.ts';

type AppointmentEventType = 'garage.appointment.requested' | 'garage.appointment.confirmed' | 'garage.appointment.rescheduled' | 'garage.appointment.cancelled';

export class AppointmentService {
  constructor(private readonly garage: GarageContext) {}

  /** Slots start on multiples of the slot length and lie in the future. */
  private checkSlot(slotStart: Date): void {
    const slotMs = this.garage.settings.slotMinutes * 60_000;
    if (slotStart.getTime() % slotMs !== 0) {
      throw badRequest('The slot does not start on a slot boundary', [{ path: 'slotStart', code: 'slot_boundary', message: `Slots start every ${this.garage.settings.slotMinutes} minutes` }]);
    }
    if (slotStart.getTime() <= Date.now()) throw badRequest('The slot is in the past', [{ path: 'slotStart', code: 'past', message: 'Choose a future slot' }]);
  }

  /** Inside the booking transaction, with the slot locked: refuses a slot already at capacity. */
  private async ensureRoom(db: Parameters<typeof lockSlotAndCount>[0], slotStart: Date, exceptId?: string): Promise<void> {
    const taken = await lockSlotAndCount(db, slotStart, exceptId);
    if (taken >= this.garage.settings.slotCapacity) throw conflict('This slot is fully booked; choose another one');
  }

  private event(caller: Caller, type: AppointmentEventType, appointment: Appointment) {
    return newEvent(caller, type, { type: 'appointment', id: appointment.id }, {
      appointmentId: appointment.id,
      appointmentNumber: appointment.number,
      customerId: appointment.customerId,
      slotStart: appointment.slotStart.toISOString(),
      status: appointment.status,
    });
  }

  /** Technicians, bays and bookings (issue 14): where an appointment takes its room when the planning is used. */
  private get planning() {
    return this.garage.useCases.planning;
  }

  async request(caller: Caller, input: { customerId: string; vehicleId?: string; slotStart: Date; note?: string } & Omit<AppointmentPlacementInput, 'slotStart'>): Promise<Appointment> {
    this.checkSlot(input.slotStart);
    return this.garage.unitOfWork.run(async (db) => {
      const customer = await this.garage.customers.find(db, caller, input.customerId, []);
      if (!customer) throw notFound('Customer not found');
      if (input.vehicleId) {
        const vehicle = await this.garage.vehicles.find(db, caller, input.vehicleId);
        if (!vehicle || vehicle.customerId !== customer.id) throw notFound('Vehicle not found');
      }
      await checkBookingLimits(db, this.garage.settings.limits, caller, customer.id, input.slotStart);
      const planned = await this.planning.placesAppointment(db, caller, input);
      if (!planned) await this.ensureRoom(db, input.slotStart);
      const now = new Date();
      const draft: Omit<Appointment, 'number'> = {
        id: randomUUID(),
        customerId: customer.id,
        vehicleId: input.vehicleId ?? null,
        slotStart: input.slotStart,
        status: 'requested',
        note: input.note ?? null,
        requestedBy: caller.userId,
        createdAt: now,
        updatedAt: now,
      };
      await saveAppointment(db, draft);
      const appointment: Appointment = { ...draft, number: await assignedNumber(db, 'appointments', draft.id) };
      const placed = planned ? await this.planning.placeAppointment(db, caller, appointment.id, input) : [];
      return { result: appointment, events: [this.event(caller, 'garage.appointment.requested', appointment), ...placed] };
    });
  }

  async get(caller: Caller, id: string): Promise<Appointment> {
    const appointment = await findAppointment(this.garage.dataSource.manager, caller, id);
    if (!appointment) throw notFound('Appointment not found');
    return appointment;
  }

  list(caller: Caller, query: { from?: Date; to?: Date; after?: string; limit: number }): Promise<Appointment[]> {
    return listAppointments(this.garage.dataSource.manager, caller, query);
  }

  async confirm(caller: Caller, id: string): Promise<Appointment> {
    return this.change(caller, id, 'garage.appointment.confirmed', (appointment) => {
      if (appointment.status !== 'requested') throw conflict(`A ${appointment.status} appointment cannot be confirmed`);
      return { ...appointment, status: 'confirmed' };
    });
  }

  async cancel(caller: Caller, id: string): Promise<Appointment> {
    return this.change(caller, id, 'garage.appointment.cancelled', (appointment) => {
      if (appointment.status === 'cancelled') throw conflict('The appointment is already cancelled');
      return { ...appointment, status: 'cancelled' };
    });
  }

  async reschedule(caller: Caller, id: string, slotStart: Date): Promise<Appointment> {
    this.checkSlot(slotStart);
    checkBookingHorizon(this.garage.settings.limits, caller, slotStart);
    return this.change(
      caller,
      id,
      'garage.appointment.rescheduled',
      (appointment) => {
        if (appointment.status === 'cancelled') throw conflict('A cancelled appointment cannot be rescheduled');
        return { ...appointment, slotStart };
      },
      true,
    );
  }

  private async change(caller: Caller, id: string, type: AppointmentEventType, apply: (appointment: Appointment) => Appointment, checkRoom = false): Promise<Appointment> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await findAppointment(db, caller, id, true);
      if (!before) throw notFound('Appointment not found');
      const after = { ...apply(before), updatedAt: new Date() };
      const moved = checkRoom ? await this.planning.moveAppointment(db, caller, id, after.slotStart) : undefined;
      if (checkRoom && !moved) await this.ensureRoom(db, after.slotStart, id);
      await saveAppointment(db, after);
      const released = type === 'garage.appointment.cancelled' ? await this.planning.releaseAppointment(db, caller, id) : [];
      return { result: after, events: [this.event(caller, type, after), ...(moved ?? []), ...released] };
    });
  }
}
