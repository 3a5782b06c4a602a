import { buildEvent, maskChanges, type EventData, type EventEnvelope, type EventType, type Subject } from '@ecar/contracts';
import { actorOf, type Caller } from './caller.ts';

export const PRODUCER = 'garage';

/** An event of this service, by a caller or by the service itself (`system`), diff masked. */
export function garageEvent<T extends EventType>(
  by: Caller | { system: string; correlationId: string },
  type: T,
  subject: Subject,
  data: EventData<T>,
  changes?: Record<string, [unknown, unknown]>,
): EventEnvelope {
  return buildEvent({
    type,
    producer: PRODUCER,
    correlationId: by.correlationId,
    actor: 'system' in by ? { system: by.system } : actorOf(by),
    subject,
    data,
    ...(changes && Object.keys(changes).length > 0 ? { changes: maskChanges(changes) } : {}),
  });
}

/** `{ field: [before, after] }` for the fields whose value differs. */
export function diff<T extends object>(before: T, after: T, fields: readonly (keyof T & string)[]): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const field of fields) {
    const a = before[field];
    const b = after[field];
    const same = a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
    if (!same) changes[field] = [a ?? null, b ?? null];
  }
  return changes;
}
