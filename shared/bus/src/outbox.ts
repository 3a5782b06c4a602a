import { envelopeSchema, MAX_ENVELOPE_BYTES, type EventEnvelope } from '@ecar/contracts';
import type { EntityManager } from 'typeorm';
import { transactionRows } from './sql.ts';

/** The relay LISTENs on this channel; enqueueing NOTIFYs it, delivered when the caller commits. */
export const OUTBOX_NOTIFY_CHANNEL = 'ecar_outbox';

/**
 * Adds events to the outbox inside the caller's transaction, so the state change and its events
 * commit or roll back together. The relay publishes them after the commit.
 */
export async function enqueueEvents(manager: EntityManager, envelopes: readonly EventEnvelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  const ids: string[] = [];
  const types: string[] = [];
  const payloads: string[] = [];
  for (const envelope of envelopes) {
    const valid = envelopeSchema.parse(envelope);
    const payload = JSON.stringify(valid);
    // Consumers dead-letter anything bigger unread; refuse it here, where the caller can react.
    const size = Buffer.byteLength(payload, 'utf8');
    if (size > MAX_ENVELOPE_BYTES) {
      throw new RangeError(`event ${valid.type} is ${size} bytes, more than the ${MAX_ENVELOPE_BYTES} bytes allowed`);
    }
    ids.push(valid.id);
    types.push(valid.type);
    payloads.push(payload);
  }
  // One statement, one round trip: the rows and the NOTIFY (a data-modifying CTE runs whether or not it is read).
  await transactionRows(
    manager,
    `WITH inserted AS (
       INSERT INTO outbox_events (id, type, payload)
       SELECT id, type, payload FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS e(id, type, payload, position)
       ORDER BY position)
     SELECT pg_notify($4, '')`,
    [ids, types, payloads, OUTBOX_NOTIFY_CHANNEL],
  );
}

export async function enqueueEvent(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
  await enqueueEvents(manager, [envelope]);
}
