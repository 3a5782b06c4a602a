import { Counter, Gauge, type Registry } from 'prom-client';

export type ConsumeOutcome = 'processed' | 'duplicate' | 'retried' | 'dead_lettered' | 'requeued';

/** Reports the age in seconds of the oldest unpublished outbox row, 0 when there is none. */
export type OutboxLagSource = () => Promise<number>;

/** Reports the depth of one dead-letter queue. */
export type DlqDepthSource = () => Promise<{ queue: string; depth: number }>;

export interface BusMetrics {
  published: Counter<'type'>;
  publishConfirmed: Counter;
  publishFailed: Counter<'reason'>;
  consumed: Counter<'queue' | 'outcome'>;
  /** Events an in-memory subscription (no inbox, no DLQ) refused, by subscription and reason. */
  refused: Counter<'subscription' | 'reason'>;
  connected: Gauge<'connection'>;
  /** Relays add themselves here; the lag gauge reads them when scraped. */
  outboxLagSources: Set<OutboxLagSource>;
  /** Consumers add themselves here; the DLQ gauge reads them when scraped. */
  dlqDepthSources: Set<DlqDepthSource>;
}

/**
 * One set of metrics per registry: several connections, relays and consumers of one process
 * (or of one test file) share the same registry, and prom-client refuses to register a metric
 * name twice.
 */
const metricsByRegistry = new WeakMap<Registry, BusMetrics>();

export function busMetrics(registry: Registry): BusMetrics {
  const existing = metricsByRegistry.get(registry);
  if (existing) return existing;
  const outboxLagSources = new Set<OutboxLagSource>();
  const dlqDepthSources = new Set<DlqDepthSource>();
  const metrics: BusMetrics = {
    published: new Counter({
      name: 'ecar_bus_published_total',
      help: 'Events sent to the broker by the outbox relay',
      labelNames: ['type'],
      registers: [registry],
    }),
    publishConfirmed: new Counter({
      name: 'ecar_bus_publish_confirmed_total',
      help: 'Events the broker confirmed, marked published in the outbox',
      registers: [registry],
    }),
    publishFailed: new Counter({
      name: 'ecar_bus_publish_failed_total',
      help: 'Events the broker did not confirm; they stay in the outbox for a retry',
      labelNames: ['reason'],
      registers: [registry],
    }),
    consumed: new Counter({
      name: 'ecar_bus_consumed_total',
      help: 'Messages handled by inbox consumers, by outcome',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    }),
    refused: new Counter({
      name: 'ecar_bus_refused_total',
      help: 'Events an in-memory subscription (the revocation deny-list) refused: unverified producer or unreadable',
      labelNames: ['subscription', 'reason'],
      registers: [registry],
    }),
    connected: new Gauge({
      name: 'ecar_bus_connected',
      help: '1 while the broker connection is open and set up, else 0',
      labelNames: ['connection'],
      registers: [registry],
    }),
    outboxLagSources,
    dlqDepthSources,
  };
  new Gauge({
    name: 'ecar_bus_outbox_lag_seconds',
    help: 'Age of the oldest event not yet published',
    registers: [registry],
    async collect() {
      const lags = await Promise.all([...outboxLagSources].map((source) => source().catch(() => undefined)));
      const known = lags.filter((lag): lag is number => lag !== undefined);
      // When every source failed (database down) the previous value stays: better stale than a false 0.
      if (known.length > 0 || lags.length === 0) this.set(Math.max(0, ...known));
    },
  });
  new Gauge({
    name: 'ecar_bus_dlq_depth',
    help: 'Messages waiting in a dead-letter queue',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const depths = await Promise.all([...dlqDepthSources].map((source) => source().catch(() => undefined)));
      for (const entry of depths) if (entry) this.set({ queue: entry.queue }, entry.depth);
    },
  });
  metricsByRegistry.set(registry, metrics);
  return metrics;
}
