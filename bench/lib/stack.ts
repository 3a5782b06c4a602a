import amqp from 'amqplib';
import { allConsumerQueues, consumerQueueNames } from '@ecar/bus';
import { AMQP_URL, createBusNamespace, createTestDatabase, freePort, startChild, terminate, type ChildService } from '@ecar/testkit';
import { currentSigningKey, signAccessToken, type TestRole } from '../../tests/support/tokens.ts';

/**
 * The one stack starter of the benches (bench/billing, bench/reports, bench/scale): auth and the
 * services asked for as their own processes (real entry points), on throw-away databases or on
 * the ones given (a seeded dataset), on a bus namespace of their own; optionally the real gateway
 * in front. A sink queue bound to the services' events stands in for the audit queue when audit is
 * not started, so the outbox relays' mandatory publishes are routable. `stop` ends the processes
 * and removes the databases and queues this starter created (never a given database).
 */
export type BenchService = 'garage' | 'billing' | 'audit';

export interface BenchStackOptions {
  /** Names the bus namespace and the throw-away databases. */
  label: string;
  services: readonly BenchService[];
  /** A service's DATABASE_URL; a service without one gets a throw-away database. */
  databases?: Partial<Record<BenchService, string>>;
  /** Variables for every process (NODE_ENV defaults to development). */
  env?: NodeJS.ProcessEnv;
  /** Variables for one service only. */
  serviceEnv?: Partial<Record<BenchService, NodeJS.ProcessEnv>>;
  /** Starts the gateway in front of auth and the services (rate limits out of the way unless `env` sets them). */
  gateway?: boolean;
}

export interface BenchStack {
  /** Each started process's base URL: auth, the services, and the gateway when asked for. */
  urls: Partial<Record<BenchService | 'auth' | 'gateway', string>>;
  /** The DATABASE_URL each service runs on (throw-away or given). */
  databases: Partial<Record<BenchService | 'auth', string>>;
  /** An access token signed with auth's current key, as auth would issue it. */
  token(role: TestRole, ttlSeconds?: number): string;
  stop(): Promise<void>;
}

/** Every consumer queue a service may declare (the longest retry ladders included), for the cleanup. */
const QUEUES = ['audit.all', 'audit.alert-notifications', 'billing.workorders', 'billing.teif', 'billing.reports', 'garage.users', 'garage.report-replays'];
const RETRY_DELAYS = [1000, 5000, 30000, 60000, 300000];
const ENTRY: Record<BenchService | 'auth' | 'gateway', string> = {
  auth: 'services/auth/src/main.ts',
  garage: 'services/garage/src/main.ts',
  billing: 'services/billing/src/main.ts',
  audit: 'services/audit/src/main.ts',
  gateway: 'gateway/src/main.ts',
};
/** The gateway's readiness: its deny-list is fed (it has no /health/ready of its own). */
const HEALTH = (name: BenchService | 'auth' | 'gateway') => (name === 'gateway' ? '/health/revocations' : '/health/ready');
const URL_VARIABLE: Record<BenchService, string> = { garage: 'GARAGE_URL', billing: 'BILLING_URL', audit: 'AUDIT_URL' };

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const bus = createBusNamespace(options.label);
  const created: Array<{ url: string; drop(): Promise<void> }> = [];
  const children: ChildService[] = [];
  const urls: BenchStack['urls'] = {};
  const databases: BenchStack['databases'] = {};
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  const sink = `${bus.queuePrefix}bench.sink`;
  const common = { NODE_ENV: 'development', ...options.env, BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, AMQP_URL };

  const stop = async () => {
    await Promise.all(children.reverse().map((child) => terminate(child)));
    await channel.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await bus.cleanup([sink, ...QUEUES.flatMap((name) => allConsumerQueues(consumerQueueNames(`${bus.queuePrefix}${name}`, RETRY_DELAYS)))]);
    await Promise.all(created.map((database) => database.drop()));
  };
  const start = async (name: BenchService | 'auth' | 'gateway', env: NodeJS.ProcessEnv) => {
    const port = await freePort();
    const child = await startChild(name, ENTRY[name], { ...common, ...env, PORT: String(port) }, `http://127.0.0.1:${port}${HEALTH(name)}`);
    children.push(child);
    urls[name] = `http://127.0.0.1:${port}`;
  };
  try {
    await channel.assertExchange(bus.exchange, 'topic', { durable: true });
    if (!options.services.includes('audit')) {
      await channel.assertQueue(sink, { durable: false, arguments: { 'x-max-length': 1000 } });
      await channel.bindQueue(sink, bus.exchange, '#');
    }
    const database = async (name: BenchService | 'auth') => {
      const given = name === 'auth' ? undefined : options.databases?.[name];
      if (given) return given;
      const fresh = await createTestDatabase(`bench_${options.label}_${name}`);
      created.push(fresh);
      return fresh.url;
    };
    databases.auth = await database('auth');
    await start('auth', { DATABASE_URL: databases.auth });
    const jwks = `${urls.auth}/.well-known/jwks.json`;
    for (const service of options.services) databases[service] = await database(service);
    await Promise.all(options.services.map((service) => start(service, { DATABASE_URL: databases[service], AUTH_JWKS_URL: jwks, ...options.serviceEnv?.[service] })));
    if (options.gateway) {
      await start('gateway', {
        AUTH_URL: urls.auth,
        AUTH_JWKS_URL: jwks,
        ...Object.fromEntries(options.services.map((service) => [URL_VARIABLE[service], urls[service]])),
        REDIS_KEY_PREFIX: bus.queuePrefix,
        TRUST_PROXY_HOPS: '0',
        RATE_LIMIT_PER_IP: '100000000',
        RATE_LIMIT_PER_USER: '100000000',
        ...options.env,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const key = await currentSigningKey(databases.auth);
  return {
    urls,
    databases,
    token: (role, ttlSeconds = 3600) => signAccessToken(key, role, undefined, ttlSeconds),
    stop,
  };
}
