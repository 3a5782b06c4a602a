import type { DataSource } from '@ecar/db';
import type { Logger } from '@ecar/logger';
import { Gauge, type Counter, type Registry } from 'prom-client';
import { recentlyRaised } from '../data/alerts-store.ts';
import { raiseAlert } from '../domain/alerts.ts';
import type { ChainHasher } from '../domain/chain.ts';
import { verifyChain, type VerificationResult } from '../domain/verify.ts';

const DAY_MS = 86_400_000;

/**
 * The scheduled verification: publishes `ecar_audit_chain_valid` (Prometheus alerts on 0) and,
 * when the chain is broken, raises a critical alert (once a day per break).
 */
export function chainVerificationTask(dataSource: DataSource, hash: ChainHasher, registry: Registry, counter: Counter<'rule'>, logger: Logger) {
  const valid = new Gauge({ name: 'ecar_audit_chain_valid', help: '1 when the last audit hash-chain verification passed, 0 when it failed', registers: [registry] });
  const rows = new Gauge({ name: 'ecar_audit_chain_verified_rows', help: 'Rows checked by the last audit hash-chain verification', registers: [registry] });
  const lastRun = new Gauge({ name: 'ecar_audit_chain_verified_timestamp_seconds', help: 'When the audit hash chain was last verified', registers: [registry] });
  return async (): Promise<VerificationResult> => {
    const result = await verifyChain(dataSource.manager, hash);
    valid.set(result.valid ? 1 : 0);
    rows.set(result.checkedRows);
    lastRun.set(Date.now() / 1000);
    const broken = result.firstBreak;
    if (!broken) return result;
    logger.error('audit hash chain is broken', { firstBreak: broken });
    const key = `seq:${broken.seq}`;
    const now = new Date();
    await dataSource.transaction(async (db) => {
      if (await recentlyRaised(db, 'chain_broken', key, now, DAY_MS)) return;
      await raiseAlert(db, {
        rule: 'chain_broken',
        severity: 'critical',
        key,
        summary: `Audit hash chain broken at row ${broken.seq} (${broken.reason}): the audit log may have been tampered with`,
        occurredAt: now,
      }, counter);
    });
    return result;
  };
}
