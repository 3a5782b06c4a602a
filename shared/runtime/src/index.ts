import type { Express } from 'express';
import { AccessTokenVerifier, RemoteJwks } from '@ecar/auth-client';
import { BusConnection, type InboxConsumer, OutboxRelay, outboxMigrations } from '@ecar/bus';
import { developmentBanner, type Mode } from '@ecar/config';
import { createDataSource, databaseIsReachable, initializeDatabase, type DataSource, type MigrationClass } from '@ecar/db';
import { createServiceApp, listen, type ErrorReporter, type RunningServer } from '@ecar/http';
import { createLogger, type Logger } from '@ecar/logger';
import { startErrorTracking } from '@ecar/observability';
import { internalTlsFrom, serverTlsOptions } from '@ecar/tls';
import type { Registry } from 'prom-client';

/** The configuration keys every service has (see `commonFields` of @ecar/config). */
export interface CommonConfig {
  PORT: number;
  HOST: string;
  DATABASE_URL: string;
  AMQP_URL: string;
  BUS_EXCHANGE: string;
  BUS_QUEUE_PREFIX: string;
  AUTH_JWKS_URL: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  LOG_LEVEL: string;
  TRUST_PROXY: string;
  SENTRY_DSN?: string | undefined;
  OUTBOUND_ALLOWLIST?: readonly string[];
  ECAR_TLS_CERT?: string | undefined;
  ECAR_TLS_KEY?: string | undefined;
  ECAR_TLS_CA?: string | undefined;
}

export interface ServiceContext {
  service: string;
  logger: Logger;
  dataSource: DataSource;
  bus: BusConnection;
  registry: Registry;
  config: CommonConfig;
  mode: Mode;
  /** Queue names carry the deployment's prefix (tests isolate with it). */
  queueName(name: string): string;
}

export interface ServiceDefinition {
  service: string;
  config: CommonConfig;
  mode: Mode;
  warnings: string[];
  migrations: MigrationClass[];
  rawBodyPaths?: string[];
  /** Called once the database is migrated: mount routes, prepare domain objects. */
  setup(app: Express, context: ServiceContext): Promise<void> | void;
  consumers?(context: ServiceContext): InboxConsumer[];
  /** Extra work to stop before the database closes (schedulers, timers). */
  onStop?(): Promise<void> | void;
  logger?: Logger;
  /** Receives unexpected (500) errors of the HTTP app, e.g. to send them to Sentry. */
  report?: ErrorReporter;
}

export interface RunningService {
  url: string;
  port: number;
  context: ServiceContext;
  server: RunningServer;
  stop(): Promise<void>;
}

/** A verifier for access tokens issued by the auth service, keys from its JWKS. */
export function remoteVerifier(config: CommonConfig, options: { minRefetchMs?: number } = {}): AccessTokenVerifier {
  const tls = internalTlsFrom({ cert: config.ECAR_TLS_CERT, key: config.ECAR_TLS_KEY, ca: config.ECAR_TLS_CA });
  const jwks = new RemoteJwks(config.AUTH_JWKS_URL, { ...options, tls });
  return new AccessTokenVerifier({ issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, keyFor: (kid) => jwks.keyFor(kid) });
}

/**
 * Wires one service deployable: database + migrations (own and outbox/inbox), broker connection
 * (the service serves HTTP while the broker is down; events wait in the outbox), outbox relay,
 * consumers, the HTTP app with health and metrics, and an ordered shutdown.
 */
export async function startService(definition: ServiceDefinition): Promise<RunningService> {
  const { config } = definition;
  const logger = definition.logger ?? createLogger({ service: definition.service, level: config.LOG_LEVEL });
  const banner = developmentBanner(definition.service, definition);
  if (banner) logger.warn(banner);

  // Error monitoring for every service (AUD-3): only with a DSN whose host is allow-listed (RES-3).
  const tracker = definition.report
    ? undefined
    : startErrorTracking({ service: definition.service, dsn: config.SENTRY_DSN, allowlist: config.OUTBOUND_ALLOWLIST ?? [], environment: definition.mode });
  const report: ErrorReporter | undefined =
    definition.report ?? (tracker ? (error, req) => tracker.capture(error, { method: req.method, route: req.route ? String(req.route.path) : 'unmatched' }) : undefined);

  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    migrations: [...outboxMigrations(), ...definition.migrations],
    applicationName: `ecar-${definition.service}`,
  });
  await initializeDatabase(dataSource, logger);

  const http = createServiceApp({
    service: definition.service,
    logger,
    trustProxy: config.TRUST_PROXY,
    ...(definition.rawBodyPaths ? { rawBodyPaths: definition.rawBodyPaths } : {}),
    ...(report ? { report } : {}),
    readiness: [
      { name: 'database', check: () => databaseIsReachable(dataSource) },
      { name: 'broker', check: async () => bus.isConnected() },
    ],
  });
  const registry = http.registry;
  const bus = new BusConnection({ url: config.AMQP_URL, name: `ecar-${definition.service}`, logger, registry, ca: config.ECAR_TLS_CA });
  const context: ServiceContext = {
    service: definition.service,
    logger,
    dataSource,
    bus,
    registry,
    config,
    mode: definition.mode,
    queueName: (name) => `${config.BUS_QUEUE_PREFIX}${name}`,
  };
  // Batches of 500: bench/audit measured ~1.9k events/s end to end at 100 and ~3.3k at 500 (docs/performance/audit.md).
  const relay = new OutboxRelay({ dataSource, connection: bus, exchange: config.BUS_EXCHANGE, logger, registry, batchSize: 500 });
  const consumers = definition.consumers?.(context) ?? [];

  await definition.setup(http.app, context);
  http.seal();

  await bus.start();
  await relay.start();
  for (const consumer of consumers) await consumer.start();
  const tls = internalTlsFrom({ cert: config.ECAR_TLS_CERT, key: config.ECAR_TLS_KEY, ca: config.ECAR_TLS_CA });
  if (!tls) logger.warn(`${definition.service}: plain HTTP without mutual TLS — development only (production requires ECAR_TLS_*, ENC-6)`);
  const server = await listen(http.app, config.PORT, config.HOST, tls ? serverTlsOptions(tls) : undefined);
  logger.info('listening', { url: server.url });

  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    context,
    server,
    stop() {
      stopped ??= (async () => {
        http.markShuttingDown();
        await server.close(5_000);
        for (const consumer of consumers) await consumer.stop();
        await relay.stop();
        await definition.onStop?.();
        await bus.close();
        await dataSource.destroy();
      })();
      return stopped;
    },
  };
}
