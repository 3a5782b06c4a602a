import type { DataSource } from '@ecar/db';
import type { Logger } from '@ecar/logger';
import type { UnitOfWork } from '@ecar/runtime';
import { Gauge, type Registry } from 'prom-client';
import type { Alerts } from '../domain/alerts.ts';
import type { ChainHasher } from '../domain/chain.ts';
import { lastFullCheckpointAt, latestCheckpoint } from '../data/chain.ts';
import { verifyChain, type VerificationResult } from '../domain/verify.ts';

const DAY_MS = 86_400_000;

/**
 * The scheduled verification, from the last checkpoint (what was appended since the previous run),
 * or in full when the last full run that found the chain intact is older than `fullEveryMs` (a
 * change to a row before the checkpoint is found only by a full run). Publishes `ecar_audit_chain_valid` (Prometheus alerts on 0),
 * the verified head (`ecar_audit_chain_head{seq,hash}`) and,
 * when the chain is broken, raises a critical alert (once a day per break).
 */
export function chainVerificationTask(dataSource: DataSource, unitOfWork: UnitOfWork, alerts: Alerts, hash: ChainHasher, registry: Registry, logger: Logger, fullEveryMs: number) {
  const valid = new Gauge({ name: 'ecar_audit_chain_valid', help: '1 when the last audit hash-chain verification passed, 0 when it failed', registers: [registry] });
  const rows = new Gauge({ name: 'ecar_audit_chain_verified_rows', help: 'Rows checked by the last audit hash-chain verification', registers: [registry] });
  const lastRun = new Gauge({ name: 'ecar_audit_chain_verified_timestamp_seconds', help: 'When the audit hash chain was last verified', registers: [registry] });
  // The verified head published outside the database (issue 12, finding 2): Prometheus keeps its
  // history, so a later rewrite of the rows up to that seq — even re-chained by someone holding
  // the database and the key — shows as another hash at the same seq.
  const head = new Gauge({ name: 'ecar_audit_chain_head', help: 'The last verified head of the audit hash chain: seq and keyed hash as labels, value 1', labelNames: ['seq', 'hash'], registers: [registry] });
  return async (): Promise<VerificationResult> => {
    const lastFull = await lastFullCheckpointAt(dataSource.manager);
    const mode = lastFull && Date.now() - lastFull.getTime() < fullEveryMs ? 'incremental' : 'full';
    const result = await verifyChain(dataSource.manager, hash, { mode });
    valid.set(result.valid ? 1 : 0);
    rows.set(result.checkedRows);
    lastRun.set(Date.now() / 1000);
    const broken = result.firstBreak;
    if (!broken) {
      const checkpoint = await latestCheckpoint(dataSource.manager);
      if (checkpoint) {
        head.reset();
        head.set({ seq: checkpoint.throughSeq, hash: checkpoint.headHash }, 1);
      }
      return result;
    }
    logger.error('audit hash chain is broken', { firstBreak: broken });
    const alert = {
      rule: 'chain_broken',
      severity: 'critical' as const,
      key: `seq:${broken.seq}`,
      summary: `Audit hash chain broken at row ${broken.seq} (${broken.reason}): the audit log may have been tampered with`,
      occurredAt: new Date(),
    };
    await unitOfWork.run(async (db) => ({ result: await alerts.raiseOnce(db, alert, DAY_MS), events: [] }));
    return result;
  };
}
