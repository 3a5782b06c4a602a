import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addDays, dayKey, localDate } from '@ecar/primitives';
import { waitFor } from '@ecar/testkit';
import { garageService, type GarageService } from '../../services/garage/src/service.ts';
import { startNotifyStack, type NotifyStack } from '../support/notify-stack.ts';
import { createCustomer, decodeMail, messagesOf, type MessageRow, type TestCustomer } from '../support/notify-fixtures.ts';

/**
 * Reminders end to end on real PostgreSQL and RabbitMQ: garage's daily job claims each reminder
 * once and publishes `garage.reminder.due`; notify sends it (fake SMS gateway, fake SMTP relay).
 */
let stack: NotifyStack;
let admin: string;
let plateSeq = 1000 + Math.floor(Math.random() * 8000);

const TZ = 'Africa/Tunis';
const inDays = (days: number) => dayKey(addDays(localDate(new Date(), TZ), days));
const ddmmyyyy = (iso: string) => iso.split('-').reverse().join('/');

async function settled(customerId: string, count: number): Promise<MessageRow[]> {
  return waitFor(
    async () => {
      const rows = await messagesOf(stack, customerId);
      return rows.length >= count && rows.every((row) => row.status !== 'queued') ? rows : undefined;
    },
    { timeoutMs: 15_000, what: `${count} settled message(s)` },
  );
}

async function vehicleOf(customer: TestCustomer, dates: Record<string, unknown>): Promise<Record<string, unknown>> {
  plateSeq += 1;
  const response = await stack.call('/api/v1/vehicles', {
    method: 'POST',
    token: admin,
    json: { customerId: customer.id, plate: `${200 + (plateSeq % 700)} TU ${String(plateSeq).padStart(4, '0')}`, make: 'Peugeot', model: '208', year: 2019, mileageKm: 42_000, ...dates },
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

async function runJob(garage: GarageService = stack.garage): Promise<void> {
  const job = garage.jobs.get('garage-reminders');
  assert.ok(job, 'the garage declares its reminder job');
  await job.runNow();
}

/** Gives a duplicate every chance to go out before counting. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 700));

async function claimsOf(vehicleId: string): Promise<Array<{ kind: string; due_date: string | null; lead_days: number }>> {
  return stack.garage.context.dataSource.query(`SELECT kind, to_char(due_date, 'YYYY-MM-DD') AS due_date, lead_days FROM reminder_claims WHERE vehicle_id = $1`, [vehicleId]);
}

async function reminderEventsOf(vehicleId: string): Promise<number> {
  const rows: Array<{ n: number }> = await stack.garage.context.dataSource.query(
    `SELECT count(*)::int AS n FROM outbox_events WHERE type = 'garage.reminder.due' AND payload::jsonb -> 'data' ->> 'vehicleId' = $1`,
    [vehicleId],
  );
  return rows[0]!.n;
}

describe('reminders: due dates on a vehicle, a daily job that sends each reminder once, notify in fr/ar/en', () => {
  before(async () => {
    stack = await startNotifyStack('reminders');
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('a vehicle due tomorrow gets exactly one reminder SMS, even when the job runs twice', async () => {
    const customer = await createCustomer(stack);
    const tomorrow = inDays(1);
    const vehicle = await vehicleOf(customer, { technicalInspectionDue: tomorrow });
    const dues = vehicle['dues'] as Array<Record<string, unknown>>;
    assert.deepEqual(dues.map((item) => [item['kind'], item['dueDate'], item['daysLeft'], item['due']]), [['technical_inspection', tomorrow, 1, false]]);

    await runJob();
    await runJob();
    const [message] = await settled(customer.id, 1);
    await quiet();
    assert.deepEqual([message!.template, message!.status, message!.channel, message!.language], ['reminder_due', 'sent', 'sms', 'fr']);
    assert.equal((await messagesOf(stack, customer.id)).length, 1);
    const sms = stack.sms.to(customer.phone);
    assert.equal(sms.length, 1, 'one SMS for one reminder');
    assert.equal(sms[0]!.text, `ECAR: La visite technique de votre Peugeot 208 arrive à échéance le ${ddmmyyyy(tomorrow)}.`);
    // Due tomorrow with leads 7 and 1: the 1-day reminder only (the 7-day one would have gone a week ago).
    assert.deepEqual(await claimsOf(String(vehicle['id'])), [{ kind: 'technical_inspection', due_date: tomorrow, lead_days: 1 }]);
    assert.equal(await reminderEventsOf(String(vehicle['id'])), 1);

    // A restart is a new process over the same database: the claim is still there.
    assert.equal(await stack.garage.domain.useCases.reminders.runDaily(), 0);
  });

  it('two replicas running the job at the same moment send one reminder', async () => {
    const documentsDir = await mkdtemp(join(tmpdir(), 'ecar-reminders-docs-'));
    const replica = await garageService.start({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'error',
      AMQP_URL: stack.notifyEnv['AMQP_URL'],
      BUS_EXCHANGE: stack.bus.exchange,
      BUS_QUEUE_PREFIX: stack.bus.queuePrefix,
      DATABASE_URL: stack.databases.garage.url,
      AUTH_JWKS_URL: stack.notifyEnv['AUTH_JWKS_URL'],
      DOCUMENTS_DIR: documentsDir,
    });
    try {
      const customers = await Promise.all([createCustomer(stack), createCustomer(stack)]);
      const tomorrow = inDays(1);
      const inFiveDays = inDays(5);
      const first = await vehicleOf(customers[0]!, { insuranceDue: tomorrow });
      const second = await vehicleOf(customers[1]!, { nextServiceDate: inFiveDays });
      const counts = await Promise.all([stack.garage.domain.useCases.reminders.runDaily(), replica.domain.useCases.reminders.runDaily()]);
      assert.equal(counts[0] + counts[1], 2, `two reminders in all, whichever replica sent them (${counts.join(' + ')})`);
      await Promise.all([runJob(stack.garage), runJob(replica)]);

      const [insurance] = await settled(customers[0]!.id, 1);
      const [service] = await settled(customers[1]!.id, 1);
      await quiet();
      assert.deepEqual([insurance!.template, insurance!.status, service!.template, service!.status], ['reminder_due', 'sent', 'reminder_due', 'sent']);
      assert.equal(stack.sms.to(customers[0]!.phone).length, 1);
      assert.equal(stack.sms.to(customers[1]!.phone).length, 1);
      assert.match(stack.sms.to(customers[0]!.phone)[0]!.text, new RegExp(`L’assurance de votre Peugeot 208 arrive à échéance le ${ddmmyyyy(tomorrow)}`));
      assert.match(stack.sms.to(customers[1]!.phone)[0]!.text, new RegExp(`L’entretien de votre Peugeot 208 est prévu le ${ddmmyyyy(inFiveDays)}`));
      assert.equal(await reminderEventsOf(String(first['id'])), 1);
      assert.equal(await reminderEventsOf(String(second['id'])), 1);
      // Due in five days with leads 7 and 1: the 7-day reminder now, the 1-day one later.
      assert.deepEqual(await claimsOf(String(second['id'])), [{ kind: 'service', due_date: inFiveDays, lead_days: 7 }]);
    } finally {
      await replica.stop();
      await rm(documentsDir, { recursive: true, force: true });
    }
  });

  it('an opted-out customer gets nothing (a reminder is a service message: the service switch stops it)', async () => {
    const customer = await createCustomer(stack);
    const token = stack.token('customer', customer.userId);
    const off = await stack.call('/api/v1/notifications/preferences', { method: 'PUT', token, json: { serviceMessages: false } });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    await vehicleOf(customer, { vignetteDue: inDays(1) });
    await runJob();
    const [message] = await settled(customer.id, 1);
    await quiet();
    assert.deepEqual([message!.template, message!.status, message!.reason], ['reminder_due', 'suppressed', 'opted_out']);
    assert.equal(stack.sms.to(customer.phone).length + stack.smtp.to(customer.email).length, 0);
  });

  it('an Arabic e-mail for a customer who chose e-mail and Arabic; a service by mileage is reminded at its mileage', async () => {
    const customer = await createCustomer(stack);
    const set = await stack.call(`/api/v1/notifications/customers/${customer.id}/preferences`, { method: 'PUT', token: admin, json: { channel: 'email', language: 'ar' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const tomorrow = inDays(1);
    await vehicleOf(customer, { vignetteDue: tomorrow, nextServiceMileageKm: 42_300 });
    await runJob();
    const rows = await settled(customer.id, 2);
    await quiet();
    assert.deepEqual(rows.map((row) => [row.template, row.status, row.channel, row.language]), [
      ['reminder_due', 'sent', 'email', 'ar'],
      ['reminder_due', 'sent', 'email', 'ar'],
    ]);
    const mails = stack.smtp.to(customer.email).map(decodeMail);
    assert.equal(mails.length, 2);
    const vignette = mails.find((mail) => mail.subject === 'تذكير: معلوم الجولان (الفينيات)');
    assert.ok(vignette, `the vignette reminder in Arabic (${mails.map((mail) => mail.subject).join(', ')})`);
    assert.match(vignette.text, new RegExp(`تذكير: موعد معلوم الجولان \\(الفينيات\\) لسيارتكم Peugeot 208 يوم ${ddmmyyyy(tomorrow)}`));
    const service = mails.find((mail) => mail.subject === 'تذكير: الصيانة');
    assert.ok(service);
    assert.match(service.text, /لسيارتكم Peugeot 208 عند 42 300 km/);
    assert.equal(stack.sms.to(customer.phone).length, 0);
  });

  it('the super-admin lists what is due soon (cursor pages); the customer sees their own due dates; bad dates are a 400', async () => {
    const customer = await createCustomer(stack);
    const soon = await vehicleOf(customer, { vignetteDue: inDays(3), insuranceDue: inDays(40) });
    const later = await vehicleOf(customer, { insuranceDue: inDays(60) });
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages += 1) {
      const page = await stack.call(`/api/v1/reminders/due-soon?withinDays=10&limit=2${cursor ? `&after=${cursor}` : ''}`, { token: admin });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      const items = page.body['items'] as Array<Record<string, unknown>>;
      assert.ok(items.length <= 2);
      ids.push(...items.map((item) => String(item['id'])));
      const row = items.find((item) => item['id'] === soon['id']);
      if (row) assert.equal(row['customerName'], 'Amira Ben Salem');
      cursor = page.body['nextCursor'] as string | null;
      if (!cursor) break;
    }
    assert.ok(ids.includes(String(soon['id'])), 'the vignette due in 3 days is listed');
    assert.ok(!ids.includes(String(later['id'])), 'an insurance due in 60 days is not');
    assert.equal(new Set(ids).size, ids.length, 'no row twice across pages');
    // Each page is an access record (AUD-4): who listed whose vehicles and names.
    const reads: Array<{ payload: string }> = await stack.garage.context.dataSource.query(`SELECT payload FROM outbox_events WHERE type = 'garage.customer.accessed' AND payload::jsonb -> 'subject' ->> 'type' = 'due-soon-list'`);
    assert.ok(reads.some((row) => JSON.parse(row.payload).data.purpose === 'list' && JSON.parse(row.payload).data.customerIds.includes(customer.id)), 'the due-soon list is an access record');
    const byKind = await stack.call('/api/v1/reminders/due-soon?withinDays=10&kind=insurance', { token: admin });
    assert.equal(byKind.status, 200, JSON.stringify(byKind.body));
    assert.ok(!(byKind.body['items'] as Array<Record<string, unknown>>).some((item) => item['id'] === soon['id']), 'the kind filter');
    assert.equal((await stack.call('/api/v1/reminders/due-soon?withinDays=1000', { token: admin })).status, 400);
    assert.equal((await stack.call('/api/v1/reminders/due-soon', { token: stack.token('customer', customer.userId) })).status, 403);

    const mine = await stack.call(`/api/v1/vehicles/${String(soon['id'])}`, { token: stack.token('customer', customer.userId) });
    assert.equal(mine.status, 200);
    assert.deepEqual(
      (mine.body['dues'] as Array<Record<string, unknown>>).map((item) => [item['kind'], item['daysLeft']]),
      [['vignette', 3], ['insurance', 40]],
    );
    const bad = await stack.call(`/api/v1/vehicles/${String(soon['id'])}`, { method: 'PATCH', token: admin, json: { insuranceDue: '2026-02-30' } });
    assert.equal(bad.status, 400);
  });

  it('the next service from a canned job’s interval; serviceDue follows the service item', async () => {
    const customer = await createCustomer(stack);
    const vehicle = await vehicleOf(customer, {});
    const job = await stack.call('/api/v1/canned-jobs', {
      method: 'POST',
      token: admin,
      json: { name: 'Vidange', labourHoursMilli: 1000, labourRateMillimes: 40_000, parts: [], serviceIntervalMonths: 12, serviceIntervalKm: 10_000 },
    });
    assert.equal(job.status, 201, JSON.stringify(job.body));
    assert.deepEqual([job.body['serviceIntervalMonths'], job.body['serviceIntervalKm']], [12, 10_000]);
    const path = `/api/v1/vehicles/${String(vehicle['id'])}`;
    const set = await stack.call(path, { method: 'PATCH', token: admin, json: { nextServiceFromCannedJobId: job.body['id'] } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const today = localDate(new Date(), TZ);
    const expected = new Date(Date.UTC(today.year + 1, today.month - 1, 1));
    expected.setUTCDate(Math.min(today.day, new Date(Date.UTC(today.year + 1, today.month, 0)).getUTCDate()));
    assert.equal(set.body['nextServiceDate'], expected.toISOString().slice(0, 10));
    assert.equal(set.body['nextServiceMileageKm'], 52_000);
    assert.equal(set.body['serviceDue'], false);
    const both = await stack.call(path, { method: 'PATCH', token: admin, json: { nextServiceFromCannedJobId: job.body['id'], nextServiceMileageKm: 1 } });
    assert.equal(both.status, 400, 'a canned job or by hand, not both');
    const reached = await stack.call(path, { method: 'PATCH', token: admin, json: { mileageKm: 52_100 } });
    assert.equal(reached.body['serviceDue'], true);
    const service = (reached.body['dues'] as Array<Record<string, unknown>>).find((item) => item['kind'] === 'service');
    assert.deepEqual([service?.['due'], service?.['kmLeft']], [true, -100]);
    const plain = await stack.call('/api/v1/canned-jobs', { method: 'POST', token: admin, json: { name: 'Plaquettes', labourHoursMilli: 500, labourRateMillimes: 40_000, parts: [] } });
    assert.equal((await stack.call(path, { method: 'PATCH', token: admin, json: { nextServiceFromCannedJobId: plain.body['id'] } })).status, 409, 'a canned job without an interval');
  });
});
