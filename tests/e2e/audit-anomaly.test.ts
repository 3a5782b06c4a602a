import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildEvent, type Actor, type EventEnvelope } from '@ecar/contracts';
import { outboxMigrations } from '@ecar/bus';
import { createDataSource, initializeDatabase } from '@ecar/db';
import { createLogger } from '@ecar/logger';
import { createBusNamespace, createTestDatabase, waitFor } from '@ecar/testkit';
import { auditMigrations } from '../../services/audit/src/data/migrations.ts';
import { auditService } from '../../services/audit/src/service.ts';
import { FakeSmtpServer, FakeWebhook } from '../support/audit-fakes.ts';
import { auditEnv, startAuditHarness, TestTokenIssuer, type ApiBody, type AuditHarness } from '../support/audit-harness.ts';

/** Tuesday 24 November 2026, 11:00 in Tunis (UTC+1): inside working hours. */
const OFFICE = Date.parse('2026-11-24T10:00:00Z');
const at = (offsetMs: number) => new Date(OFFICE + offsetMs);

let h: AuditHarness;
let smtp: FakeSmtpServer;
let webhook: FakeWebhook;

function event(type: Parameters<typeof buildEvent>[0]['type'], actor: Actor, subject: { type: string; id: string }, data: Record<string, unknown>, occurredAt: Date): EventEnvelope {
  return buildEvent({ type, producer: type.split('.')[0]!, correlationId: `c-${randomUUID()}`, actor, subject, data: data as never, occurredAt }) as EventEnvelope;
}

function loginFailed(email: string, ip: string, occurredAt: Date): EventEnvelope {
  return event('auth.login.failed', { system: 'anonymous', ip }, { type: 'user', id: 'unknown' }, { email, reason: 'bad_password' }, occurredAt);
}

function customerAccessed(userId: string, customerIds: string[], occurredAt: Date): EventEnvelope {
  return event('garage.customer.accessed', { userId, role: 'technician', ip: '10.9.9.9' }, { type: 'customer-list', id: 'search' }, { customerIds, fields: ['name', 'phone'], purpose: 'list' }, occurredAt);
}

function adminAction(adminId: string, ip: string, occurredAt: Date): EventEnvelope {
  return event('auth.user.created', { userId: adminId, role: 'super-admin', email: 'admin@ecar.test', ip }, { type: 'user', id: randomUUID() }, { email: 'new@garage.tn', role: 'technician' }, occurredAt);
}

async function alerts(rule: string): Promise<ApiBody['items']> {
  const { body } = await h.get(`/api/v1/audit/alerts?status=all&rule=${rule}&limit=200`);
  return body.items;
}

async function settle(events: EventEnvelope[]): Promise<void> {
  await h.publish(events);
  const last = events[events.length - 1]!;
  await waitFor(async () => ((await h.sql('SELECT 1 FROM audit_events WHERE event_id = $1', [last.id])).length ? true : undefined), { what: 'events stored' });
}

describe('anomaly rules raise alerts on their scenario, stay quiet on normal traffic, and notify by mail', () => {
  before(async () => {
    smtp = new FakeSmtpServer();
    await smtp.start();
    webhook = new FakeWebhook();
    await webhook.start();
    h = await startAuditHarness('auditanomaly', {
      ANOMALY_LOGIN_FAILURES_PER_ACCOUNT: '5',
      ANOMALY_LOGIN_FAILURES_PER_IP: '6',
      ANOMALY_LOGIN_WINDOW_SECONDS: '300',
      ANOMALY_CUSTOMER_READS: '10',
      ANOMALY_CUSTOMER_READS_WINDOW_SECONDS: '600',
      ANOMALY_WORKING_HOURS: '08:00-18:00',
      ANOMALY_WORKING_DAYS: '1,2,3,4,5',
      OUTBOUND_ALLOWLIST: `127.0.0.1:${smtp.port},127.0.0.1:${webhook.port}`,
      ALERT_WEBHOOK_URL: webhook.url,
      ALERT_SMTP_URL: smtp.url,
      ALERT_MAIL_TO: 'security@garage.tn',
    });
  });
  after(async () => {
    await h?.stop();
    await smtp?.stop();
    await webhook?.stop();
  });

  it('normal traffic raises nothing', async () => {
    const admin = randomUUID();
    const technician = randomUUID();
    await settle([
      loginFailed('typo@garage.tn', '41.226.1.1', at(0)),
      loginFailed('typo@garage.tn', '41.226.1.1', at(60_000)),
      event('auth.token.refreshed', { userId: technician, role: 'technician', ip: '41.226.1.2' }, { type: 'session', id: randomUUID() }, { sessionId: randomUUID() }, at(0)),
      customerAccessed(technician, [randomUUID(), randomUUID(), randomUUID()], at(0)),
      adminAction(admin, '41.226.1.3', at(0)),
      adminAction(admin, '41.226.1.3', at(3600_000)),
      // Failures spread over more than the window never add up to a burst.
      ...Array.from({ length: 6 }, (_, i) => loginFailed('slow@garage.tn', '41.226.1.4', at(i * 400_000))),
    ]);
    const { body } = await h.get('/api/v1/audit/alerts?status=all');
    assert.deepEqual(body.items, []);
  });

  it('a burst of failed logins for one account raises one alert, not one per failure', async () => {
    await settle(Array.from({ length: 8 }, (_, i) => loginFailed('victim@garage.tn', `197.0.0.${i + 1}`, at(i * 10_000))));
    const raised = await waitFor(async () => ((await alerts('login_failures_account')).length === 1 ? alerts('login_failures_account') : undefined), { what: 'account alert' });
    assert.match(raised[0]!['key'], /^account:[0-9a-f]{16}$/);
    assert.ok(!JSON.stringify(raised).includes('victim@garage.tn'), 'the alert names no e-mail address');
    assert.equal((await alerts('login_failures_ip')).length, 0, 'eight different IPs: no IP burst');
  });

  it('a burst of failed logins from one IP against many accounts raises an IP alert', async () => {
    await settle(Array.from({ length: 6 }, (_, i) => loginFailed(`user${i}@garage.tn`, '203.0.113.66', at(i * 5_000))));
    const raised = await waitFor(async () => ((await alerts('login_failures_ip')).length === 1 ? alerts('login_failures_ip') : undefined), { what: 'IP alert' });
    assert.equal(raised[0]!['key'], 'ip:203.0.113.66');
  });

  it('refresh-token reuse raises a critical alert', async () => {
    const sessionId = randomUUID();
    await settle([event('auth.token.reuse_detected', { system: 'auth', ip: '198.51.100.7' }, { type: 'user', id: randomUUID() }, { sessionId }, at(0))]);
    const raised = await alerts('refresh_token_reuse');
    assert.equal(raised.length, 1);
    assert.equal(raised[0]!['severity'], 'critical');
    assert.equal(raised[0]!['key'], `session:${sessionId}`);
  });

  it('one user reading many distinct customers in a short window raises an alert', async () => {
    const reader = randomUUID();
    const customers = Array.from({ length: 12 }, () => randomUUID());
    await settle([customerAccessed(reader, customers.slice(0, 6), at(0)), customerAccessed(reader, customers.slice(6), at(60_000))]);
    const raised = await alerts('customer_reads');
    assert.equal(raised.length, 1);
    assert.equal(raised[0]!['key'], `user:${reader}`);
  });

  it('the customer-read rule fires at the threshold of distinct customers in the window, not below, and not for reads the window has left', async () => {
    const mine = async (reader: string) => (await alerts('customer_reads')).filter((alert) => alert['key'] === `user:${reader}`);
    // Threshold 10, window 600 s. Nine distinct customers, two of them read again: 9, no alert.
    const reader = randomUUID();
    const customers = Array.from({ length: 10 }, () => randomUUID());
    await settle([
      customerAccessed(reader, customers.slice(0, 5), at(0)),
      customerAccessed(reader, customers.slice(0, 2), at(30_000)),
      customerAccessed(reader, customers.slice(5, 9), at(60_000)),
    ]);
    assert.equal((await mine(reader)).length, 0, 'nine distinct customers stay below the threshold');
    // The tenth distinct customer, still within 600 s of the first read: the alert fires.
    await settle([customerAccessed(reader, [customers[9]!], at(120_000))]);
    const raised = await mine(reader);
    assert.equal(raised.length, 1);
    assert.match(raised[0]!['summary'], /read at least 10 distinct customers within 600 s/);

    // Ten distinct customers, but the first one's read has left the window when the tenth comes.
    const slow = randomUUID();
    const others = Array.from({ length: 11 }, () => randomUUID());
    await settle([customerAccessed(slow, [others[0]!], at(0)), customerAccessed(slow, others.slice(1, 10), at(601_000))]);
    assert.equal((await mine(slow)).length, 0, 'only nine of the ten reads are within one window');
    // One more distinct customer inside the window of the last nine: ten, the alert fires.
    await settle([customerAccessed(slow, [others[10]!], at(602_000))]);
    assert.equal((await mine(slow)).length, 1);
  });

  it('a super-admin acting from a new IP, or outside working hours, raises an alert', async () => {
    const admin = randomUUID();
    await settle([adminAction(admin, '41.226.50.1', at(0)), adminAction(admin, '185.220.101.9', at(60_000)), adminAction(admin, '41.226.50.1', at(120_000))]);
    const newIp = (await alerts('admin_new_ip')).filter((alert) => alert['key'].startsWith(`admin:${admin}`));
    assert.equal(newIp.length, 1);
    assert.equal(newIp[0]!['key'], `admin:${admin}|ip:185.220.101.9`);

    const nightOwl = randomUUID();
    // 02:30 UTC = 03:30 in Tunis.
    await settle([adminAction(nightOwl, '41.226.60.1', new Date('2026-11-25T02:30:00Z'))]);
    const offHours = (await alerts('admin_off_hours')).filter((alert) => alert['key'] === `admin:${nightOwl}`);
    assert.equal(offHours.length, 1);
    assert.equal((await alerts('admin_off_hours')).length, 1, 'daytime admin actions raised nothing');
  });

  it('every alert is logged as audit.alert.raised, mailed through the allow-listed relay and posted to the webhook; acknowledging is audited', async () => {
    const all = (await h.get('/api/v1/audit/alerts?status=all&limit=200')).body.items;
    assert.equal(all.length, 8, 'every alert the tests above raised');
    await waitFor(() => (smtp.mails.length >= all.length ? true : undefined), { what: 'alert mails' });
    assert.equal(smtp.mails.length, all.length);
    for (const alert of all) assert.ok(smtp.mails.some((mail) => mail.unwrapped.includes(alert['id'])), `mail for ${alert['rule']}`);
    assert.deepEqual(smtp.mails[0]!.to, ['security@garage.tn']);
    await waitFor(() => (webhook.received.length >= all.length ? true : undefined), { what: 'alert webhooks' });
    assert.deepEqual(new Set(webhook.received.map((body) => body['alertId'])), new Set(all.map((alert) => alert.id)));
    const logged = await h.get('/api/v1/audit/events?type=audit.alert.raised&limit=200');
    assert.equal(logged.body.items.length, all.length);

    const target = all[0]!;
    const adminId = randomUUID();
    const ack = await h.post(`/api/v1/audit/alerts/${target['id']}/ack`, { note: 'checked with the owner' }, h.issuer.token({ userId: adminId }));
    assert.equal(ack.status, 200);
    assert.equal(ack.body.acknowledgedBy, adminId);
    assert.equal((await h.post(`/api/v1/audit/alerts/${target['id']}/ack`, {})).status, 409);
    assert.equal((await h.post(`/api/v1/audit/alerts/${randomUUID()}/ack`, {})).status, 404);
    assert.equal((await h.post('/api/v1/audit/alerts/not-a-uuid/ack', {})).status, 400, 'a malformed id is refused by the route table (as in every service)');
    assert.equal((await h.post(`/api/v1/audit/alerts/${target['id']}/ack`, { role: 'x' })).status, 400);
    assert.equal((await h.post(`/api/v1/audit/alerts/${target['id']}/ack`, {}, h.issuer.token({ role: 'technician' }))).status, 403);
    const open = (await h.get('/api/v1/audit/alerts')).body.items;
    assert.equal(open.length, all.length - 1);
    const acked = await waitFor(async () => (await h.get(`/api/v1/audit/events?type=audit.alert.acknowledged&actor=${adminId}`)).body.items[0], { what: 'ack in the log' });
    assert.equal(acked.subject.id, target['id']);
  });
});

describe('alert destinations must be on the outbound allow-list (RES-3)', () => {
  it('refuses at start an SMTP relay or webhook whose host is not allow-listed', async () => {
    const issuer = new TestTokenIssuer();
    const database = await createTestDatabase('auditallow');
    const bus = createBusNamespace('auditallow');
    try {
      const env = auditEnv(database, bus, issuer, { OUTBOUND_ALLOWLIST: 'smtp.garage.tn' });
      await assert.rejects(auditService.start({ ...env, ALERT_SMTP_URL: 'smtp://mail.example.com:25', ALERT_MAIL_TO: 'a@b.tn' }), /ALERT_SMTP_URL: host mail.example.com:25 is not on OUTBOUND_ALLOWLIST/);
      await assert.rejects(auditService.start({ ...env, ALERT_WEBHOOK_URL: 'https://hooks.example.com/x' }), /ALERT_WEBHOOK_URL: host hooks.example.com is not on OUTBOUND_ALLOWLIST/);
    } finally {
      await database.drop();
    }
  });
});

describe('the customer-read state migration (issue 16)', () => {
  it('carries the reads already observed over, one row per reader and customer with the latest read, and keeps the other rules\' signals', async () => {
    const database = await createTestDatabase('auditreadlast');
    const logger = createLogger({ service: 'test', silent: true });
    const upTo = auditMigrations.findIndex((migration) => new migration().name === 'AuditCustomerReadLast1798300000000');
    assert.ok(upTo > 0);
    const before = createDataSource({ url: database.url, migrations: [...outboxMigrations(), ...auditMigrations.slice(0, upTo)], poolMax: 2 });
    const after = createDataSource({ url: database.url, migrations: [...outboxMigrations(), ...auditMigrations], poolMax: 2 });
    try {
      await initializeDatabase(before, logger);
      await before.query(
        `INSERT INTO anomaly_signals (rule, key, value, occurred_at) VALUES
           ('customer_reads', 'user:a', 'c1', '2026-11-24T10:00:00Z'), ('customer_reads', 'user:a', 'c1', '2026-11-24T10:05:00Z'),
           ('customer_reads', 'user:a', 'c2', '2026-11-24T10:01:00Z'), ('login_failures_ip', 'ip:10.0.0.1', 'e1', '2026-11-24T10:02:00Z')`,
      );
      await before.destroy();
      await initializeDatabase(after, logger);
      const carried = await after.query(`SELECT reader, customer, last_at FROM customer_read_last ORDER BY customer`);
      assert.deepEqual(carried, [
        { reader: 'user:a', customer: 'c1', last_at: new Date('2026-11-24T10:05:00Z') },
        { reader: 'user:a', customer: 'c2', last_at: new Date('2026-11-24T10:01:00Z') },
      ]);
      assert.deepEqual(await after.query(`SELECT rule FROM anomaly_signals`), [{ rule: 'login_failures_ip' }]);
    } finally {
      if (before.isInitialized) await before.destroy();
      if (after.isInitialized) await after.destroy();
      await database.drop();
    }
  });
});
