import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@ecar/contracts';
import type { RunningService } from '@ecar/runtime';
import { AMQP_URL, createBusNamespace, createTestDatabase, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import { auditService } from '../../services/audit/src/service.ts';
import { authService, type AuthService } from '../../services/auth/src/service.ts';
import { garageService, type GarageService } from '../../services/garage/src/service.ts';
import { startGateway, type Gateway } from '../../gateway/src/gateway.ts';
import { call, type JsonResponse } from './stack.ts';

/** Cheapest argon2id parameters auth accepts: the bootstrap admin is hashed once per stack. */
const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2' };

export interface GarageStack {
  auth: AuthService;
  garage: GarageService;
  audit?: RunningService;
  /** The API gateway in front of auth and garage, when asked for. */
  gateway?: Gateway;
  databases: { auth: TestDatabase; garage: TestDatabase; audit?: TestDatabase };
  bus: BusNamespace;
  documentsDir: string;
  garageEnv: NodeJS.ProcessEnv;
  /** A real access token from the auth service's signer (super-admins carry `amr: [pwd, otp]`). */
  token(role: Role, userId?: string): string;
  /** Replaces the running garage (same database and documents) with one started from `env` overrides. */
  restartGarage(overrides?: NodeJS.ProcessEnv): Promise<GarageService>;
  call(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<JsonResponse>;
  stop(): Promise<void>;
}

function queuesOf(prefix: string, name: string): string[] {
  const queue = `${prefix}${name}`;
  return [queue, `${queue}.dlq`, `${queue}.retry.1000`, `${queue}.retry.5000`, `${queue}.retry.30000`];
}

/**
 * auth (token signer + JWKS), garage and optionally audit in this process, each on port 0 with
 * a throw-away database, a private exchange on the real broker and a temporary document store.
 */
export async function startGarageStack(label: string, options: { audit?: boolean; gateway?: boolean; garageEnv?: NodeJS.ProcessEnv; gatewayEnv?: NodeJS.ProcessEnv } = {}): Promise<GarageStack> {
  const bus = createBusNamespace(label);
  const [authDb, garageDb, auditDb] = await Promise.all([
    createTestDatabase(`${label}_auth`),
    createTestDatabase(`${label}_garage`),
    options.audit ? createTestDatabase(`${label}_audit`) : Promise.resolve(undefined),
  ]);
  const documentsDir = await mkdtemp(join(tmpdir(), 'ecar-garage-docs-'));
  const common = { NODE_ENV: 'test', PORT: '0', AMQP_URL, BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, LOG_LEVEL: 'error' };
  const auth = await authService.start({ ...common, ...FAST_ARGON2, DATABASE_URL: authDb.url, ECAR_BOOTSTRAP_ADMIN_EMAIL: 'admin@ecar.test', ECAR_BOOTSTRAP_ADMIN_PASSWORD: 'Adm1n!-test-Passw0rd' });
  const jwks = `${auth.url}/.well-known/jwks.json`;
  const audit = auditDb ? await auditService.start({ ...common, DATABASE_URL: auditDb.url, AUTH_JWKS_URL: jwks }) : undefined;
  const garageEnv: NodeJS.ProcessEnv = {
    ...common,
    DATABASE_URL: garageDb.url,
    AUTH_JWKS_URL: jwks,
    DOCUMENTS_DIR: documentsDir,
    MAX_DOCUMENT_BYTES: String(256 * 1024),
    ...options.garageEnv,
  };
  const garage = await garageService.start(garageEnv);
  const gateway = options.gateway
    ? await startGateway({
        NODE_ENV: 'test',
        PORT: '0',
        LOG_LEVEL: 'error',
        AUTH_URL: auth.url,
        GARAGE_URL: garage.url,
        AUTH_JWKS_URL: jwks,
        AMQP_URL,
        BUS_EXCHANGE: bus.exchange,
        BUS_QUEUE_PREFIX: bus.queuePrefix,
        REDIS_KEY_PREFIX: bus.queuePrefix,
        TRUST_PROXY_HOPS: '0',
        RATE_LIMIT_PER_IP: '100000',
        RATE_LIMIT_PER_USER: '100000',
        ...options.gatewayEnv,
      })
    : undefined;

  const stack: GarageStack = {
    auth,
    garage,
    ...(audit ? { audit } : {}),
    ...(gateway ? { gateway } : {}),
    databases: { auth: authDb, garage: garageDb, ...(auditDb ? { audit: auditDb } : {}) },
    bus,
    documentsDir,
    garageEnv,
    token(role, userId = randomUUID()) {
      return auth.domain.signer.sign({ userId, role, sessionId: randomUUID(), mfa: role === 'super-admin' }).token;
    },
    async restartGarage(overrides = {}) {
      await stack.garage.stop();
      stack.garageEnv = { ...stack.garageEnv, ...overrides };
      stack.garage = await garageService.start(stack.garageEnv);
      return stack.garage;
    },
    call(path, init) {
      return call(stack.garage.url, path, init);
    },
    async stop() {
      await stack.gateway?.stop();
      await stack.garage.stop();
      await stack.audit?.stop();
      await stack.auth.stop();
      await bus.cleanup([...queuesOf(bus.queuePrefix, 'garage.users'), ...queuesOf(bus.queuePrefix, 'garage.report-replays'), ...queuesOf(bus.queuePrefix, 'audit.all')]);
      await Promise.all([authDb.drop(), garageDb.drop(), auditDb?.drop()]);
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
  return stack;
}
