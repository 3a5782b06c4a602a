import amqp from 'amqplib';
import { allConsumerQueues, consumerQueueNames } from '@ecar/bus';
import type { EventEnvelope } from '@ecar/contracts';
import { AMQP_URL, AMQP_USER, createBusNamespace, createTestDatabase, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import { authService, type AuthService } from '../../services/auth/src/service.ts';
import { billingService, type BillingService } from '../../services/billing/src/service.ts';
import { WORKORDER_QUEUE } from '../../services/billing/src/messaging/subscriptions.ts';
import { TEIF_QUEUE } from '../../services/billing/src/messaging/teif-subscriptions.ts';
import { REPORTS_QUEUE } from '../../services/billing/src/messaging/report-subscriptions.ts';
import { startGateway, type Gateway } from '../../gateway/src/gateway.ts';
import { currentSigningKey, signAccessToken, type TestRole } from './tokens.ts';

export { call, type JsonResponse } from './stack.ts';

/** A clock the test moves: billing dates invoices with it (the year-change test crosses 31 December). */
export interface TestClock {
  now(): Date;
  set(instant: Date | undefined): void;
}

export function testClock(): TestClock {
  let fixed: Date | undefined;
  return { now: () => fixed ?? new Date(), set: (instant) => (fixed = instant) };
}


export interface BillingStack {
  auth: AuthService;
  billing: BillingService;
  gateway: Gateway;
  bus: BusNamespace;
  databases: { auth: TestDatabase; billing: TestDatabase };
  clock: TestClock;
  /** An access token signed with auth's current key (super-admins get amr pwd+otp). */
  token(role: TestRole, userId?: string): string;
  /** Billing events the relay has published (read from the billing outbox), oldest first. */
  publishedEvents(type: string): Promise<EventEnvelope[]>;
  /** Publishes an envelope on the test exchange with confirms, as the garage relay would. */
  publish(envelope: EventEnvelope): Promise<void>;
  stop(): Promise<void>;
}

/**
 * auth + billing + gateway in this process on port 0, each with a throw-away database, on
 * a private exchange of the real broker. Billing uses the given clock.
 */
export async function startBillingStack(label: string, env: NodeJS.ProcessEnv = {}): Promise<BillingStack> {
  const bus = createBusNamespace(label);
  const [authDb, billingDb] = await Promise.all([createTestDatabase(`${label}_auth`), createTestDatabase(`${label}_billing`)]);
  const common = { NODE_ENV: 'test', PORT: '0', BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, LOG_LEVEL: 'error', AMQP_URL };
  const auth = await authService.start({ ...common, DATABASE_URL: authDb.url, ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2' });
  const jwks = `${auth.url}/.well-known/jwks.json`;
  const clock = testClock();
  const billing = await billingService.start({ ...common, DATABASE_URL: billingDb.url, AUTH_JWKS_URL: jwks, ...env }, { now: clock.now });
  const gateway = await startGateway({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'error',
    AUTH_URL: auth.url,
    BILLING_URL: billing.url,
    AUTH_JWKS_URL: jwks,
    TRUST_PROXY_HOPS: '0',
    RATE_LIMIT_PER_IP: '100000',
    RATE_LIMIT_PER_USER: '100000',
    REDIS_KEY_PREFIX: bus.queuePrefix,
  });
  const key = await currentSigningKey(authDb.url);
  // In production the audit queue (bound to `#`) makes every billing event routable; the relay
  // publishes `mandatory`, so without a bound queue it would keep retrying. This queue stands in.
  const captureQueue = `${bus.queuePrefix}billing-test.capture`;
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange(bus.exchange, 'topic', { durable: true });
    await channel.assertQueue(captureQueue, { durable: false, arguments: { 'x-max-length': 10_000 } });
    await channel.bindQueue(captureQueue, bus.exchange, 'billing.#');
    await channel.close();
  } finally {
    await connection.close();
  }

  return {
    auth,
    billing,
    gateway,
    bus,
    databases: { auth: authDb, billing: billingDb },
    clock,
    token: (role, userId) => signAccessToken(key, role, userId),
    async publishedEvents(type) {
      const rows: Array<{ payload: string }> = await billing.context.dataSource.query(
        `SELECT payload FROM outbox_events WHERE type = $1 AND published_at IS NOT NULL ORDER BY seq`,
        [type],
      );
      return rows.map((row) => JSON.parse(row.payload) as EventEnvelope);
    },
    async publish(envelope) {
      const connection = await amqp.connect(AMQP_URL);
      try {
        const channel = await connection.createConfirmChannel();
        channel.publish(bus.exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: envelope.id, contentType: 'application/json', userId: AMQP_USER });
        await channel.waitForConfirms();
        await channel.close();
      } finally {
        await connection.close();
      }
    },
    async stop() {
      await gateway.stop();
      await billing.stop();
      await auth.stop();
      const retryDelays = billing.config.WORKORDER_RETRY_DELAYS_MS.map(Number);
      await bus.cleanup([
        captureQueue,
        ...allConsumerQueues(consumerQueueNames(`${bus.queuePrefix}${WORKORDER_QUEUE}`, retryDelays)),
        ...allConsumerQueues(consumerQueueNames(`${bus.queuePrefix}${TEIF_QUEUE}`, [1000, 5000, 30000])),
        ...allConsumerQueues(consumerQueueNames(`${bus.queuePrefix}${REPORTS_QUEUE}`, [1000, 5000, 30000])),
      ]);
      await Promise.all([authDb.drop(), billingDb.drop()]);
    },
  };
}
