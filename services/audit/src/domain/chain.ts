import { createHash } from 'node:crypto';

/** The `prev_hash` of the very first row of a chain that was never purged. */
export const GENESIS_HASH = '0'.repeat(64);

/** One audit row exactly as stored: every column the hash covers, in text form. */
export interface ChainRecord {
  seq: string;
  eventId: string;
  type: string;
  action: string;
  producer: string;
  actorId: string | null;
  actorRole: string | null;
  actorEmail: string | null;
  actorSystem: string | null;
  remoteAddr: string | null;
  userAgent: string | null;
  correlationId: string;
  subjectType: string;
  subjectId: string;
  subjectOwner: string | null;
  /** Canonical JSON text (masked), or null. */
  changes: string | null;
  /** Canonical JSON text (masked). */
  data: string;
  /** ISO-8601 with milliseconds, UTC (what PostgreSQL gives back for the stored timestamptz). */
  occurredAt: string;
  recordedAt: string;
  prevHash: string;
}

/** SHA-256 over a fixed-order serialisation of every stored column, the previous hash included. */
export function hashRecord(record: ChainRecord): string {
  const fields = [
    record.seq,
    record.eventId,
    record.type,
    record.action,
    record.producer,
    record.actorId,
    record.actorRole,
    record.actorEmail,
    record.actorSystem,
    record.remoteAddr,
    record.userAgent,
    record.correlationId,
    record.subjectType,
    record.subjectId,
    record.subjectOwner,
    record.changes,
    record.data,
    record.occurredAt,
    record.recordedAt,
    record.prevHash,
  ];
  return createHash('sha256').update(`ecar-audit-v1\n${JSON.stringify(fields)}`).digest('hex');
}
