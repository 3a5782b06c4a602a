import type { EventEnvelope } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import type { Subscription } from '@ecar/runtime';
import { appendToChain } from '../data/chain.ts';
import type { AnomalyDetector } from '../domain/anomaly/detector.ts';
import type { ChainHasher } from '../domain/chain.ts';
import { recordOf, refsOf } from '../domain/record.ts';

/**
 * Every event of the exchange (`#`) into the audit log. Single active consumer: with several
 * audit replicas only one consumes, so rows are chained in delivery order; the advisory lock in
 * `appendToChain` keeps the chain linear even if two writers ever overlap. Deliveries are taken
 * in batches: one transaction appends up to `batchSize` rows, then they are acked.
 */
export function auditLogSubscription(detector: AnomalyDetector, batchSize: number, hash: ChainHasher): Subscription {
  const record = async (envelopes: readonly EventEnvelope[], db: EntityManager) => {
    const items = envelopes.map((envelope) => ({ record: recordOf(envelope), refs: refsOf(envelope) }));
    await appendToChain(db, items, hash);
    await detector.inspectBatch(db, envelopes.map((envelope, index) => ({ envelope, refs: items[index]!.refs })));
  };
  return {
    queue: 'audit.all',
    bindings: ['#'],
    consumerName: 'audit',
    singleActiveConsumer: true,
    prefetch: batchSize * 2,
    batch: { size: batchSize, handle: record },
    handle: (envelope, db) => record([envelope], db),
  };
}
