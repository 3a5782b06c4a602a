import { envelopeSchema, MAX_ENVELOPE_BYTES, type EventEnvelope } from '@ecar/contracts';
import { queryRows } from '@ecar/db';
import type { DataSource, EntityManager } from 'typeorm';
import { transactionRows } from './sql.ts';

/** The relay LISTENs on this channel; enqueueing NOTIFYs it, delivered when the caller commits. */
export const OUTBOX_NOTIFY_CHANNEL = 'ecar_outbox';

/** An event as it is stored: validated and serialised. */
interface OutboxRow {
  id: string;
  type: string;
  payload: string;
}

/** Validates and serialises; throws for an envelope the consumers would refuse. */
function outboxRow(envelope: EventEnvelope): OutboxRow {
  const valid = envelopeSchema.parse(envelope);
  const payload = JSON.stringify(valid);
  // Consumers dead-letter anything bigger unread; refuse it here, where the caller can react.
  const size = Buffer.byteLength(payload, 'utf8');
  if (size > MAX_ENVELOPE_BYTES) {
    throw new RangeError(`event ${valid.type} is ${size} bytes, more than the ${MAX_ENVELOPE_BYTES} bytes allowed`);
  }
  return { id: valid.id, type: valid.type, payload };
}

/** One statement, one round trip: the rows and the NOTIFY (a data-modifying CTE runs whether or not it is read). */
const INSERT_AND_NOTIFY = `WITH inserted AS (
       INSERT INTO outbox_events (id, type, payload)
       SELECT id, type, payload FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS e(id, type, payload, position)
       ORDER BY position)
     SELECT pg_notify($4, '')`;

function insertParams(rows: readonly OutboxRow[]): unknown[] {
  return [rows.map((row) => row.id), rows.map((row) => row.type), rows.map((row) => row.payload), OUTBOX_NOTIFY_CHANNEL];
}

/**
 * Adds events to the outbox inside the caller's transaction, so the state change and its events
 * commit or roll back together. The relay publishes them after the commit.
 */
export async function enqueueEvents(manager: EntityManager, envelopes: readonly EventEnvelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  await transactionRows(manager, INSERT_AND_NOTIFY, insertParams(envelopes.map(outboxRow)));
}

export async function enqueueEvent(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
  await enqueueEvents(manager, [envelope]);
}

/** Rows written per statement at most; the rest wait for the next one. */
const MAX_GROUP_ROWS = 500;

interface Waiting {
  rows: OutboxRow[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The outbox for events that change nothing but record a read (AUD-4 access records): there is
 * no state change to commit them with, so each `write` resolves once its events are committed by
 * a statement of their own — and the reads finishing while one such statement is in flight share
 * the next one (group commit). Every event is still its own row: what is recorded is the same as
 * with `enqueueEvents`, only the number of statements (and NOTIFYs) under load falls. A failed
 * statement rejects every write it carried, so no caller answers without its record.
 */
export class GroupedOutboxWriter {
  private readonly waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly dataSource: DataSource) {}

  /** Resolves when the events are committed; invalid envelopes throw before anything is queued. */
  write(envelopes: readonly EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return Promise.resolve();
    const rows = envelopes.map(outboxRow);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const group: Waiting[] = [];
        let size = 0;
        while (this.waiting.length > 0 && (group.length === 0 || size + this.waiting[0]!.rows.length <= MAX_GROUP_ROWS)) {
          const next = this.waiting.shift()!;
          group.push(next);
          size += next.rows.length;
        }
        try {
          await queryRows(this.dataSource, INSERT_AND_NOTIFY, insertParams(group.flatMap((waiting) => waiting.rows)));
          for (const waiting of group) waiting.resolve();
        } catch (error) {
          for (const waiting of group) waiting.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
