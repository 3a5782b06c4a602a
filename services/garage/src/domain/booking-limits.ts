import { badRequest, conflict } from '@ecar/errors';
import { isCustomer, type Caller } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { lockCustomerAndCountOpen } from '../data/booking-limits.ts';

/** Business-flow limits of self-service booking (issue 12, finding 5; OWASP API6). */
export interface BookingLimits {
  /** Appointments a customer may hold at once (requested or confirmed, still to come). */
  maxOpenPerCustomer: number;
  /** How far ahead a customer may book, in days. */
  horizonDays: number;
}

/** A customer books no further ahead than the horizon; the garage's own staff may (phone bookings). */
export function checkBookingHorizon(limits: BookingLimits, caller: Caller, slotStart: Date, now = Date.now()): void {
  if (!isCustomer(caller)) return;
  if (slotStart.getTime() > now + limits.horizonDays * 86_400_000) {
    throw badRequest('The slot is beyond the booking horizon', [
      { path: 'slotStart', code: 'beyond_horizon', message: `Appointments can be booked up to ${limits.horizonDays} days ahead` },
    ]);
  }
}

/**
 * Inside the booking transaction: the horizon, then the customer's open appointments, counted
 * under a lock on the customer so parallel requests cannot each see room for one more.
 */
export async function checkBookingLimits(db: EntityManager, limits: BookingLimits, caller: Caller, customerId: string, slotStart: Date): Promise<void> {
  checkBookingHorizon(limits, caller, slotStart);
  if (!isCustomer(caller)) return;
  const open = await lockCustomerAndCountOpen(db, customerId);
  if (open >= limits.maxOpenPerCustomer) {
    throw conflict(`You already have ${limits.maxOpenPerCustomer} appointments to come; cancel one before booking another`);
  }
}
