import { randomUUID } from 'node:crypto';
import type { Actor, EventEnvelope, Subject } from './envelope.ts';
import { envelopeSchema } from './envelope.ts';
import { eventCatalogue, type EventData, type EventType } from './events.ts';

export interface BuildEventInput<T extends EventType> {
  type: T;
  producer: string;
  correlationId: string;
  actor: Actor;
  subject: Subject;
  data: EventData<T>;
  changes?: Record<string, [unknown, unknown]>;
  occurredAt?: Date;
}

/** Builds an envelope and validates it against the catalogue: a producer can't emit a bad event. */
export function buildEvent<T extends EventType>(input: BuildEventInput<T>): EventEnvelope<EventData<T>> {
  const contract = eventCatalogue[input.type];
  const data = contract.data.parse(input.data) as EventData<T>;
  const envelope = {
    id: randomUUID(),
    type: input.type,
    version: contract.version,
    occurredAt: (input.occurredAt ?? new Date()).toISOString(),
    producer: input.producer,
    correlationId: input.correlationId,
    actor: input.actor,
    subject: input.subject,
    data,
    ...(input.changes ? { changes: input.changes } : {}),
  };
  envelopeSchema.parse(envelope);
  return envelope as EventEnvelope<EventData<T>>;
}
