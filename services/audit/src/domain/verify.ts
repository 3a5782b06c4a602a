import type { EntityManager } from '@ecar/db';
import { chainLength, latestAnchor, readChainPage } from '../data/chain.ts';
import { GENESIS_HASH, type ChainHasher } from './chain.ts';

export type BreakReason =
  /** The row's content no longer matches its hash: it was changed. */
  | 'hash_mismatch'
  /** The row does not continue from the row before it (rows changed and re-hashed, or reordered). */
  | 'prev_hash_mismatch'
  /** Rows before this one are gone: `seq` is the first missing one. */
  | 'row_missing';

export interface ChainBreak {
  seq: string;
  reason: BreakReason;
  /** The event of the broken row (for a missing row: the row found after the gap). */
  eventId: string;
  /** For `row_missing`: the first row present after the gap. */
  foundSeq?: string;
}

export interface VerificationResult {
  valid: boolean;
  checkedRows: number;
  /** The first row from which the chain cannot be trusted. */
  firstBreak: ChainBreak | null;
  /** Where verification started: genesis, or the anchor left by a retention purge. */
  startedFrom: { seq: string; prevHash: string };
  headSeq: string | null;
  verifiedAt: string;
}

const PAGE = 2_000;

/**
 * Walks the whole chain in seq order and recomputes every hash from the stored columns. Stops at
 * the first row that breaks it. A purge anchor says where the kept part begins.
 */
export async function verifyChain(db: EntityManager, hash: ChainHasher, onProgress?: (checked: number, total: number) => void): Promise<VerificationResult> {
  const total = onProgress ? await chainLength(db) : 0;
  const anchor = await latestAnchor(db);
  const start = anchor ? { seq: anchor.firstSeq, prevHash: anchor.prevHash } : { seq: '1', prevHash: GENESIS_HASH };
  let expectedSeq = BigInt(start.seq);
  let expectedPrev = start.prevHash;
  let checked = 0;
  let headSeq: string | null = null;
  let after = (expectedSeq - 1n).toString();
  const result = (firstBreak: ChainBreak | null): VerificationResult => ({
    valid: firstBreak === null,
    checkedRows: checked,
    firstBreak,
    startedFrom: start,
    headSeq,
    verifiedAt: new Date().toISOString(),
  });
  for (;;) {
    const page = await readChainPage(db, after, PAGE);
    if (page.length === 0) return result(null);
    for (const row of page) {
      if (BigInt(row.seq) !== expectedSeq) {
        return result({ seq: expectedSeq.toString(), reason: 'row_missing', eventId: row.eventId, foundSeq: row.seq });
      }
      if (row.prevHash !== expectedPrev) return result({ seq: row.seq, reason: 'prev_hash_mismatch', eventId: row.eventId });
      if (hash(row) !== row.hash) return result({ seq: row.seq, reason: 'hash_mismatch', eventId: row.eventId });
      checked += 1;
      headSeq = row.seq;
      expectedSeq += 1n;
      expectedPrev = row.hash;
    }
    after = page[page.length - 1]!.seq;
    onProgress?.(checked, total);
  }
}
