import { InboxConsumer } from '@ecar/bus';
import type { EventEnvelope } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import type { ServiceContext } from '@ecar/runtime';
import { appendToChain } from '../data/chain-store.ts';
import type { AnomalyDetector } from '../domain/anomaly/detector.ts';
import type { ChainHasher } from '../domain/chain.ts';
import { recordOf, refsOf } from '../domain/record.ts';

/**
 * Every event of the exchange (`#`) into the audit log. Single active consumer: with several
 * audit replicas only one consumes, so rows are chained in delivery order; the advisory lock in
 * `appendToChain` keeps the chain linear even if two writers ever overlap. Deliveries are taken
 * in batches: one transaction appends up to `batchSize` rows, then they are acked.
 */
export function auditConsumer(context: ServiceContext, detector: AnomalyDetector, batchSize: number, hash: ChainHasher): InboxConsumer {
  const record = async (envelopes: readonly EventEnvelope[], db: EntityManager) => {
    const items = envelopes.map((envelope) => ({ record: recordOf(envelope), refs: refsOf(envelope) }));
    await appendToChain(db, items, hash);
    await detector.inspectBatch(db, envelopes.map((envelope, index) => ({ envelope, refs: items[index]!.refs })));
  };
  return new InboxConsumer({
    dataSource: context.dataSource,
    connection: context.bus,
    exchange: context.config.BUS_EXCHANGE,
    queue: context.queueName('audit.all'),
    bindings: ['#'],
    consumerName: 'audit',
    logger: context.logger,
    registry: context.registry,
    singleActiveConsumer: true,
    prefetch: batchSize * 2,
    batchSize,
    batchHandler: record,
    handler: (envelope, db) => record([envelope], db),
  });
}
