import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { allConsumerQueues, consumerQueueNames } from '@ecar/bus';
import type { EventEnvelope, Role } from '@ecar/contracts';
import { AMQP_URL, AMQP_USER, createBusNamespace, createTestDatabase, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import { authService, type AuthService } from '../../services/auth/src/service.ts';
import { garageService, type GarageService } from '../../services/garage/src/service.ts';
import { DELIVERIES_QUEUE, EVENTS_QUEUE, EVENTS_RETRY_DELAYS_MS } from '../../services/notify/src/messaging/subscriptions.ts';
import { notifyService, type NotifyService } from '../../services/notify/src/service.ts';
import { startGateway, type Gateway } from '../../gateway/src/gateway.ts';
import { FakeSmsGateway } from './fake-sms-gateway.ts';
import { FakeSmtpServer } from './fake-smtp.ts';
import { call, type JsonResponse } from './stack.ts';

export const NOTIFY_TEST_RETRY_DELAYS_MS = [100, 200];

/** Publishes an envelope on `exchange` as its producer's relay would (confirmed, with the broker user as user-id). */
export async function publishAs(exchange: string, envelope: EventEnvelope): Promise<void> {
  const link = await amqp.connect(AMQP_URL);
  try {
    const channel = await link.createConfirmChannel();
    channel.publish(exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: envelope.id, contentType: 'application/json', userId: AMQP_USER });
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await link.close();
  }
}

export interface NotifyStack {
  auth: AuthService;
  garage: GarageService;
  notify: NotifyService;
  gateway: Gateway;
  sms: FakeSmsGateway;
  smtp: FakeSmtpServer;
  bus: BusNamespace;
  databases: { auth: TestDatabase; garage: TestDatabase; notify: TestDatabase };
  notifyEnv: NodeJS.ProcessEnv;
  token(role: Role, userId?: string): string;
  /** Publishes an envelope on the test exchange as its producer's relay would (confirmed). */
  publish(envelope: EventEnvelope): Promise<void>;
  /** notify's events the relay has published, oldest first. */
  published(type: string): Promise<EventEnvelope[]>;
  call(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<JsonResponse>;
  stop(): Promise<void>;
}

/**
 * auth (token signer), garage (the customers and their sealed contacts), notify and the gateway,
 * each on port 0 with a throw-away database and a private exchange of the real broker; the SMS
 * gateway and the SMTP relay are fakes (third parties).
 */
export async function startNotifyStack(label: string, notifyOverrides: NodeJS.ProcessEnv = {}): Promise<NotifyStack> {
  const bus = createBusNamespace(label);
  const [authDb, garageDb, notifyDb] = await Promise.all([createTestDatabase(`${label}_auth`), createTestDatabase(`${label}_garage`), createTestDatabase(`${label}_notify`)]);
  const sms = new FakeSmsGateway();
  const smtp = new FakeSmtpServer();
  await Promise.all([sms.start(), smtp.start()]);
  const documentsDir = await mkdtemp(join(tmpdir(), 'ecar-notify-docs-'));
  // Stands in for the audit queue (bound to `#` in production): every event is routable.
  const captureQueue = `${bus.queuePrefix}notify-test.capture`;
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange(bus.exchange, 'topic', { durable: true });
    await channel.assertQueue(captureQueue, { durable: false, arguments: { 'x-max-length': 10_000 } });
    await channel.bindQueue(captureQueue, bus.exchange, '#');
    await channel.close();
  } finally {
    await connection.close();
  }

  const common = { NODE_ENV: 'test', PORT: '0', AMQP_URL, BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, LOG_LEVEL: 'error' };
  const auth = await authService.start({ ...common, DATABASE_URL: authDb.url, ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2' });
  const jwks = `${auth.url}/.well-known/jwks.json`;
  const garage = await garageService.start({ ...common, DATABASE_URL: garageDb.url, AUTH_JWKS_URL: jwks, DOCUMENTS_DIR: documentsDir });
  const notifyEnv: NodeJS.ProcessEnv = {
    ...common,
    DATABASE_URL: notifyDb.url,
    AUTH_JWKS_URL: jwks,
    GARAGE_URL: garage.url,
    SMS_GATEWAY_URL: sms.url,
    SMS_API_KEY: 'fake-sms-api-key',
    OUTBOUND_ALLOWLIST: sms.host,
    SMTP_URL: smtp.url,
    DELIVERY_RETRY_DELAYS_MS: NOTIFY_TEST_RETRY_DELAYS_MS.join(','),
    ...notifyOverrides,
  };
  const notify = await notifyService.start(notifyEnv);
  const gateway = await startGateway({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'error',
    AUTH_URL: auth.url,
    GARAGE_URL: garage.url,
    NOTIFY_URL: notify.url,
    AUTH_JWKS_URL: jwks,
    AMQP_URL,
    BUS_EXCHANGE: bus.exchange,
    BUS_QUEUE_PREFIX: bus.queuePrefix,
    REDIS_KEY_PREFIX: bus.queuePrefix,
    TRUST_PROXY_HOPS: '0',
    RATE_LIMIT_PER_IP: '100000',
    RATE_LIMIT_PER_USER: '100000',
  });

  const stack: NotifyStack = {
    auth,
    garage,
    notify,
    gateway,
    sms,
    smtp,
    bus,
    databases: { auth: authDb, garage: garageDb, notify: notifyDb },
    notifyEnv,
    token(role, userId = randomUUID()) {
      return auth.domain.signer.sign({ userId, role, sessionId: randomUUID(), mfa: role === 'super-admin' }).token;
    },
    publish: (envelope) => publishAs(bus.exchange, envelope),
    async published(type) {
      const rows: Array<{ payload: string }> = await stack.notify.context.dataSource.query(
        `SELECT payload FROM outbox_events WHERE type = $1 AND published_at IS NOT NULL ORDER BY seq`,
        [type],
      );
      return rows.map((row) => JSON.parse(row.payload) as EventEnvelope);
    },
    call(path, init) {
      return call(stack.gateway.url, path, init);
    },
    async stop() {
      await stack.gateway.stop();
      await stack.notify.stop();
      await stack.garage.stop();
      await stack.auth.stop();
      await Promise.all([sms.stop(), smtp.stop()]);
      const prefix = bus.queuePrefix;
      await bus.cleanup([
        captureQueue,
        ...allConsumerQueues(consumerQueueNames(`${prefix}${EVENTS_QUEUE}`, [...EVENTS_RETRY_DELAYS_MS])),
        ...allConsumerQueues(consumerQueueNames(`${prefix}${DELIVERIES_QUEUE}`, stack.notify.config.DELIVERY_RETRY_DELAYS_MS.map(Number))),
        ...allConsumerQueues(consumerQueueNames(`${prefix}garage.users`, [1000, 5000, 30000])),
        ...allConsumerQueues(consumerQueueNames(`${prefix}garage.report-replays`, [1000, 5000, 30000])),
      ]);
      await Promise.all([authDb.drop(), garageDb.drop(), notifyDb.drop()]);
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
  return stack;
}
