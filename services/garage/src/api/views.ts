import type { Caller } from '@ecar/contracts';
import type { Customer } from '../domain/customer.ts';
import type { Vehicle } from '../domain/vehicle.ts';
import { duesOf } from '../domain/reminder-rules.ts';

/** A customer as the caller may see it: a technician gets name and phone only (data minimisation). */
export function customerView(customer: Customer, caller: Caller): Record<string, unknown> {
  if (caller.role === 'technician') return { id: customer.id, name: customer.name, phone: customer.phone };
  return {
    id: customer.id,
    userId: customer.userId,
    kind: customer.kind,
    name: customer.name,
    phone: customer.phone,
    email: customer.email,
    address: customer.address,
    cin: customer.kind === 'person' ? customer.nationalId : null,
    taxId: customer.kind === 'company' ? customer.nationalId : null,
    consent: { givenAt: customer.consentGivenAt, method: customer.consentMethod, withdrawnAt: customer.consentWithdrawnAt },
    anonymisedAt: customer.anonymisedAt,
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
  };
}

/** The vehicle with what it is due for on `today` (the garage's date); `serviceDue` is the service item's `due` (one rule). */
export function vehicleView(vehicle: Vehicle, today: string): Record<string, unknown> {
  const dues = duesOf(vehicle, today);
  return { ...vehicle, serviceDue: dues.some((item) => item.kind === 'service' && item.due), dues };
}

/** A row of a customer list (no address, no CIN/tax ID: those are read one customer at a time). */
export function customerSummaryView(customer: Customer, caller: Caller): Record<string, unknown> {
  if (caller.role === 'technician') return { id: customer.id, name: customer.name, phone: customer.phone };
  return { id: customer.id, userId: customer.userId, kind: customer.kind, name: customer.name, phone: customer.phone, email: customer.email, anonymisedAt: customer.anonymisedAt };
}
