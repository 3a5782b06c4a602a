import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import amqp from 'amqplib';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import type { EventEnvelope } from '@ecar/contracts';
import { AMQP_URL, AMQP_USER, createBusNamespace, createTestDatabase, waitForConsumer, type BusNamespace, type TestDatabase } from '@ecar/testkit';
import type { AlertRow } from '../../services/audit/src/data/alerts.ts';
import type { AuditEventRow } from '../../services/audit/src/data/audit-events.ts';
import type { VerificationResult } from '../../services/audit/src/domain/verify.ts';
import { auditService, type AuditService } from '../../services/audit/src/service.ts';

/** What the audit API answers: pages of events or alerts, a verification, an alert, or a problem. */
export type ApiBody = Partial<VerificationResult> &
  Partial<AlertRow> & {
    items: Array<AuditEventRow & AlertRow>;
    nextCursor: string | null;
  };

/**
 * Issues access tokens the way the auth service does (ES256, kid, iss/aud, sid/jti/amr) and
 * serves the JWKS, so the audit API can be driven as a super-admin who passed MFA without
 * enrolling TOTP through the auth service in every audit test.
 */
export class TestTokenIssuer {
  private readonly kid = `test-${randomUUID()}`;
  private readonly privateKey: KeyObject;
  private readonly jwk: Record<string, unknown>;
  private server: http.Server | undefined;
  jwksUrl = '';

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.jwk = { ...publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'ES256', use: 'sig' };
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      // As auth does: services load their deny-list from this snapshot (none revoked here).
      if (req.url === '/internal/v1/revoked-sessions') res.end(JSON.stringify({ accessTtlSeconds: 600, items: [] }));
      else res.end(JSON.stringify({ keys: [this.jwk] }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  token(claims: { userId?: string; role?: 'super-admin' | 'technician' | 'customer' } = {}): string {
    return jwt.sign(
      { sub: claims.userId ?? randomUUID(), role: claims.role ?? 'super-admin', sid: randomUUID(), jti: randomUUID(), amr: ['pwd', 'otp'] },
      this.privateKey,
      { algorithm: 'ES256', keyid: this.kid, issuer: 'ecar-auth', audience: 'ecar-api', expiresIn: 600, notBefore: 0 },
    );
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface AuditHarness {
  audit: AuditService;
  database: TestDatabase;
  bus: BusNamespace;
  issuer: TestTokenIssuer;
  env: NodeJS.ProcessEnv;
  adminToken: string;
  /** Publishes envelopes to the test exchange with confirms, routing key = type (as the relay does). */
  publish(events: readonly EventEnvelope[]): Promise<void>;
  /** GET on the audit API as a super-admin; JSON body (or text for CSV). */
  get(path: string, token?: string): Promise<{ status: number; body: ApiBody; text: string; headers: Headers }>;
  post(path: string, json: unknown, token?: string): Promise<{ status: number; body: ApiBody }>;
  /** A direct connection as the database owner (what the service itself connects as in tests). */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  storedCount(): Promise<number>;
  stop(): Promise<void>;
}

export const AUDIT_QUEUES = ['audit.all', 'audit.alert-notifications'].flatMap((queue) => [queue, `${queue}.dlq`, `${queue}.retry.1000`, `${queue}.retry.5000`, `${queue}.retry.30000`]);

export function auditEnv(database: TestDatabase, bus: BusNamespace, issuer: TestTokenIssuer, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'error',
    DATABASE_URL: database.url,
    AMQP_URL,
    BUS_EXCHANGE: bus.exchange,
    BUS_QUEUE_PREFIX: bus.queuePrefix,
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUDIT_VERIFY_INTERVAL_MS: '0',
    ...overrides,
  };
}

export async function publishEvents(exchange: string, events: readonly EventEnvelope[]): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    for (const event of events) {
      channel.publish(exchange, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id, contentType: 'application/json', userId: AMQP_USER });
    }
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await connection.close();
  }
}

/** Resolves once the audit queue exists and is bound (the consumer declares it after connecting). */
export async function waitForAuditQueue(queuePrefix: string): Promise<void> {
  await waitForConsumer(`${queuePrefix}audit.all`, { timeoutMs: 15_000 });
}

/**
 * A fresh database and bus namespace with the audit service started on them. `prepare` runs on the
 * empty database before the service starts (and migrates it): e.g. a log written by an older version.
 */
export async function startAuditHarness(label: string, overrides: NodeJS.ProcessEnv = {}, prepare?: (database: TestDatabase) => Promise<void>): Promise<AuditHarness> {
  const database = await createTestDatabase(label);
  await prepare?.(database);
  const bus = createBusNamespace(label);
  const issuer = new TestTokenIssuer();
  await issuer.start();
  const env = auditEnv(database, bus, issuer, overrides);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  let audit: AuditService;
  try {
    audit = await auditService.start(env);
  } catch (error) {
    // A service that does not start (e.g. a failing migration) must not leave the test process hanging.
    await pool.end();
    await issuer.stop();
    await database.drop();
    throw error;
  }
  await waitForAuditQueue(bus.queuePrefix);
  const harness: AuditHarness = {
    audit,
    database,
    bus,
    issuer,
    env,
    adminToken: issuer.token(),
    publish: (events) => publishEvents(bus.exchange, events),
    async get(path, token = harness.adminToken) {
      const response = await fetch(`${harness.audit.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const text = await response.text();
      let body = {} as ApiBody;
      try {
        body = JSON.parse(text) as ApiBody;
      } catch {
        // CSV and other non-JSON answers: the test reads `text`.
      }
      return { status: response.status, body, text, headers: response.headers };
    },
    async post(path, json, token = harness.adminToken) {
      const response = await fetch(`${harness.audit.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as ApiBody };
    },
    async sql(text, params = []) {
      return (await pool.query(text, params)).rows;
    },
    async storedCount() {
      const rows = await harness.sql<{ count: number }>('SELECT count(*)::int AS count FROM audit_events');
      return rows[0]?.count ?? 0;
    },
    async stop() {
      await harness.audit.stop();
      await pool.end();
      await issuer.stop();
      await bus.cleanup(AUDIT_QUEUES);
      await database.drop();
    },
  };
  return harness;
}
