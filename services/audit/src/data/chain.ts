import { queryArrays, type EntityManager } from '@ecar/db';
import { GENESIS_HASH, type ChainHasher, type ChainRecord } from '../domain/chain.ts';
import type { RecordRef, UnchainedRecord } from '../domain/record.ts';
import { CHAIN_LOCK_KEY } from './migrations.ts';

export interface ChainHead {
  /** Seq of the last row ("0" for an empty chain). */
  seq: string;
  hash: string;
  /** The last row's recorded_at (none when the chain is empty or wholly purged). */
  recordedAt?: Date;
}

export interface Anchor {
  firstSeq: string;
  prevHash: string;
}

export async function latestAnchor(db: EntityManager): Promise<Anchor | undefined> {
  const rows: Array<{ first_seq: string; prev_hash: string }> = await db.query(
    `SELECT first_seq::text, prev_hash FROM audit_chain_anchors ORDER BY id DESC LIMIT 1`,
  );
  const row = rows[0];
  return row ? { firstSeq: row.first_seq, prevHash: row.prev_hash } : undefined;
}

async function chainHead(db: EntityManager): Promise<ChainHead> {
  const rows: Array<{ seq: string; hash: string; recordedAt: Date }> = await db.query(
    `SELECT e.seq::text AS seq, e.hash, e.recorded_at AS "recordedAt" FROM audit_events e ORDER BY e.seq DESC LIMIT 1`,
  );
  const last = rows[0];
  if (last) return last;
  // Everything was purged: the chain continues from the anchor the purge left.
  const anchor = await latestAnchor(db);
  return anchor ? { seq: (BigInt(anchor.firstSeq) - 1n).toString(), hash: anchor.prevHash } : { seq: '0', hash: GENESIS_HASH };
}

/**
 * Appends rows to the chain inside the caller's transaction. The advisory lock makes this the only
 * writer until commit (even with several replicas), so the head read here is still the head when
 * the rows land; the whole batch is one multi-row INSERT. recorded_at never goes backwards (the
 * later of the clock and the head's), so a month of recorded_at, one partition, is a seq range and
 * retention can drop the oldest month whole. The event ids go to audit_event_ids in the same
 * statement: its primary key refuses an event already in the log.
 */
export async function appendToChain(
  db: EntityManager,
  items: ReadonlyArray<{ record: UnchainedRecord; refs: readonly RecordRef[] }>,
  hash: ChainHasher,
  recordedAt: Date = new Date(),
): Promise<ChainRecord[]> {
  if (items.length === 0) return [];
  await db.query(`SELECT pg_advisory_xact_lock($1)`, [CHAIN_LOCK_KEY]);
  const head = await chainHead(db);
  let seq = BigInt(head.seq);
  let prevHash = head.hash;
  const recorded = (head.recordedAt && head.recordedAt > recordedAt ? head.recordedAt : recordedAt).toISOString();
  const hashes: string[] = [];
  const chained: ChainRecord[] = items.map(({ record }) => {
    seq += 1n;
    const full: ChainRecord = { ...record, seq: seq.toString(), recordedAt: recorded, prevHash };
    prevHash = hash(full);
    hashes.push(prevHash);
    return full;
  });
  const column = <K extends keyof ChainRecord>(key: K) => chained.map((record) => record[key]);
  await db.query(
    `WITH ids AS (INSERT INTO audit_event_ids (event_id, seq) SELECT * FROM unnest($2::uuid[], $1::bigint[]))
     INSERT INTO audit_events (seq, event_id, type, action, producer, actor_id, actor_role, actor_email, actor_system, remote_addr,
        user_agent, correlation_id, subject_type, subject_id, subject_owner, changes, data, occurred_at, recorded_at, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
        $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::timestamptz[],
        $19::timestamptz[], $20::text[], $21::text[])`,
    [
      column('seq'),
      column('eventId'),
      column('type'),
      column('action'),
      column('producer'),
      column('actorId'),
      column('actorRole'),
      column('actorEmail'),
      column('actorSystem'),
      column('remoteAddr'),
      column('userAgent'),
      column('correlationId'),
      column('subjectType'),
      column('subjectId'),
      column('subjectOwner'),
      column('changes'),
      column('data'),
      column('occurredAt'),
      column('recordedAt'),
      column('prevHash'),
      hashes,
    ],
  );
  const refSeqs: string[] = [];
  const refTypes: string[] = [];
  const refIds: string[] = [];
  items.forEach(({ refs }, index) => {
    for (const ref of refs) {
      refSeqs.push(chained[index]!.seq);
      refTypes.push(ref.type);
      refIds.push(ref.id);
    }
  });
  if (refSeqs.length > 0) {
    await db.query(`INSERT INTO audit_refs (seq, ref_type, ref_id, recorded_at) SELECT *, $4::timestamptz FROM unnest($1::bigint[], $2::text[], $3::text[])`, [
      refSeqs,
      refTypes,
      refIds,
      recorded,
    ]);
  }
  return chained;
}

export type StoredRecord = ChainRecord & { hash: string };

/** Timestamps as the hash covers them (what `Date#toISOString` gives), formatted by PostgreSQL: no Date per row. */
const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** Every hashed column in the form it was hashed, in the order `serialised()` puts them, with its record field. */
const HASHED_COLUMNS: ReadonlyArray<readonly [sql: string, field: keyof ChainRecord]> = [
  ['e.seq::text', 'seq'],
  ['e.event_id::text', 'eventId'],
  ['e.type', 'type'],
  ['e.action', 'action'],
  ['e.producer', 'producer'],
  ['e.actor_id', 'actorId'],
  ['e.actor_role', 'actorRole'],
  ['e.actor_email', 'actorEmail'],
  ['e.actor_system', 'actorSystem'],
  ['e.remote_addr', 'remoteAddr'],
  ['e.user_agent', 'userAgent'],
  ['e.correlation_id', 'correlationId'],
  ['e.subject_type', 'subjectType'],
  ['e.subject_id', 'subjectId'],
  ['e.subject_owner', 'subjectOwner'],
  ['e.changes', 'changes'],
  ['e.data', 'data'],
  [`to_char(e.occurred_at AT TIME ZONE 'UTC', ${ISO_UTC})`, 'occurredAt'],
  [`to_char(e.recorded_at AT TIME ZONE 'UTC', ${ISO_UTC})`, 'recordedAt'],
  ['e.prev_hash::text', 'prevHash'],
];

const PAGE_AFTER = `FROM audit_events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`;

/** Rows in chain order after `afterSeq`, with every hashed column in the form it was hashed. */
export async function readChainPage(db: EntityManager, afterSeq: string, limit: number): Promise<StoredRecord[]> {
  return db.query(`SELECT ${HASHED_COLUMNS.map(([sql, field]) => `${sql} AS "${field}"`).join(', ')}, e.hash::text AS hash ${PAGE_AFTER}`, [afterSeq, limit]);
}

/** A row as full verification reads it: seq, event id, prev_hash, stored hash, then the serialised text the hash covers. */
export type StoredMessage = [seq: string, eventId: string, prevHash: string, hash: string, text: string];

/**
 * `serialised()` (domain/chain.ts) computed by PostgreSQL: the JSON array of the hashed columns
 * in the same order and the same JSON text (to_json escapes strings as JSON.stringify does; text
 * cannot hold what they would escape differently). The driver then builds five strings per row
 * instead of twenty-one, and Node hashes a ready text. Verification falls back to `serialised()`
 * on a row whose hash does not match, so this text is only ever a faster way to the same answer.
 */
const SERIALISED_SQL = `'[' || ${HASHED_COLUMNS.map(([sql]) => `coalesce(to_json(${sql})::text, 'null')`).join(` || ',' || `)} || ']'`;

/** Rows with `fromSeq < seq <= throughSeq`, in chain order, for full verification (arrays straight from the driver, no ORM). */
export async function readChainMessages(db: EntityManager, fromSeq: string, throughSeq: string): Promise<StoredMessage[]> {
  return queryArrays<StoredMessage>(
    db,
    `SELECT e.seq::text, e.event_id::text, e.prev_hash::text, e.hash::text, ${SERIALISED_SQL}
       FROM audit_events e WHERE e.seq > $1 AND e.seq <= $2 ORDER BY e.seq`,
    [fromSeq, throughSeq],
  );
}

/** The last row's seq, or undefined for an empty table. */
export async function lastSeq(db: EntityManager): Promise<string | undefined> {
  const rows: Array<{ seq: string | null }> = await db.query(`SELECT max(seq)::text AS seq FROM audit_events`);
  return rows[0]?.seq ?? undefined;
}

/** The stored row at `seq`, or undefined (purged or deleted). */
export async function chainRowAt(db: EntityManager, seq: string): Promise<StoredRecord | undefined> {
  const rows = await readChainPage(db, (BigInt(seq) - 1n).toString(), 1);
  return rows[0]?.seq === seq ? rows[0] : undefined;
}

/** Where a verification stopped: the last row it checked and that row's hash, sealed with the chain key. */
export interface Checkpoint {
  throughSeq: string;
  headHash: string;
  mode: 'full' | 'incremental';
  checkedRows: number;
  /** ISO-8601, UTC, milliseconds. */
  verifiedAt: string;
  seal: string;
}

export async function latestCheckpoint(db: EntityManager): Promise<Checkpoint | undefined> {
  const rows: Array<Omit<Checkpoint, 'checkedRows'> & { checkedRows: string }> = await db.query(
    `SELECT through_seq::text AS "throughSeq", head_hash AS "headHash", mode, checked_rows::text AS "checkedRows",
            to_char(verified_at AT TIME ZONE 'UTC', ${ISO_UTC}) AS "verifiedAt", seal
       FROM audit_chain_checkpoints ORDER BY id DESC LIMIT 1`,
  );
  const row = rows[0];
  return row ? { ...row, checkedRows: Number(row.checkedRows) } : undefined;
}

/** When the last full verification that found the chain intact ended, if any. */
export async function lastFullCheckpointAt(db: EntityManager): Promise<Date | undefined> {
  const rows: Array<{ at: Date }> = await db.query(`SELECT max(verified_at) AS at FROM audit_chain_checkpoints WHERE mode = 'full'`);
  return rows[0]?.at ?? undefined;
}

export async function insertCheckpoint(db: EntityManager, checkpoint: Checkpoint): Promise<void> {
  await db.query(
    `INSERT INTO audit_chain_checkpoints (through_seq, head_hash, mode, checked_rows, verified_at, seal) VALUES ($1, $2, $3, $4, $5, $6)`,
    [checkpoint.throughSeq, checkpoint.headHash, checkpoint.mode, checkpoint.checkedRows, checkpoint.verifiedAt, checkpoint.seal],
  );
}

export async function chainLength(db: EntityManager): Promise<number> {
  const rows: Array<{ count: number }> = await db.query(`SELECT count(*)::int AS count FROM audit_events`);
  return rows[0]?.count ?? 0;
}

/**
 * Creates the monthly partitions of the log up to `monthsAhead` months after the current one, if
 * missing (audit_ensure_partitions: SECURITY DEFINER, the runtime role may not CREATE). Answers how many it created.
 */
export async function ensurePartitions(db: EntityManager, monthsAhead: number): Promise<number> {
  const rows: Array<{ created: number }> = await db.query(`SELECT audit_ensure_partitions($1) AS created`, [monthsAhead]);
  return rows[0]?.created ?? 0;
}

/** Records the chain key's public name (idempotent: the runtime role may only insert). */
export async function registerChainKey(db: EntityManager, keyId: string): Promise<void> {
  await db.query(`INSERT INTO audit_chain_keys (key_id) VALUES ($1) ON CONFLICT (key_id) DO NOTHING`, [keyId]);
}
