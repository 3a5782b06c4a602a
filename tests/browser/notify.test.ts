import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { allConsumerQueues, consumerQueueNames } from '@ecar/bus';
import { createTestDatabase, waitFor, type TestDatabase } from '@ecar/testkit';
import { DELIVERIES_QUEUE, EVENTS_QUEUE, EVENTS_RETRY_DELAYS_MS } from '../../services/notify/src/messaging/subscriptions.ts';
import { notifyService, type NotifyService } from '../../services/notify/src/service.ts';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, setViewport, signInAsAdmin, signInOnApp } from '../support/browser.ts';
import { FakeSmsGateway } from '../support/fake-sms-gateway.ts';
import { FakeSmtpServer } from '../support/fake-smtp.ts';
import { estimateSent } from '../support/notify-fixtures.ts';
import { publishAs } from '../support/notify-stack.ts';
import { createCustomer, startWebStack, type WebStack } from '../support/web-stack.ts';

const SHOTS = process.env['ECAR_SCREENSHOTS_DIR'];

let stack: WebStack;
let notify: NotifyService;
let notifyDb: TestDatabase;
let browser: Browser;
const sms = new FakeSmsGateway();
const smtp = new FakeSmtpServer();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('notification screens in Chromium: customer preferences (phone) and the staff message list', () => {
  before(async () => {
    await Promise.all([sms.start(), smtp.start()]);
    // The gateway is told notify's port first; notify starts once garage (its contact source) is up.
    const port = await freePort();
    stack = await startWebStack('webnotify', { gateway: { NOTIFY_URL: `http://127.0.0.1:${port}` } });
    notifyDb = await createTestDatabase('webnotify_notify');
    notify = await notifyService.start({
      NODE_ENV: 'test',
      PORT: String(port),
      LOG_LEVEL: 'error',
      AMQP_URL: stack.garage.config.AMQP_URL,
      BUS_EXCHANGE: stack.bus.exchange,
      BUS_QUEUE_PREFIX: stack.bus.queuePrefix,
      DATABASE_URL: notifyDb.url,
      AUTH_JWKS_URL: stack.garage.config.AUTH_JWKS_URL,
      GARAGE_URL: stack.garage.url,
      SMS_GATEWAY_URL: sms.url,
      OUTBOUND_ALLOWLIST: sms.host,
      SMTP_URL: smtp.url,
      DELIVERY_RETRY_DELAYS_MS: '100,200',
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await notify?.stop();
    await stack?.stop();
    await stack?.bus
      .cleanup([
        ...allConsumerQueues(consumerQueueNames(`${stack.bus.queuePrefix}${EVENTS_QUEUE}`, [...EVENTS_RETRY_DELAYS_MS])),
        ...allConsumerQueues(consumerQueueNames(`${stack.bus.queuePrefix}${DELIVERIES_QUEUE}`, [100, 200])),
      ])
      .catch(() => undefined);
    await notifyDb?.drop();
    await Promise.all([sms.stop(), smtp.stop()]);
  });

  it('a customer turns service messages off and gives marketing consent, in Arabic on a phone; French and English render too', async () => {
    const customer = await createCustomer(stack);
    const watched = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    const { page } = watched;
    await signInOnApp(page, stack, customer);
    await page.goto(`${stack.url}/app/notifications`);
    const form = page.locator('[data-testid=notify-preferences]');
    await form.waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    await form.getByText('رسائل حول إصلاحاتي وفواتيري ومواعيدي').waitFor();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/notify-preferences-ar-phone.png`, fullPage: true });
    await page.mouse.move(0, 0);
    await assertAccessible(page, 'preferences (ar, phone)');
    await assertNoHorizontalOverflow(page, 'preferences (ar, phone)');

    await form.locator('[data-testid=notify-service]').uncheck();
    await form.locator('[data-testid=notify-marketing]').check();
    await form.getByLabel('لغة الرسائل').selectOption('en');
    await form.getByRole('button', { name: 'حفظ' }).click();
    await page.locator('[data-testid=notify-saved]').waitFor();
    const saved = await stack.api(`/api/v1/notifications/customers/${customer.customerId}/preferences`);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual([saved.body['serviceMessages'], saved.body['marketingConsent'], saved.body['language'], saved.body['marketingConsentMethod']], [false, true, 'en', 'customer-app']);
    await watched.assertClean();
    await watched.close();

    for (const [language, label] of [['fr', 'Langue des messages'], ['en', 'Language of messages']] as const) {
      const other = await openPage(browser, stack, { viewport: 'phone', language });
      await signInOnApp(other.page, stack, customer);
      await other.page.goto(`${stack.url}/app/notifications`);
      await other.page.getByLabel(label).waitFor();
      assert.equal(await other.page.locator('[data-testid=notify-service]').isChecked(), false, 'the saved opt-out shows');
      if (SHOTS) await other.page.screenshot({ path: `${SHOTS}/notify-preferences-${language}-phone.png`, fullPage: true });
      await assertNoHorizontalOverflow(other.page, `preferences (${language}, phone)`);
      await other.assertClean();
      await other.close();
    }
  });

  it('staff see the messages and their delivery status, filtered by status (desktop and tablet)', async () => {
    const customer = await createCustomer(stack);
    await publishAs(stack.bus.exchange, estimateSent(customer.customerId));
    await waitFor(async () => smtp.messages.find((mail) => mail.to.includes(customer.email)), { timeoutMs: 15_000, what: 'the e-mail (no phone: auto falls back to e-mail)' });
    await waitFor(async () => {
      const list = await stack.api(`/api/v1/notifications/messages?customerId=${customer.customerId}`);
      return (list.body['items'] as Array<{ status: string }> | undefined)?.some((item) => item.status === 'sent') ? true : undefined;
    }, { what: 'the message marked sent' });

    const watched = await openPage(browser, stack, { viewport: 'desktop' });
    const { page } = watched;
    await signInAsAdmin(page, stack);
    await page.goto(`${stack.url}/admin/messages`);
    const row = page.locator('tr', { has: page.locator(`[data-id="${customer.customerId}"]`) }).first();
    await row.waitFor();
    assert.match(await row.innerText(), /Devis prêt[\s\S]*E-mail[\s\S]*Envoyé/i);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/notify-messages-desktop.png`, fullPage: true });
    await page.mouse.move(0, 0);
    await assertAccessible(page, 'messages (desktop)');
    await setViewport(page, 'tablet');
    await assertNoHorizontalOverflow(page, 'messages (tablet)');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/notify-messages-tablet.png`, fullPage: true });

    await page.locator('[data-testid=messages-status]').selectOption('failed');
    await row.waitFor({ state: 'detached' });
    await watched.assertClean();
    await watched.close();
  });
});
