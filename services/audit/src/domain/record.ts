import { maskChanges, type EventEnvelope } from '@ecar/contracts';
import { canonicalJson, maskPersonalData } from './canonical.ts';
import type { ChainRecord } from './chain.ts';
import { actionOf } from './classify.ts';

export type UnchainedRecord = Omit<ChainRecord, 'seq' | 'prevHash' | 'recordedAt'>;

/** A reference from an audit row to something it concerns, for "who touched customer X" queries. */
export interface RecordRef {
  type: string;
  id: string;
}

/** The stored form of an event: personal data masked, JSON canonical, timestamps normalised. */
export function recordOf(envelope: EventEnvelope): UnchainedRecord {
  const actor = envelope.actor;
  const user = 'userId' in actor ? actor : undefined;
  return {
    eventId: envelope.id.toLowerCase(),
    type: envelope.type,
    action: actionOf(envelope.type),
    producer: envelope.producer,
    actorId: user?.userId ?? null,
    actorRole: user?.role ?? null,
    // The actor's e-mail is a snapshot on purpose (who did it, even after the account changes).
    actorEmail: user?.email ?? null,
    actorSystem: 'system' in actor ? actor.system : null,
    remoteAddr: actor.ip ?? null,
    userAgent: actor.userAgent ?? null,
    correlationId: envelope.correlationId,
    subjectType: envelope.subject.type,
    subjectId: envelope.subject.id,
    subjectOwner: envelope.subject.ownerId ?? null,
    changes: envelope.changes ? canonicalJson(maskChanges(envelope.changes)) : null,
    data: canonicalJson(maskPersonalData(envelope.data)),
    occurredAt: new Date(envelope.occurredAt).toISOString(),
  };
}

const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Customers an event concerns: its subject when it is a customer, and `customerId` /
 * `customerIds` in its data (a list read names several customers in one event).
 */
export function refsOf(envelope: EventEnvelope): RecordRef[] {
  const refs = new Map<string, RecordRef>();
  const add = (type: string, id: unknown) => {
    if (typeof id === 'string' && ID.test(id)) refs.set(`${type}:${id}`, { type, id });
  };
  add(envelope.subject.type, envelope.subject.id);
  add('customer', envelope.data['customerId']);
  const many = envelope.data['customerIds'];
  if (Array.isArray(many)) for (const id of many.slice(0, 1_000)) add('customer', id);
  return [...refs.values()];
}
