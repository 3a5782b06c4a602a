import { randomUUID } from 'node:crypto';
import { AccessTokenVerifier, RemoteJwks, failClosedRevocation, revokedSessionsSnapshot, revokedSessionsUrl, type RevocationSource } from '@ecar/auth-client';
import { BusConnection, type InboxConsumer, OutboxRelay, RevokedSessions, outboxMigrations } from '@ecar/bus';
import { developmentBanner, type Mode } from '@ecar/config';
import { connectWithRetry, createDataSource, databaseIsReachable, initializeDatabase, migrateAsOwner, type MigrationClass, type RuntimePrivileges } from '@ecar/db';
import { createServiceApp, installProcessHandlers, listen, type ErrorReporter, type RunningServer, type ServiceApp } from '@ecar/http';
import { createLogger, type Logger } from '@ecar/logger';
import { startErrorTracking } from '@ecar/observability';
import type { PeriodicJob } from '@ecar/primitives';
import { internalTlsFrom, serverTlsOptions } from '@ecar/tls';
import type { CommonConfig, ServiceContext } from './context.ts';
import { periodicJobOf, type Job } from './jobs.ts';
import { mountRoutes, rawBodyMatcher, type Route } from './routes.ts';
import { consumerOf, type Subscription } from './subscriptions.ts';
import { UnitOfWork, type UnitOfWorkOptions } from './unit-of-work.ts';

/** A service's configuration as `loadConfig` of @ecar/config returns it. */
export interface LoadedConfig<C extends CommonConfig> {
  values: C;
  mode: Mode;
  warnings: string[];
}

/** Options every service's `start` takes; a service adds its own (`O`), e.g. a test clock. */
export interface StartOptions {
  logger?: Logger;
  /** Receives unexpected (500) errors instead of the Sentry client built from SENTRY_DSN. */
  report?: ErrorReporter;
}

/**
 * Everything that makes one service. The runtime calls `context` once the database is migrated;
 * what it returns is handed to `routes`, `subscriptions`, `jobs` and `onStop`, and exposed as
 * `domain` on the running service.
 */
export interface ServiceSpec<C extends CommonConfig, X, O extends object = Record<never, never>> {
  /** Names the service in logs, metrics, queue names and as the producer of its events. */
  name: string;
  /** Loads and checks the configuration (may add derived values and warnings, e.g. a generated development key). */
  config(env: NodeJS.ProcessEnv): Promise<LoadedConfig<C>> | LoadedConfig<C>;
  /** The service's own migrations (the outbox and inbox tables are added by the runtime). */
  migrations: readonly MigrationClass[];
  /** Tables the runtime role may use only so far (append-only logs), when migrations run as the owner. */
  databasePrivileges?: RuntimePrivileges;
  /**
   * Settings of every runtime database session (`-c name=value` at connection), for policy the SQL
   * itself applies, e.g. garage's `ecar.technician_reach_after_close_hours` read by its access rules.
   */
  databaseSession?(config: C): Readonly<Record<string, string>>;
  /** Builds what the service works with (stores, use cases, settings) and returns it. */
  context(base: ServiceContext<C>, options: O): Promise<X> | X;
  /** The route table: the only place the service's routes are declared. */
  routes?(context: X, base: ServiceContext<C>): readonly Route[];
  subscriptions?(context: X, base: ServiceContext<C>): readonly Subscription[];
  jobs?(context: X, base: ServiceContext<C>): readonly Job[];
  /** Verifies access tokens; default: keys from the auth service's JWKS (AUTH_JWKS_URL). */
  verifier?(context: X, base: ServiceContext<C>): AccessTokenVerifier;
  unitOfWork?: UnitOfWorkOptions;
  /** Releases what `context` opened (timers, mail transports), before the database closes. */
  onStop?(context: X): Promise<void> | void;
}

/** A service that listens: what every start function returns. */
export interface RunningService<C extends CommonConfig = CommonConfig> {
  url: string;
  port: number;
  server: RunningServer;
  context: ServiceContext<C>;
  stop(): Promise<void>;
}

/** A service started by `defineService`: also its configuration, domain, route table and jobs. */
export interface StartedService<C extends CommonConfig = CommonConfig, X = unknown> extends RunningService<C> {
  config: C;
  /** What the service's `context` returned. */
  domain: X;
  /** The route table as mounted (the access-matrix and OpenAPI tests read it). */
  routes: readonly Route[];
  /** The scheduled jobs by name (`runNow` for tests and operators). */
  jobs: ReadonlyMap<string, PeriodicJob>;
}

export interface ServiceDefinition<C extends CommonConfig, X, O extends object> {
  name: string;
  spec: ServiceSpec<C, X, O>;
  /** The one start function of every service: configuration from `env`, then everything wired and listening. */
  start(env?: NodeJS.ProcessEnv, options?: StartOptions & O): Promise<StartedService<C, X>>;
}

/**
 * A verifier for access tokens issued by the auth service, keys from its JWKS; with
 * `revocations`, a revoked session is refused and, while the deny-list is not current, every
 * token (503: fails closed).
 */
export function remoteVerifier(config: CommonConfig, options: { minRefetchMs?: number; revocations?: RevocationSource } = {}): AccessTokenVerifier {
  const tls = internalTlsFrom({ cert: config.ECAR_TLS_CERT, key: config.ECAR_TLS_KEY, ca: config.ECAR_TLS_CA });
  const jwks = new RemoteJwks(config.AUTH_JWKS_URL, { ...(options.minRefetchMs === undefined ? {} : { minRefetchMs: options.minRefetchMs }), tls });
  return new AccessTokenVerifier({
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    keyFor: (kid) => jwks.keyFor(kid),
    ...(options.revocations ? { isRevoked: failClosedRevocation(options.revocations) } : {}),
  });
}

/**
 * The service's own deny-list (finding 4 of issue 12: services check revocation too, not only the
 * gateway): `auth.session.revoked` on an exclusive queue of this process plus auth's snapshot
 * (next to AUTH_JWKS_URL), polled while the broker is away.
 */
function revokedSessionsOf<C extends CommonConfig>(base: ServiceContext<C>): RevokedSessions {
  const { config } = base;
  const tls = internalTlsFrom({ cert: config.ECAR_TLS_CERT, key: config.ECAR_TLS_KEY, ca: config.ECAR_TLS_CA });
  return new RevokedSessions({
    connection: base.bus,
    exchange: config.BUS_EXCHANGE,
    queue: base.queueName(`${base.service}.revocations.${randomUUID()}`),
    loadSnapshot: revokedSessionsSnapshot(revokedSessionsUrl(config.AUTH_JWKS_URL), tls),
    graceMs: config.REVOCATION_GRACE_MS ?? 10_000,
    logger: base.logger,
  });
}

interface Wiring<C extends CommonConfig> {
  service: string;
  config: C;
  mode: Mode;
  warnings: string[];
  migrations: readonly MigrationClass[];
  databasePrivileges?: RuntimePrivileges | undefined;
  databaseSession?: Readonly<Record<string, string>> | undefined;
  logger?: Logger | undefined;
  report?: ErrorReporter | undefined;
  unitOfWork?: UnitOfWorkOptions | undefined;
}

interface Wired<C extends CommonConfig> {
  context: ServiceContext<C>;
  http: ServiceApp;
  onStop: Array<() => Promise<void> | void>;
}

/** Database + migrations (own and outbox/inbox), the HTTP app with health and metrics, the broker connection, Sentry. */
async function wire<C extends CommonConfig>(options: Wiring<C>, isRawBody?: (method: string, path: string) => boolean): Promise<Wired<C>> {
  const { config, service } = options;
  const logger = options.logger ?? createLogger({ service, level: config.LOG_LEVEL });
  const banner = developmentBanner(service, options);
  if (banner) logger.warn(banner);

  // Error monitoring for every service (AUD-3): only with a DSN whose host is allow-listed (RES-3).
  const tracker = options.report
    ? undefined
    : startErrorTracking({ service, dsn: config.SENTRY_DSN, allowlist: config.OUTBOUND_ALLOWLIST ?? [], environment: options.mode });
  const report: ErrorReporter | undefined =
    options.report ?? (tracker ? (error, req) => tracker.capture(error, { method: req.method, route: req.route ? String(req.route.path) : 'unmatched' }) : undefined);

  const migrations = [...outboxMigrations(), ...options.migrations];
  const dataSource = createDataSource({ url: config.DATABASE_URL, migrations, applicationName: `ecar-${service}`, ...(options.databaseSession ? { session: options.databaseSession } : {}) });
  if (config.DATABASE_MIGRATION_URL) {
    await migrateAsOwner({ ownerUrl: config.DATABASE_MIGRATION_URL, runtimeUrl: config.DATABASE_URL, migrations, restricted: options.databasePrivileges, logger, applicationName: `ecar-${service}` });
    await connectWithRetry(dataSource, logger);
  } else {
    if (options.mode === 'production') logger.warn(`${service}: DATABASE_MIGRATION_URL unset, so the runtime role owns its tables and could alter them; run migrations as ecar_${service}_owner`);
    await initializeDatabase(dataSource, logger);
  }

  const http = createServiceApp({
    service,
    logger,
    trustProxy: config.TRUST_PROXY,
    ...(isRawBody ? { isRawBody } : {}),
    ...(report ? { report } : {}),
    readiness: [
      { name: 'database', check: () => databaseIsReachable(dataSource) },
      { name: 'broker', check: async () => bus.isConnected() },
    ],
  });
  const bus = new BusConnection({ url: config.AMQP_URL, name: `ecar-${service}`, logger, registry: http.registry, ca: config.ECAR_TLS_CA, producerUsers: config.BUS_PRODUCER_USERS ?? '' });
  const context: ServiceContext<C> = {
    service,
    logger,
    dataSource,
    unitOfWork: new UnitOfWork(dataSource, service, options.unitOfWork),
    bus,
    registry: http.registry,
    config,
    mode: options.mode,
    queueName: (name) => `${config.BUS_QUEUE_PREFIX}${name}`,
  };
  return { context, http, onStop: tracker ? [() => tracker.flush().then(() => undefined)] : [] };
}

const BROKER_WAIT_AT_START_MS = 5_000;

/** Outbox relay and consumers, then the (mutually authenticated) listener; returns the ordered shutdown. */
async function serve<C extends CommonConfig>(
  { context, http, onStop }: Wired<C>,
  consumers: readonly InboxConsumer[],
  jobs: readonly PeriodicJob[],
  stopService: () => Promise<void> | void,
): Promise<{ url: string; port: number; server: RunningServer; stop(): Promise<void> }> {
  const { config, logger, bus, dataSource } = context;
  http.seal();
  // Batches of 500: bench/audit measured ~1.9k events/s end to end at 100 and ~3.3k at 500 (docs/performance/audit.md).
  const relay = new OutboxRelay({ dataSource, connection: bus, exchange: config.BUS_EXCHANGE, logger, registry: context.registry, batchSize: 500 });
  await bus.start();
  // With the broker reachable, every queue is declared and bound before start() resolves and the
  // listener opens: an event published right after start is never dropped as unroutable. A
  // broker that is down does not hold the service back: consumers bind once it is up.
  if (consumers.length > 0 && !(await bus.waitUntilConnected(BROKER_WAIT_AT_START_MS))) {
    logger.warn('broker not reachable at start; consumers will bind when it is', { waitedMs: BROKER_WAIT_AT_START_MS });
  }
  await relay.start();
  for (const consumer of consumers) await consumer.start();
  const tls = internalTlsFrom({ cert: config.ECAR_TLS_CERT, key: config.ECAR_TLS_KEY, ca: config.ECAR_TLS_CA });
  if (!tls) logger.warn(`${context.service}: plain HTTP without mutual TLS — development only (production requires ECAR_TLS_*, ENC-6)`);
  const server = await listen(http.app, config.PORT, config.HOST, tls ? serverTlsOptions(tls) : undefined);
  logger.info('listening', { url: server.url });
  for (const job of jobs) job.start();

  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    server,
    stop() {
      stopped ??= (async () => {
        http.markShuttingDown();
        await Promise.all(jobs.map((job) => job.stop()));
        await server.close(5_000);
        for (const consumer of consumers) await consumer.stop();
        await relay.stop();
        await stopService();
        await bus.close();
        await dataSource.destroy();
        for (const step of onStop) await step();
      })();
      return stopped;
    },
  };
}

/**
 * Defines a service: its configuration, migrations, the context it works with, its route table,
 * subscriptions and jobs. The runtime wires the rest — database, HTTP app with the standard
 * guards, health and metrics, the broker with outbox relay and inbox consumers, Sentry, mutual
 * TLS and an ordered shutdown — the same way for every service.
 */
export function defineService<C extends CommonConfig, X, O extends object = Record<never, never>>(spec: ServiceSpec<C, X, O>): ServiceDefinition<C, X, O> {
  return {
    name: spec.name,
    spec,
    async start(env = process.env, options = {} as StartOptions & O) {
      const loaded = await spec.config(env);
      const config = loaded.values;
      // The route table exists only once the context does; the app asks per request which ones are uploads.
      let isUpload = (_method: string, _path: string) => false;
      const wired = await wire(
        { service: spec.name, config, mode: loaded.mode, warnings: loaded.warnings, migrations: spec.migrations, databasePrivileges: spec.databasePrivileges, databaseSession: spec.databaseSession?.(config), logger: options.logger, report: options.report, unitOfWork: spec.unitOfWork },
        (method, path) => isUpload(method, path),
      );
      const base = wired.context;
      const domain = await spec.context(base, options);
      const routes = spec.routes?.(domain, base) ?? [];
      isUpload = rawBodyMatcher(routes);
      if (routes.length > 0) {
        let verifier = spec.verifier?.(domain, base);
        if (!verifier) {
          const revocations = revokedSessionsOf(base);
          await revocations.start();
          wired.onStop.push(() => revocations.stop());
          verifier = remoteVerifier(config, { revocations });
        }
        wired.http.app.use(mountRoutes(routes, verifier));
      }
      const consumers = (spec.subscriptions?.(domain, base) ?? []).map((subscription) => consumerOf(subscription, base));
      const jobs = (spec.jobs?.(domain, base) ?? []).map((job) => periodicJobOf(job, base));
      const served = await serve(wired, consumers, jobs, () => spec.onStop?.(domain));
      return { ...served, context: base, config, domain, routes, jobs: new Map(jobs.map((job) => [job.name, job])) };
    },
  };
}

/** A deployable's `main.ts`: start from the environment, drain and exit on SIGTERM/SIGINT or a crash. */
export async function runMain<C extends CommonConfig, X, O extends object>(definition: ServiceDefinition<C, X, O>): Promise<void> {
  const logger = createLogger({ service: definition.name });
  const service = await definition.start(process.env, { logger } as StartOptions & O);
  installProcessHandlers(logger, () => service.stop());
}
