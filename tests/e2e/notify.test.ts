import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { queueDepth, waitFor } from '@ecar/testkit';
import { DELIVERIES_QUEUE } from '../../services/notify/src/messaging/subscriptions.ts';
import { notifyService } from '../../services/notify/src/service.ts';
import { startNotifyStack, type NotifyStack } from '../support/notify-stack.ts';
import { appointmentConfirmed, createCustomer, decodeMail, estimateSent, event, messagesOf, workOrderCompleted, type MessageRow } from '../support/notify-fixtures.ts';

let stack: NotifyStack;
let admin: string;

async function settled(customerId: string, count: number): Promise<MessageRow[]> {
  return waitFor(
    async () => {
      const rows = await messagesOf(stack, customerId);
      return rows.length >= count && rows.every((row) => row.status !== 'queued') ? rows : undefined;
    },
    { timeoutMs: 15_000, what: `${count} settled message(s)` },
  );
}

describe('notify: customer messages from domain events (SMS and e-mail through fakes)', () => {
  before(async () => {
    stack = await startNotifyStack('notify', { RATE_LIMIT_PER_CUSTOMER: '3' });
    admin = stack.token('super-admin');
  });
  after(async () => {
    await stack?.stop();
  });

  it('a completed work order sends one French SMS; the same event delivered twice sends once; the audit events carry no content', async () => {
    const customer = await createCustomer(stack);
    const completed = workOrderCompleted(customer.id, undefined, 'OR-2026-000123');
    await stack.publish(completed);
    await stack.publish(completed);
    const [message] = await settled(customer.id, 1);
    assert.equal(message!.status, 'sent');
    assert.equal(message!.template, 'vehicle_ready');
    // Give a duplicate every chance to go out before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sms = stack.sms.to(customer.phone);
    assert.equal(sms.length, 1, 'one SMS for one event');
    assert.match(sms[0]!.text, /votre véhicule est prêt \(réf\. OR-2026-000123\)/, 'the message cites the work order number (issue #14)');
    assert.equal(sms[0]!.reference, message!.id);
    assert.equal(sms[0]!.authorization, 'Bearer fake-sms-api-key');
    assert.equal((await messagesOf(stack, customer.id)).length, 1);

    const sent = await waitFor(async () => (await stack.published('notify.message.sent')).find((e) => e.data['messageId'] === message!.id), { what: 'notify.message.sent' });
    assert.equal(sent.correlationId, completed.correlationId, 'the correlation id follows the work order');
    const queued = await waitFor(async () => (await stack.published('notify.message.queued')).find((e) => e.data['messageId'] === message!.id), { what: 'the queued message is audited too' });
    for (const audited of [sent, queued]) {
      const text = JSON.stringify(audited);
      assert.ok(!text.includes(customer.phone) && !text.includes(customer.email) && !text.includes('prêt'), `no phone, e-mail or text in ${audited.type}`);
    }
    // garage recorded who read the contact, and why (AUD-4).
    const reads: Array<{ payload: string }> = await stack.garage.context.dataSource.query(`SELECT payload FROM outbox_events WHERE type = 'garage.customer.accessed'`);
    assert.ok(reads.some((row) => JSON.parse(row.payload).data.purpose === 'notification' && JSON.parse(row.payload).data.customerIds.includes(customer.id)));
  });

  it('an e-mail in Arabic when the customer chose e-mail and Arabic at the counter', async () => {
    const customer = await createCustomer(stack);
    const set = await stack.call(`/api/v1/notifications/customers/${customer.id}/preferences`, { method: 'PUT', token: admin, json: { channel: 'email', language: 'ar' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    await stack.publish(appointmentConfirmed(customer.id, '2026-12-03T08:30:00.000Z'));
    const [message] = await settled(customer.id, 1);
    assert.equal(message!.status, 'sent');
    assert.deepEqual([message!.channel, message!.language], ['email', 'ar']);
    const mail = await waitFor(async () => stack.smtp.to(customer.email)[0], { what: 'the e-mail' });
    const { subject, text } = decodeMail(mail);
    assert.equal(subject, 'تأكيد الموعد');
    // 08:30 UTC is 09:30 in Tunis.
    assert.match(text, /تم تأكيد موعدكم يوم 03\/12\/2026 على الساعة 09:30/);
    assert.equal(stack.sms.to(customer.phone).length, 0, 'no SMS when the customer chose e-mail');
  });

  it('an opted-out customer gets nothing, at once; the choice is theirs through the gateway', async () => {
    const customer = await createCustomer(stack);
    const token = stack.token('customer', customer.userId);
    const initial = await stack.call('/api/v1/notifications/preferences', { token });
    assert.equal(initial.status, 200, JSON.stringify(initial.body));
    assert.deepEqual([initial.body['serviceMessages'], initial.body['marketingConsent'], initial.body['channel']], [true, false, 'auto']);
    const off = await stack.call('/api/v1/notifications/preferences', { method: 'PUT', token, json: { serviceMessages: false, marketingConsent: true } });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body['marketingConsentMethod'], 'customer-app');
    assert.ok(off.body['marketingConsentAt']);
    await stack.publish(estimateSent(customer.id));
    const [message] = await settled(customer.id, 1);
    assert.deepEqual([message!.status, message!.reason], ['suppressed', 'opted_out']);
    assert.equal(stack.sms.to(customer.phone).length + stack.smtp.to(customer.email).length, 0);
    const updated = await waitFor(async () => (await stack.published('notify.preferences.updated')).find((e) => e.data['customerId'] === customer.id), { what: 'the change is audited' });
    assert.equal(updated.actor && 'userId' in updated.actor ? updated.actor.userId : undefined, customer.userId);

    // Another customer's token cannot read these preferences: it has no customer profile (404).
    assert.equal((await stack.call('/api/v1/notifications/preferences', { token: stack.token('customer') })).status, 404);
  });

  it('a customer who withdrew consent to the processing of their data (law 2004-63) gets nothing', async () => {
    const customer = await createCustomer(stack);
    const withdrawn = await stack.call(`/api/v1/customers/${customer.id}/consent`, { method: 'POST', token: admin, json: { given: false, method: 'written-form' } });
    assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
    await stack.publish(estimateSent(customer.id));
    const [message] = await settled(customer.id, 1);
    assert.deepEqual([message!.status, message!.reason], ['suppressed', 'no_consent']);
    assert.equal(stack.sms.to(customer.phone).length, 0);
    const suppressed = await waitFor(async () => (await stack.published('notify.message.suppressed')).find((e) => e.data['messageId'] === message!.id), { what: 'notify.message.suppressed' });
    assert.equal(suppressed.data['reason'], 'no_consent');
  });

  it('a gateway outage is retried through the bus with backoff, and sent once it is back', async () => {
    const customer = await createCustomer(stack);
    const before = stack.sms.requests;
    stack.sms.failNext(1);
    await stack.publish(estimateSent(customer.id));
    const [message] = await settled(customer.id, 1);
    assert.deepEqual([message!.status, message!.attempts], ['sent', 2]);
    assert.equal(stack.sms.requests - before, 2, 'one failed request, one that went through');
    assert.equal(stack.sms.to(customer.phone).length, 1);
    assert.match(stack.sms.to(customer.phone)[0]!.text, /devis est prêt/);
  });

  it('after the last attempt the message is failed with its reason (not dead-lettered); a refusal fails at once', async () => {
    const customer = await createCustomer(stack);
    stack.sms.failNext(3);
    await stack.publish(estimateSent(customer.id));
    const [message] = await settled(customer.id, 1);
    assert.deepEqual([message!.status, message!.reason, message!.attempts], ['failed', 'SMS gateway answered HTTP 503', 3]);
    const failed = await waitFor(async () => (await stack.published('notify.message.failed')).find((e) => e.data['messageId'] === message!.id), { what: 'notify.message.failed' });
    assert.equal(failed.data['attempts'], 3);
    assert.equal(await queueDepth(`${stack.bus.queuePrefix}${DELIVERIES_QUEUE}.dlq`), 0);

    const refused = await createCustomer(stack);
    stack.sms.failNext(1, 400);
    await stack.publish(estimateSent(refused.id));
    const [refusal] = await settled(refused.id, 1);
    assert.deepEqual([refusal!.status, refusal!.attempts], ['failed', 1]);
    assert.match(refusal!.reason ?? '', /refused the message \(HTTP 400\)/);

    // No phone: 'auto' falls back to e-mail.
    const noPhone = await createCustomer(stack, { phone: false });
    await stack.publish(estimateSent(noPhone.id));
    const [fallback] = await settled(noPhone.id, 1);
    assert.deepEqual([fallback!.status, fallback!.channel], ['sent', 'email']);
    assert.match(decodeMail(stack.smtp.to(noPhone.email)[0]!).subject, /Votre devis est prêt/);
  });

  it('the per-customer rate limit suppresses what goes over it', async () => {
    const customer = await createCustomer(stack);
    for (let i = 0; i < 4; i += 1) await stack.publish(estimateSent(customer.id));
    const rows = await settled(customer.id, 4);
    assert.deepEqual(rows.map((row) => row.status).sort(), ['sent', 'sent', 'sent', 'suppressed']);
    assert.equal(rows.find((row) => row.status === 'suppressed')!.reason, 'rate_limited');
    assert.equal(stack.sms.to(customer.phone).length, 3);
  });

  it('an issued invoice is told to the customer of its work order, even when the events arrive out of order', async () => {
    const customer = await createCustomer(stack);
    await stack.call(`/api/v1/notifications/customers/${customer.id}/preferences`, { method: 'PUT', token: admin, json: { serviceMessages: true } });
    const completed = workOrderCompleted(customer.id);
    const workOrderId = String(completed.data['workOrderId']);
    const invoiceId = crypto.randomUUID();
    const issued = event('billing.invoice.issued', { invoiceId, number: 'FA-2026-000042', issueDate: '2026-12-01', totalHtMillimes: 1_037_026, totalVatMillimes: 197_034, stampMillimes: 1_000, totalTtcMillimes: 1_234_560 });
    await stack.publish(completed);
    await stack.publish(issued);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stack.publish(event('billing.invoice.drafted', { invoiceId, workOrderId, origin: 'work_order', lineCount: 1, totalTtcMillimes: 1_234_560 }));
    const rows = await settled(customer.id, 2);
    assert.deepEqual(rows.map((row) => row.template).sort(), ['invoice_issued', 'vehicle_ready']);
    const text = stack.sms.to(customer.phone).map((sms) => sms.text).join('\n');
    assert.match(text, /facture FA-2026-000042 de 1 234,560 TND émise/);
  });

  it('staff list messages and their status newest first with keyset paging; a customer may not', async () => {
    const first = await stack.call('/api/v1/notifications/messages?limit=2', { token: admin });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const items = first.body['items'] as Array<Record<string, unknown>>;
    assert.equal(items.length, 2);
    assert.ok(first.body['nextCursor']);
    assert.ok(String(items[0]!['createdAt']) >= String(items[1]!['createdAt']), 'newest first');
    assert.ok(!JSON.stringify(first.body).includes('+216'), 'no phone number in the list');
    const second = await stack.call(`/api/v1/notifications/messages?limit=2&cursor=${String(first.body['nextCursor'])}`, { token: admin });
    const next = second.body['items'] as Array<Record<string, unknown>>;
    assert.ok(next.length > 0 && next.every((item) => !items.some((seen) => seen['id'] === item['id'])), 'the next page holds other messages');
    const failedOnly = await stack.call('/api/v1/notifications/messages?status=failed', { token: admin });
    assert.ok((failedOnly.body['items'] as Array<Record<string, unknown>>).every((item) => item['status'] === 'failed'));
    assert.equal((await stack.call('/api/v1/notifications/messages', { token: stack.token('customer') })).status, 403);
    assert.equal((await stack.call('/api/v1/notifications/messages?status=lost', { token: admin })).status, 400);
  });

  it('an SMS gateway host not on the outbound allow-list stops the service at start, naming the host (RES-3)', async () => {
    await assert.rejects(
      notifyService.start({ ...stack.notifyEnv, SMS_GATEWAY_URL: 'https://sms.example.com/send', OUTBOUND_ALLOWLIST: stack.sms.host }),
      /SMS_GATEWAY_URL: host sms\.example\.com is not on OUTBOUND_ALLOWLIST/,
    );
  });
});
