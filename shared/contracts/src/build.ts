import { randomUUID } from 'node:crypto';
import type { Actor, EventEnvelope, Subject } from './envelope.ts';
import { envelopeSchema } from './envelope.ts';
import { eventCatalogue, type EventData, type EventType } from './events.ts';
import { actorOf, type EventAuthor } from './caller.ts';
import { maskChanges } from './pii.ts';

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

/**
 * An event a use case decides to publish, before the unit of work stamps it with the service's
 * name (producer), an id and the time, validates it and puts it in the outbox of its transaction.
 */
export interface NewEvent<T extends EventType = EventType> {
  type: T;
  by: EventAuthor;
  subject: Subject;
  data: EventData<T>;
  changes?: Record<string, [unknown, unknown]>;
}

/** A new event; personal data in `changes` is masked, an empty diff is left out. */
export function newEvent<T extends EventType>(
  by: EventAuthor,
  type: T,
  subject: Subject,
  data: EventData<T>,
  changes?: Record<string, [unknown, unknown]>,
): NewEvent {
  return { type, by, subject, data, ...(changes && Object.keys(changes).length > 0 ? { changes: maskChanges(changes) } : {}) } as NewEvent;
}

/** The envelope of `event` as `producer` publishes it (the unit of work calls this, nobody else needs to). */
export function envelopeOf(producer: string, event: NewEvent): EventEnvelope {
  return buildEvent({
    type: event.type,
    producer,
    correlationId: event.by.correlationId,
    actor: actorOf(event.by),
    subject: event.subject,
    data: event.data,
    ...(event.changes ? { changes: event.changes } : {}),
  });
}
