import { createHash, createHmac, createSecretKey } from 'node:crypto';

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

/**
 * How a row's hash is computed from its stored columns. `serialised` is the same hash over the
 * row's serialised text when the database gives it already built (full verification; see
 * `readChainMessages`); `seal` is the same key's MAC over another message (verification checkpoints).
 */
export interface ChainHasher {
  (record: ChainRecord): string;
  serialised(seq: string, text: string): string;
  seal(message: string): string;
  /** Names the key without revealing it (`chainKeyId`): recorded with every published head. */
  keyId: string;
}

/** The text the hash covers: the JSON array of every column, in this order. */
export function serialised(record: ChainRecord): string {
  return JSON.stringify([
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
  ]);
}

const hashSerialisedV1 = (text: string) => createHash('sha256').update('ecar-audit-v1\n').update(text).digest('hex');

/** v1, unkeyed: SHA-256 over every stored column, the previous hash included. Kept for rows written before the key. */
export function hashRecord(record: ChainRecord): string {
  return hashSerialisedV1(serialised(record));
}

/**
 * The chain's hash (issue 12, finding 2): HMAC-SHA256 under AUDIT_CHAIN_KEY, a key that is not
 * in the database, so whoever holds the database (its owner included) cannot recompute a valid
 * chain after changing a row. Rows up to `plainThroughSeq` (written by a version without the
 * key, named by configuration, outside the database) are checked as v1.
 */
export function chainHasher(key: Buffer, plainThroughSeq = 0n): ChainHasher {
  // One key object for every row: a raw Buffer key is imported again by each createHmac call.
  const secret = createSecretKey(key);
  const ofText = (seq: string, text: string) =>
    plainThroughSeq > 0n && BigInt(seq) <= plainThroughSeq ? hashSerialisedV1(text) : createHmac('sha256', secret).update('ecar-audit-v2\n').update(text).digest('hex');
  const hash = (record: ChainRecord) => ofText(record.seq, serialised(record));
  return Object.assign(hash, {
    serialised: ofText,
    seal: (message: string) => createHmac('sha256', secret).update(`ecar-audit-checkpoint-v1\n${message}`).digest('hex'),
    keyId: chainKeyId(key),
  });
}

/**
 * The public name of a chain key: a MAC of a fixed text under the key (the key cannot be found
 * from it). The service registers it in `audit_chain_keys`, where a backup reads it with the head,
 * so a head published under another key is reported as such, not as a rewrite.
 */
export function chainKeyId(key: Buffer): string {
  return `hmac-sha256:${createHmac('sha256', key).update('ecar-audit chain key id v1').digest('hex').slice(0, 16)}`;
}
