import type { EntityManager } from '@ecar/db';
import { chainLength, chainRowAt, insertCheckpoint, lastSeq, latestAnchor, latestCheckpoint, readChainMessages, type Checkpoint, type StoredMessage } from '../data/chain.ts';
import { GENESIS_HASH, type ChainHasher } from './chain.ts';

export type BreakReason =
  /** The row's content no longer matches its hash: it was changed. */
  | 'hash_mismatch'
  /** The row does not continue from the row before it (rows changed and re-hashed, or reordered). */
  | 'prev_hash_mismatch'
  /** Rows before this one are gone: `seq` is the first missing one. */
  | 'row_missing'
  /** Incremental run: the checkpoint's seal is not the chain key's, or its row no longer matches it. */
  | 'checkpoint_mismatch';

export interface ChainBreak {
  seq: string;
  reason: BreakReason;
  /** The event of the broken row (for a missing row: the row found after the gap; for a forged checkpoint: null). */
  eventId: string | null;
  /** For `row_missing`: the first row present after the gap. */
  foundSeq?: string;
}

export type VerificationMode = 'full' | 'incremental';

export interface VerificationResult {
  valid: boolean;
  /** `full`: from genesis (or the purge anchor); `incremental`: from the last checkpoint (full when there is none). */
  mode: VerificationMode;
  checkedRows: number;
  /** The first row from which the chain cannot be trusted. */
  firstBreak: ChainBreak | null;
  /** Where verification started: genesis, the anchor left by a retention purge, or the checkpoint. */
  startedFrom: { seq: string; prevHash: string };
  headSeq: string | null;
  verifiedAt: string;
}

export interface VerifyOptions {
  /** Default `full`: every row, whatever the checkpoints say (they are never trusted by a full run). */
  mode?: VerificationMode;
  onProgress?: (checked: number, total: number) => void;
  /** Seqs per read (default 5,000); tests make it small to cross page boundaries. */
  pageSize?: number;
}

/** Seqs per read (5,000 rows hold about 4 MB of text), and how many reads are under way while one is hashed. */
const PAGE = 5_000;
const AHEAD = 2;

/** The row at `seq` hashed from its columns by `serialised()` itself: the definition of the hash. */
async function hashesAsStored(db: EntityManager, hash: ChainHasher, seq: string): Promise<boolean> {
  const row = await chainRowAt(db, seq);
  return row !== undefined && hash(row) === row.hash;
}

/** What a checkpoint's seal covers, in this order. */
const sealed = (checkpoint: Omit<Checkpoint, 'seal'>) =>
  JSON.stringify([checkpoint.throughSeq, checkpoint.headHash, checkpoint.mode, checkpoint.checkedRows, checkpoint.verifiedAt]);

/** A checkpoint with its seal (HMAC under the chain key), as a verification that found the chain intact appends it. */
export const sealCheckpoint = (hash: ChainHasher, checkpoint: Omit<Checkpoint, 'seal'>): Checkpoint => ({ ...checkpoint, seal: hash.seal(sealed(checkpoint)) });

/**
 * Recomputes every hash from the stored columns in seq order and stops at the first row that
 * breaks the chain. A full run starts at genesis or at the purge anchor (where the kept part
 * begins); an incremental run starts after the latest checkpoint, once its seal (HMAC under the
 * chain key) and its row (still there, still hashing to the checkpointed hash) are checked. A run
 * that finds the chain intact appends a checkpoint at the head: the only writer of checkpoints.
 */
export async function verifyChain(db: EntityManager, hash: ChainHasher, options: VerifyOptions = {}): Promise<VerificationResult> {
  const { onProgress } = options;
  const page = BigInt(options.pageSize ?? PAGE);
  const total = onProgress ? await chainLength(db) : 0;
  const anchor = await latestAnchor(db);
  let start = anchor ? { seq: anchor.firstSeq, prevHash: anchor.prevHash } : { seq: '1', prevHash: GENESIS_HASH };
  let mode: VerificationMode = 'full';
  let checked = 0;
  let headSeq: string | null = null;
  const result = (firstBreak: ChainBreak | null): VerificationResult => ({
    valid: firstBreak === null,
    mode,
    checkedRows: checked,
    firstBreak,
    startedFrom: start,
    headSeq,
    verifiedAt: new Date().toISOString(),
  });

  if (options.mode === 'incremental') {
    const checkpoint = await latestCheckpoint(db);
    // A checkpoint before the anchor names purged rows: the kept part is verified from the anchor.
    if (checkpoint && BigInt(checkpoint.throughSeq) >= BigInt(start.seq)) {
      mode = 'incremental';
      const row = await chainRowAt(db, checkpoint.throughSeq);
      const intact = sealCheckpoint(hash, checkpoint).seal === checkpoint.seal && row !== undefined && row.hash === checkpoint.headHash && hash(row) === row.hash;
      start = { seq: (BigInt(checkpoint.throughSeq) + 1n).toString(), prevHash: checkpoint.headHash };
      if (!intact) return result({ seq: checkpoint.throughSeq, reason: 'checkpoint_mismatch', eventId: row?.eventId ?? null });
      headSeq = checkpoint.throughSeq;
    }
  }

  let expectedSeq = BigInt(start.seq);
  let expectedPrev = start.prevHash;
  // The rows up to the head as it is now, in ranges of PAGE seqs read AHEAD at once (each on its
  // own connection) while Node hashes the oldest: PostgreSQL and Node work at the same time.
  const through = BigInt((await lastSeq(db)) ?? '0');
  let nextFrom = expectedSeq - 1n;
  const reads: Array<Promise<StoredMessage[]>> = [];
  const readAhead = () => {
    while (reads.length < AHEAD && nextFrom < through) {
      const to = nextFrom + page < through ? nextFrom + page : through;
      reads.push(readChainMessages(db, nextFrom.toString(), to.toString()));
      nextFrom = to;
    }
  };
  const stop = async (chainBreak: ChainBreak) => {
    await Promise.allSettled(reads);
    return result(chainBreak);
  };
  readAhead();
  while (reads.length > 0) {
    const rows = await reads.shift()!;
    readAhead();
    for (const [seq, eventId, prevHash, stored, text] of rows) {
      if (BigInt(seq) !== expectedSeq) return stop({ seq: expectedSeq.toString(), reason: 'row_missing', eventId, foundSeq: seq });
      if (prevHash !== expectedPrev) return stop({ seq, reason: 'prev_hash_mismatch', eventId });
      // The text PostgreSQL built stands in for serialised(); a mismatch is judged on serialised() itself.
      if (hash.serialised(seq, text) !== stored && !(await hashesAsStored(db, hash, seq))) return stop({ seq, reason: 'hash_mismatch', eventId });
      checked += 1;
      expectedSeq += 1n;
      expectedPrev = stored;
      headSeq = seq;
    }
    onProgress?.(checked, total);
  }
  const verified = result(null);
  // Nothing new since the checkpoint: it still says where the next run starts.
  if (headSeq !== null && checked > 0) {
    await insertCheckpoint(db, sealCheckpoint(hash, { throughSeq: headSeq, headHash: expectedPrev, mode, checkedRows: checked, verifiedAt: verified.verifiedAt }));
  }
  return verified;
}
