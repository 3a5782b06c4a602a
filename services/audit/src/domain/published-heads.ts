import type { EntityManager } from '@ecar/db';
import { chainRowAt, lastSeq, latestAnchor } from '../data/chain.ts';
import type { ChainHasher } from './chain.ts';
import { verifyChain, type ChainBreak } from './verify.ts';

/**
 * A head of the chain published outside the database (issue 12, finding 2): the backup service
 * records the last row's seq and chain value in each signed manifest. `source` says where it was
 * published (the backup set id).
 */
export interface PublishedHead {
  source: string;
  seq: string;
  hash: string;
  chainKeyId: string | null;
  recordedAt: string;
}

export type HeadStatus =
  /** The live entry at the head's seq carries the published value and the chain up to it verifies. */
  | 'intact'
  /** The live chain has no entry at the head's seq: its tail was cut, or that row deleted. */
  | 'missing'
  /** The live entry carries another chain value: the chain was rewritten at or before the head and re-chained. */
  | 'rewritten'
  /** The entry still carries the published value but the chain breaks before it (a row changed or deleted). */
  | 'broken_before'
  /** The head lies before the retention anchor: purged as the retention allows, not checkable any more. */
  | 'purged'
  /** Published under another chain key than the verifier's: not checked. */
  | 'other_key';

export interface HeadCheck {
  head: PublishedHead;
  status: HeadStatus;
  /** What was found, in words. */
  message: string;
}

export interface PublishedHeadsReport {
  ok: boolean;
  /** The live chain: its last seq and where a full verification first breaks (null when intact). */
  live: { lastSeq: string | null; firstBreak: ChainBreak | null };
  checks: HeadCheck[];
  summary: string;
}

const PASSING: ReadonlySet<HeadStatus> = new Set(['intact', 'purged']);

function describe(head: PublishedHead): string {
  return `the head published by ${head.source} (seq ${head.seq}, recorded ${head.recordedAt})`;
}

/**
 * Checks the live chain against heads published outside the database: for each head, the live
 * entry at its seq must exist and carry the published chain value, and a full verification (with
 * the chain key) must reach it unbroken. So a tail truncation, a deletion and a rewrite from before
 * a head are found even by someone who holds the database: the published value is signed outside
 * it, and a re-chained rewrite changes every later value. Rows appended after the newest head are
 * covered by the ordinary verification only.
 */
export async function checkPublishedHeads(db: EntityManager, hash: ChainHasher, heads: readonly PublishedHead[]): Promise<PublishedHeadsReport> {
  const verification = await verifyChain(db, hash, { mode: 'full' });
  const anchor = await latestAnchor(db);
  const last = (await lastSeq(db)) ?? null;
  const firstBreak = verification.firstBreak;
  const checks: HeadCheck[] = [];
  for (const head of [...heads].sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0))) {
    const check = (status: HeadStatus, message: string) => checks.push({ head, status, message: `${describe(head)}: ${message}` });
    if (head.chainKeyId !== null && head.chainKeyId !== hash.keyId) {
      check('other_key', `made with chain key ${head.chainKeyId}, not this verifier's ${hash.keyId}: not checked`);
      continue;
    }
    const row = await chainRowAt(db, head.seq);
    if (!row) {
      if (anchor && BigInt(head.seq) < BigInt(anchor.firstSeq)) {
        check('purged', `before the retention anchor (the kept chain starts at seq ${anchor.firstSeq}): purged by retention, no longer checkable`);
      } else if (last === null || BigInt(last) < BigInt(head.seq)) {
        check('missing', `the live chain ends at seq ${last ?? 'none (empty)'}, before this head: its tail was cut (rows deleted)`);
      } else {
        check('missing', `the live chain has no entry at seq ${head.seq}: that row was deleted`);
      }
      continue;
    }
    if (row.hash !== head.hash) {
      check('rewritten', `the live entry at seq ${head.seq} carries another chain value (${row.hash.slice(0, 12)}…, published ${head.hash.slice(0, 12)}…): the chain was rewritten at or before seq ${head.seq}`);
      continue;
    }
    if (firstBreak && BigInt(firstBreak.seq) <= BigInt(head.seq)) {
      check('broken_before', `the entry carries the published value, but the chain breaks before it, at seq ${firstBreak.seq} (${firstBreak.reason})`);
      continue;
    }
    check('intact', 'the live entry carries the published value and the chain up to it verifies');
  }
  const failed = checks.filter((c) => !PASSING.has(c.status));
  const summary =
    checks.length === 0
      ? 'no published head to check'
      : failed.length === 0
        ? `${checks.length} published head(s) checked against the live chain: all intact${checks.some((c) => c.status === 'purged') ? ' (some purged by retention)' : ''}`
        : `${failed.length} of ${checks.length} published head(s) do not match the live chain; first: ${failed[0]!.message}`;
  return { ok: failed.length === 0, live: { lastSeq: last, firstBreak }, checks, summary };
}
