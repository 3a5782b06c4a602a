import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { emailSchema, newEvent, type EventEnvelope, type NewEvent } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { CUSTOMER_SEALED_FIELDS, type Customer } from '../domain/customer.ts';
import { diff } from '../domain/diff.ts';
import type { GarageContext } from '../domain/garage.ts';

/**
 * What garage reads of `auth.user.created|updated`. Parsed on its own terms (not with the auth
 * contract's strict schema) so that fields auth adds later (userId, displayName, …) do not make
 * valid events fail here; anything malformed is refused and ends in the dead-letter queue.
 */
const userData = z.object({
  email: z.string().max(320).optional(),
  role: z.string().max(32).optional(),
  userId: z.uuid().optional(),
  displayName: z.string().trim().min(1).max(200).optional(),
});

export class MalformedUserEvent extends Error {}

function nameFrom(data: z.infer<typeof userData>, email: string | undefined): string {
  return data.displayName ?? email?.split('@')[0] ?? 'Customer';
}

/** Creates or updates the customer profile of a customer-role auth user, and says so in events. Idempotent per event (inbox). */
export async function applyUserEvent(garage: GarageContext, envelope: EventEnvelope, db: EntityManager): Promise<NewEvent[]> {
  const parsed = userData.safeParse(envelope.data);
  const userId = z.uuid().safeParse(parsed.success && parsed.data.userId ? parsed.data.userId : envelope.subject.id);
  if (!parsed.success || !userId.success) throw new MalformedUserEvent(`${envelope.type} ${envelope.id}: data or user id is malformed`);
  const data = parsed.data;
  const existing = await garage.customers.findByUserId(db, userId.data, CUSTOMER_SEALED_FIELDS, true);
  const email = data.email !== undefined ? emailSchema.safeParse(data.email) : undefined;
  const by = { system: 'garage.users', correlationId: envelope.correlationId };
  const now = new Date();
  if (!existing) {
    // Only customer-role users get a profile; an event that does not say the role creates nothing.
    if (data.role !== 'customer') return [];
    const customer: Customer = {
      id: randomUUID(),
      userId: userId.data,
      kind: 'person',
      name: nameFrom(data, email?.success ? email.data : undefined),
      phone: null,
      email: email?.success ? email.data : null,
      address: null,
      nationalId: null,
      consentGivenAt: null,
      consentMethod: null,
      consentWithdrawnAt: null,
      anonymisedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await garage.customers.insert(db, customer);
    return [newEvent(by, 'garage.customer.created', { type: 'customer', id: customer.id, ownerId: userId.data }, { customerId: customer.id, source: 'auth-user' })];
  }
  if (existing.anonymisedAt) return [];
  const after: Customer = {
    ...existing,
    ...(email?.success ? { email: email.data } : {}),
    ...(data.displayName ? { name: data.displayName } : {}),
    updatedAt: now,
  };
  const changes = diff(existing, after, ['email', 'name']);
  if (Object.keys(changes).length === 0) return [];
  await garage.customers.update(db, after);
  return [newEvent(by, 'garage.customer.updated', { type: 'customer', id: after.id, ownerId: userId.data }, { customerId: after.id, fields: Object.keys(changes) }, changes)];
}
