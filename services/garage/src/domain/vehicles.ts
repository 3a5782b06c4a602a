import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '@ecar/errors';
import { historyOfVehicle, type WorkOrder, type WorkOrderLine } from '../data/work-orders.ts';
import { isCustomer, type Caller } from '@ecar/contracts';
import { newEvent } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { findCannedJob } from '../data/canned-jobs.ts';
import { diff } from './diff.ts';
import { addMonths } from './reminder-rules.ts';
import type { GarageContext } from './garage.ts';
import type { Vehicle } from './vehicle.ts';
import type { PlateClaimReceipt } from './plate-claims.ts';

export type VehicleInput = Pick<
  Vehicle,
  'customerId' | 'plate' | 'vin' | 'make' | 'model' | 'year' | 'mileageKm' | 'nextServiceDate' | 'nextServiceMileageKm' | 'technicalInspectionDue' | 'insuranceDue' | 'vignetteDue'
>;
export type VehiclePatch = Partial<Omit<VehicleInput, 'customerId'>> & { nextServiceFromCannedJobId?: string | undefined };

const CHANGEABLE = ['plate', 'vin', 'make', 'model', 'year', 'mileageKm', 'nextServiceDate', 'nextServiceMileageKm', 'technicalInspectionDue', 'insuranceDue', 'vignetteDue'] as const;

/** A reminder is due when the date has come or the mileage is reached (DOMAIN.md step 7); `today` is the garage's calendar date. */
export { serviceDue } from './reminder-rules.ts';

export class VehicleService {
  constructor(private readonly garage: GarageContext) {}

  /** The garage's calendar date (REMINDER_TIME_ZONE): what "due" is measured against. */
  today(): string {
    return this.garage.useCases.reminders.today();
  }

  /** A new vehicle, or (a customer, plate already registered) the receipt of a plate claim. */
  async create(caller: Caller, input: VehicleInput): Promise<Vehicle | PlateClaimReceipt> {
    return this.garage.unitOfWork.run<Vehicle | PlateClaimReceipt>(async (db) => {
      // The owner must be within the caller's reach: a customer adds vehicles to their own profile only.
      const owner = await this.garage.customers.find(db, caller, input.customerId, []);
      if (!owner) throw notFound('Customer not found');
      if (owner.anonymisedAt) throw conflict('This customer was anonymised');
      if (await this.garage.vehicles.plateTaken(db, input.plate)) return this.garage.useCases.plateClaims.claimTaken(db, caller, owner, input);
      const now = new Date();
      const vehicle: Vehicle = { id: randomUUID(), ...input, createdAt: now, updatedAt: now };
      await this.garage.vehicles.save(db, vehicle, true);
      const subject = { type: 'vehicle', id: vehicle.id, ...(owner.userId ? { ownerId: owner.userId } : {}) };
      return { result: vehicle, events: [newEvent(caller, 'garage.vehicle.created', subject, { vehicleId: vehicle.id, customerId: owner.id })] };
    });
  }

  /** Reads (here and below): their statements, then the access record committed before the answer (UnitOfWork.read). */
  async get(caller: Caller, id: string): Promise<Vehicle> {
    return this.garage.unitOfWork.read(async (db) => {
      const vehicle = await this.garage.vehicles.find(db, caller, id);
      if (!vehicle) throw notFound('Vehicle not found');
      const event = newEvent(caller, 'garage.customer.accessed', { type: 'vehicle', id }, { customerIds: [vehicle.customerId], fields: ['plate', 'vin'], purpose: 'vehicle' });
      return { result: vehicle, events: [event] };
    });
  }

  async list(caller: Caller, query: { plate?: string; customerId?: string; after?: string; limit: number }): Promise<Vehicle[]> {
    return this.garage.unitOfWork.read(async (db) => {
      const vehicles = await this.garage.vehicles.list(db, caller, query);
      const customerIds = [...new Set(vehicles.map((vehicle) => vehicle.customerId))];
      const events =
        customerIds.length === 0
          ? []
          : [newEvent(caller, 'garage.customer.accessed', { type: 'vehicle-list', id: caller.correlationId.slice(0, 128) }, { customerIds, fields: ['plate', 'vin'], purpose: 'vehicle' })];
      return { result: vehicles, events };
    });
  }

  async update(caller: Caller, id: string, patch: VehiclePatch): Promise<Vehicle> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await this.garage.vehicles.find(db, caller, id, true);
      if (!before) throw notFound('Vehicle not found');
      if (isCustomer(caller) && patch.plate !== undefined && patch.plate !== before.plate) throw conflict('Ask the garage to change a plate');
      if (patch.plate !== undefined && (await this.garage.vehicles.plateTaken(db, patch.plate, id))) throw conflict('A vehicle with this plate is already registered');
      if (patch.mileageKm !== undefined && patch.mileageKm < before.mileageKm) throw conflict('Mileage cannot go down');
      const { nextServiceFromCannedJobId, ...fields } = patch;
      const fromCannedJob = nextServiceFromCannedJobId === undefined ? {} : await this.nextServiceFrom(db, nextServiceFromCannedJobId, fields.mileageKm ?? before.mileageKm);
      const after: Vehicle = { ...before, ...fields, ...fromCannedJob, updatedAt: new Date() };
      const changes = diff(before, after, CHANGEABLE);
      await this.garage.vehicles.save(db, after, false);
      const event = newEvent(caller, 'garage.vehicle.updated', { type: 'vehicle', id }, { vehicleId: id, customerId: after.customerId, fields: Object.keys(changes) }, changes);
      return { result: after, events: [event] };
    });
  }

  /** The next service from a canned job's interval: today + its months, the mileage + its kilometres. */
  private async nextServiceFrom(db: EntityManager, cannedJobId: string, mileageKm: number): Promise<Pick<Vehicle, 'nextServiceDate' | 'nextServiceMileageKm'>> {
    const job = await findCannedJob(db, cannedJobId);
    if (!job) throw notFound('Canned job not found');
    if (!job.serviceIntervalMonths && !job.serviceIntervalKm) throw conflict('This canned job has no service interval');
    const today = this.garage.useCases.reminders.today();
    return {
      nextServiceDate: job.serviceIntervalMonths ? addMonths(today, job.serviceIntervalMonths) : null,
      nextServiceMileageKm: job.serviceIntervalKm ? mileageKm + job.serviceIntervalKm : null,
    };
  }

  /** Service history: the work orders of the vehicle the caller may see, with their lines (two statements, no query per order). */
  async history(caller: Caller, id: string): Promise<{ vehicle: Vehicle; workOrders: Array<WorkOrder & { lines: WorkOrderLine[] }> }> {
    return this.garage.unitOfWork.read(async (db) => {
      const vehicle = await this.garage.vehicles.find(db, caller, id);
      if (!vehicle) throw notFound('Vehicle not found');
      const workOrders = await historyOfVehicle(db, caller, id, 200);
      const event = newEvent(caller, 'garage.customer.accessed', { type: 'vehicle', id }, { customerIds: [vehicle.customerId], fields: ['plate', 'vin'], purpose: 'vehicle' });
      return { result: { vehicle, workOrders }, events: [event] };
    });
  }
}
