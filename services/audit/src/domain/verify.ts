import type { EntityManager } from '@ecar/db';
import { chainLength, chainRowAt, insertCheckpoint, latestAnchor, latestCheckpoint, readChainPage, type Checkpoint, type StoredRecord } from '../data/chain.ts';
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
}

/** Rows per read; the next page is read while this one is hashed (PostgreSQL and Node work at once). */
const PAGE = 10_000;

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
  let next: Promise<StoredRecord[]> = readChainPage(db, (expectedSeq - 1n).toString(), PAGE);
  for (;;) {
    const page = await next;
    if (page.length === 0) break;
    const last = page[page.length - 1]!;
    next = readChainPage(db, last.seq, PAGE);
    for (const row of page) {
      if (BigInt(row.seq) !== expectedSeq) {
        await next.catch(() => undefined);
        return result({ seq: expectedSeq.toString(), reason: 'row_missing', eventId: row.eventId, foundSeq: row.seq });
      }
      if (row.prevHash !== expectedPrev) {
        await next.catch(() => undefined);
        return result({ seq: row.seq, reason: 'prev_hash_mismatch', eventId: row.eventId });
      }
      if (hash(row) !== row.hash) {
        await next.catch(() => undefined);
        return result({ seq: row.seq, reason: 'hash_mismatch', eventId: row.eventId });
      }
      checked += 1;
      expectedSeq += 1n;
      expectedPrev = row.hash;
    }
    headSeq = last.seq;
    onProgress?.(checked, total);
  }
  const verified = result(null);
  // Nothing new since the checkpoint: it still says where the next run starts.
  if (headSeq !== null && checked > 0) {
    await insertCheckpoint(db, sealCheckpoint(hash, { throughSeq: headSeq, headHash: expectedPrev, mode, checkedRows: checked, verifiedAt: verified.verifiedAt }));
  }
  return verified;
}
