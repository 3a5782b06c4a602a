import type { BusConnection } from '@ecar/bus';
import type { Mode } from '@ecar/config';
import type { DataSource } from '@ecar/db';
import type { Logger } from '@ecar/logger';
import type { Registry } from 'prom-client';
import type { UnitOfWork } from './unit-of-work.ts';

/** The configuration keys every service has (see `commonFields` of @ecar/config). */
export interface CommonConfig {
  PORT: number;
  HOST: string;
  DATABASE_URL: string;
  DATABASE_MIGRATION_URL?: string | undefined;
  AMQP_URL: string;
  BUS_EXCHANGE: string;
  BUS_QUEUE_PREFIX: string;
  BUS_PRODUCER_USERS?: string;
  AUTH_JWKS_URL: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  /** Optional so configurations typed before it still fit; the kit defaults to 10 s. */
  REVOCATION_GRACE_MS?: number;
  LOG_LEVEL: string;
  TRUST_PROXY: string;
  SENTRY_DSN?: string | undefined;
  OUTBOUND_ALLOWLIST?: readonly string[];
  ECAR_TLS_CERT?: string | undefined;
  ECAR_TLS_KEY?: string | undefined;
  ECAR_TLS_CA?: string | undefined;
}

/** What the runtime has wired before the service's own `context` runs. */
export interface ServiceContext<C extends CommonConfig = CommonConfig> {
  service: string;
  logger: Logger;
  dataSource: DataSource;
  /** Transactions whose events go to the outbox with this service as producer. */
  unitOfWork: UnitOfWork;
  bus: BusConnection;
  registry: Registry;
  config: C;
  mode: Mode;
  /** Queue names carry the deployment's prefix (tests isolate with it). */
  queueName(name: string): string;
}
