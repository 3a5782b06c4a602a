import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@ecar/db';
import { conflict, notFound } from '@ecar/errors';
import { isCustomer, newEvent, type Caller, type NewEvent } from '@ecar/contracts';
import type { PlateClaimResponse } from '@ecar/contracts/responses/garage';
import { VEHICLE_INDEX } from '../data/vehicles.ts';
import {
  decidePlateClaim,
  findPlateClaim,
  insertPlateClaim,
  listPlateClaims,
  openClaimOf,
  pendingClaimsOfCustomer,
  vehicleWithPlate,
  type PlateClaim,
  type PlateClaimStatus,
} from '../data/plate-claims.ts';
import type { Customer } from './customer.ts';
import type { GarageContext } from './garage.ts';
import type { VehicleInput } from './vehicles.ts';

/** Claims a customer may have waiting at once: bounds how many plates one account can probe. */
export const MAX_PENDING_CLAIMS = 3;

export type PlateClaimReceipt = { claim: { id: string; status: 'pending'; createdAt: Date } };

/**
 * Plate claims (issue 12, finding 5). A customer who registers a plate already on another
 * customer's vehicle is not told so, nor whose it is: the registration becomes a claim the garage
 * checks against the papers and accepts (the vehicle moves to the claimant) or refuses. Staff
 * still get the plain 409 (they can look plates up anyway).
 */
export class PlateClaimService {
  constructor(private readonly garage: GarageContext) {}

  private event(caller: Caller, claim: PlateClaim, decision?: 'accepted' | 'refused'): NewEvent {
    const ref = { claimId: claim.id, vehicleId: claim.vehicleId, customerId: claim.claimantCustomerId, holderCustomerId: claim.holderCustomerId };
    const subject = { type: 'plate-claim', id: claim.id };
    return decision ? newEvent(caller, 'garage.plate_claim.decided', subject, { ...ref, decision }) : newEvent(caller, 'garage.plate_claim.opened', subject, ref);
  }

  /** In the vehicle-registration transaction, when the plate is taken: the staff's 409, or a customer's claim. */
  async claimTaken(db: EntityManager, caller: Caller, owner: Customer, input: VehicleInput) {
    const holder = await vehicleWithPlate(db, this.garage.cipher.index(VEHICLE_INDEX.plate, input.plate));
    if (!holder) throw conflict('This already exists (a concurrent request created it first)');
    if (!isCustomer(caller)) throw conflict('A vehicle with this plate is already registered');
    if (holder.customerId === owner.id) throw conflict('You have already registered this vehicle');
    const existing = await openClaimOf(db, holder.id, owner.id);
    if (existing) return { result: receipt(existing), events: [] };
    if ((await pendingClaimsOfCustomer(db, owner.id)) >= MAX_PENDING_CLAIMS) {
      throw conflict(`You have ${MAX_PENDING_CLAIMS} registrations waiting for the garage; they will contact you`);
    }
    const claim: PlateClaim = {
      id: randomUUID(),
      vehicleId: holder.id,
      claimantCustomerId: owner.id,
      holderCustomerId: holder.customerId,
      make: input.make,
      model: input.model,
      year: input.year,
      status: 'pending',
      requestedBy: caller.userId,
      decidedBy: null,
      decidedAt: null,
      createdAt: new Date(),
    };
    await insertPlateClaim(db, claim);
    return { result: receipt(claim), events: [this.event(caller, claim)] };
  }

  async list(caller: Caller, query: { status?: PlateClaimStatus; after?: string; limit: number }): Promise<PlateClaimView[]> {
    return this.garage.unitOfWork.run(async (db) => {
      const claims = await listPlateClaims(db, query);
      const views = [];
      for (const claim of claims) views.push(await this.view(db, caller, claim));
      const customerIds = [...new Set(claims.flatMap((claim) => [claim.claimantCustomerId, claim.holderCustomerId]))];
      const events =
        customerIds.length === 0
          ? []
          : [newEvent(caller, 'garage.customer.accessed', { type: 'plate-claim-list', id: caller.correlationId.slice(0, 128) }, { customerIds, fields: ['name', 'plate'], purpose: 'vehicle' })];
      return { result: views, events };
    });
  }

  accept(caller: Caller, id: string): Promise<PlateClaimView> {
    return this.decide(caller, id, 'accepted');
  }

  refuse(caller: Caller, id: string): Promise<PlateClaimView> {
    return this.decide(caller, id, 'refused');
  }

  private async decide(caller: Caller, id: string, decision: 'accepted' | 'refused'): Promise<PlateClaimView> {
    return this.garage.unitOfWork.run(async (db) => {
      const before = await findPlateClaim(db, id, true);
      if (!before) throw notFound('Plate claim not found');
      if (before.status !== 'pending') throw conflict(`This claim was already ${before.status}`);
      const claim: PlateClaim = { ...before, status: decision, decidedBy: caller.userId, decidedAt: new Date() };
      await decidePlateClaim(db, claim);
      const events = [this.event(caller, claim, decision)];
      if (decision === 'accepted') {
        const vehicle = await this.garage.vehicles.find(db, caller, claim.vehicleId, true);
        if (!vehicle) throw notFound('Vehicle not found');
        if (vehicle.customerId !== claim.holderCustomerId) throw conflict('The vehicle changed hands since the claim was made; refuse this claim');
        await this.garage.vehicles.save(db, { ...vehicle, customerId: claim.claimantCustomerId, updatedAt: new Date() }, false);
        events.push(
          newEvent(caller, 'garage.vehicle.updated', { type: 'vehicle', id: vehicle.id }, { vehicleId: vehicle.id, customerId: claim.claimantCustomerId, fields: ['customerId'] }),
        );
      }
      return { result: await this.view(db, caller, claim), events };
    });
  }

  private async view(db: EntityManager, caller: Caller, claim: PlateClaim): Promise<PlateClaimView> {
    const vehicle = await this.garage.vehicles.find(db, caller, claim.vehicleId);
    const claimant = await this.garage.customers.find(db, caller, claim.claimantCustomerId, []);
    const holder = await this.garage.customers.find(db, caller, claim.holderCustomerId, []);
    const nameOf = (customer: Customer | undefined) => customer?.name ?? '';
    return {
      id: claim.id,
      status: claim.status,
      vehicleId: claim.vehicleId,
      plate: vehicle?.plate ?? '',
      claimed: { make: claim.make, model: claim.model, year: claim.year },
      registered: { make: vehicle?.make ?? '', model: vehicle?.model ?? '', year: vehicle?.year ?? 0 },
      claimant: { customerId: claim.claimantCustomerId, name: nameOf(claimant) },
      holder: { customerId: claim.holderCustomerId, name: nameOf(holder) },
      decidedBy: claim.decidedBy,
      decidedAt: claim.decidedAt,
      createdAt: claim.createdAt,
    };
  }
}

export type PlateClaimView = Omit<PlateClaimResponse, 'decidedAt' | 'createdAt'> & { decidedAt: Date | null; createdAt: Date };

function receipt(claim: PlateClaim): PlateClaimReceipt {
  return { claim: { id: claim.id, status: 'pending', createdAt: claim.createdAt } };
}

