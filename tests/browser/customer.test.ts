import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage, signInOnApp, submitCredentials } from '../support/browser.ts';
import { FakeSmtpServer, tokenInMail } from '../support/fake-smtp.ts';
import { addLine, createVehicle, eventually, moveWorkOrder, openWorkOrder, workOrder } from '../support/self-fixtures.ts';
import { createCustomer, startWebStack, type CustomerAccount, type WebStack } from '../support/web-stack.ts';

const HOSTILE_NAME = '<img src=x onerror="window.__xss=1">Amira Ben Salah';
const PASSWORD = 'Cl1ent!-Web-Passw0rd';

let stack: WebStack;
let smtp: FakeSmtpServer;
let browser: Browser;

/** A work order of the customer whose estimate waits for their answer (two lines: 121,000 HT). */
async function estimateSent(customer: { customerId: string }, vehicleId: string, appointmentId?: string): Promise<string> {
  const id = await openWorkOrder(stack, appointmentId ? { appointmentId, complaint: 'Révision des 40 000 km' } : { customerId: customer.customerId, vehicleId, complaint: 'Bruit à l’avant' });
  await addLine(stack, id, { kind: 'labour', description: 'Main-d’œuvre révision', quantityMilli: 1500, unitPriceMillimes: 40_000 });
  await addLine(stack, id, { kind: 'part', description: 'Filtre à huile', quantityMilli: 1000, unitPriceMillimes: 61_000 });
  await moveWorkOrder(stack, id, 'estimate_sent');
  return id;
}

async function go(page: Page, screen: string, ready: string): Promise<void> {
  await page.click(`nav a[data-screen="${screen}"]`);
  await page.locator(ready).first().waitFor();
}

async function clean(page: Page, label: string): Promise<void> {
  // The pointer leaves the last button clicked: axe judges the colours at rest, not hovered.
  await page.mouse.move(0, 0);
  await assertAccessible(page, label);
  await assertNoHorizontalOverflow(page, label);
}

describe('customer screens in Chromium (phone first)', () => {
  before(async () => {
    smtp = new FakeSmtpServer();
    await smtp.start();
    stack = await startWebStack('webcust', { auth: { SMTP_URL: smtp.url } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await smtp?.stop();
  });

  it('journey: sign-up and e-mail link → booking → estimate approval → invoice PDF → data export', async () => {
    const email = `amira.${Date.now()}@client.test`;
    const watched = await openPage(browser, stack, { viewport: 'phone' });
    const { page } = watched;
    await page.goto(`${stack.url}/app/`);
    await page.getByRole('link', { name: 'Créer un compte client' }).click();
    const signUp = page.locator('form[data-step=sign-up]');
    await signUp.getByLabel('Nom et prénom').fill(HOSTILE_NAME);
    await signUp.getByLabel('E-mail').fill(email);
    await signUp.getByLabel('Mot de passe').fill(PASSWORD);
    await clean(page, 'sign-up');
    await signUp.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByTestId('sign-up-sent').waitFor();

    // The e-mail's link lands on the public shell's verification page.
    const mail = await eventually('verification mail', async () => smtp.to(email), (mails) => mails.length > 0);
    const unfolded = mail[0]!.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = new URL(/https?:\/\/\S+#token=[A-Za-z0-9_-]+/.exec(unfolded)![0]);
    assert.equal(link.pathname, '/app/verify-email');
    await page.goto(`${stack.url}${link.pathname}#token=${tokenInMail(mail[0]!)}`);
    await page.getByTestId('email-verified').waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
    await clean(page, 'verify e-mail');

    await page.getByRole('link', { name: 'Aller à la connexion' }).click();
    await submitCredentials(page, email, PASSWORD);
    await page.waitForSelector('[data-testid=who]');
    assert.match((await page.textContent('[data-testid=who]')) ?? '', /<img src=x onerror/);
    const found = await eventually('garage profile', () => stack.api(`/api/v1/customers?email=${encodeURIComponent(email)}`), (response) => Array.isArray(response.body['items']) && (response.body['items'] as unknown[]).length === 1);
    const customerId = String((found.body['items'] as Array<{ id: string }>)[0]!.id);
    const vehicle = await createVehicle(stack, customerId, 'Renault', 'Clio');

    // Booking: tomorrow 10:00 in Tunis, for the vehicle.
    await go(page, 'appointments', 'form[data-testid=book]');
    const book = page.getByTestId('book');
    await book.getByLabel('Véhicule').selectOption({ label: `Renault Clio · ${vehicle.plate}` });
    await book.getByLabel('Heure (Tunis)').selectOption('10:00');
    await book.getByLabel('Message au garage').fill('Vidange et freins');
    await clean(page, 'appointments');
    await book.getByRole('button', { name: 'Envoyer la demande' }).click();
    await page.getByTestId('booked').waitFor();
    await page.locator('[data-testid=appointment][data-status=requested]').waitFor();
    const appointments = await stack.api('/api/v1/appointments');
    const booked = (appointments.body['items'] as Array<{ id: string; slotStart: string; vehicleId: string; customerId: string }>).find((item) => item.customerId === customerId)!;
    assert.equal(booked.vehicleId, vehicle.id);
    assert.equal(new Intl.DateTimeFormat('en-GB', { timeZone: 'Africa/Tunis', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(booked.slotStart)), '10:00');

    // The garage confirms, opens the job card from the appointment and sends the estimate.
    assert.equal((await stack.api(`/api/v1/appointments/${booked.id}/confirm`, { method: 'POST', json: {} })).status, 200);
    const orderId = await estimateSent({ customerId }, vehicle.id, booked.id);

    await go(page, 'repairs', '[data-testid=repair][data-status=estimate_sent]');
    await clean(page, 'repairs');
    await page.getByRole('link', { name: 'Voir le devis' }).click();
    await page.getByTestId('estimate-decision').waitFor();
    // 1,5 × 40,000 + 61,000 = 121,000 HT; 19 % = 22,990; 143,990 TTC.
    assert.equal(await page.getByTestId('total-gross').textContent(), '143,990\u00a0TND');
    await clean(page, 'estimate');
    await page.getByTestId('approve').click();
    await page.getByTestId('confirm-decision').waitFor();
    await clean(page, 'estimate confirmation');
    await page.getByTestId('confirm-decision').click();
    await page.getByTestId('recorded-decision').waitFor();
    assert.equal(await page.getByTestId('decision').textContent(), 'Devis accepté');
    await clean(page, 'recorded decision');
    const decided = await workOrder(stack, orderId);
    assert.equal(decided['status'], 'approved');
    assert.ok(decided['estimateDecidedIp'], 'the address is recorded');

    // The work is done; billing drafts the invoice from the completed job; the garage issues it.
    await moveWorkOrder(stack, orderId, 'in_progress');
    await moveWorkOrder(stack, orderId, 'completed');
    const drafts = await eventually('draft invoice', () => stack.api('/api/v1/invoices?status=draft'), (response) => (response.body['items'] as Array<{ workOrderId: string }>).some((item) => item.workOrderId === orderId));
    const draft = (drafts.body['items'] as Array<{ id: string; workOrderId: string }>).find((item) => item.workOrderId === orderId)!;
    const issued = await stack.api(`/api/v1/invoices/${draft.id}/issue`, { method: 'POST', json: {} });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));

    await go(page, 'invoices', 'table a');
    await clean(page, 'invoices');
    await page.getByRole('link', { name: String(issued.body['number']) }).click();
    await page.getByTestId('invoice-total').waitFor();
    assert.equal(await page.getByTestId('invoice-total').textContent(), '144,990\u00a0TND', '143,990 + 1,000 fiscal stamp');
    await clean(page, 'invoice');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()]);
    assert.equal(pdf.suggestedFilename(), `${String(issued.body['number'])}.pdf`);
    assert.equal((await readFile((await pdf.path())!)).subarray(0, 5).toString(), '%PDF-');

    await go(page, 'account', '[data-testid=export]');
    await clean(page, 'account');
    const [exported] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
    const data = JSON.parse(await readFile((await exported.path())!, 'utf8')) as { customer: { email: string; name: string }; workOrders: Array<{ id: string }> };
    assert.equal(data.customer.email, email);
    assert.equal(data.customer.name, HOSTILE_NAME);
    assert.ok(data.workOrders.some((order) => order.id === orderId));
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined, 'the hostile name never ran');
    await watched.assertClean();
    await watched.close();
  });

  it('keyboard only: the customer approves an estimate with Tab and Enter', async () => {
    const customer = await createCustomer(stack, 'Sami Clavier');
    const vehicle = await createVehicle(stack, customer.customerId);
    const orderId = await estimateSent(customer, vehicle.id);
    const watched = await openPage(browser, stack, { viewport: 'phone' });
    const { page } = watched;
    await signInOnApp(page, stack, customer);
    await page.goto(`${stack.url}/app/repairs/${orderId}`);
    await page.getByTestId('approve').waitFor();
    let focused = '';
    for (let presses = 0; presses < 40 && focused !== 'approve'; presses += 1) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? '');
    }
    assert.equal(focused, 'approve', 'the approve button is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('confirm-decision').waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid')), 'confirm-decision', 'focus moves to the confirmation');
    await page.keyboard.press('Enter');
    await page.getByTestId('recorded-decision').waitFor();
    assert.equal((await workOrder(stack, orderId))['status'], 'approved');
    await watched.assertClean();
    await watched.close();
  });

  it('in Arabic at 360 px every customer screen is right-to-left and never scrolls sideways', async () => {
    const customer = await createCustomer(stack, HOSTILE_NAME);
    const vehicle = await createVehicle(stack, customer.customerId);
    const orderId = await estimateSent(customer, vehicle.id);
    const watched = await openPage(browser, stack, { viewport: 'phone', language: 'ar' });
    const { page } = watched;
    await signInOnApp(page, stack, customer);
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    await clean(page, 'home (ar)');
    await go(page, 'repairs', '[data-testid=repair]');
    await clean(page, 'repairs (ar)');
    await page.goto(`${stack.url}/app/repairs/${orderId}`);
    await page.getByTestId('approve').waitFor();
    await clean(page, 'estimate (ar)');
    await go(page, 'appointments', 'form[data-testid=book]');
    await clean(page, 'appointments (ar)');
    await go(page, 'vehicles', '[data-testid=vehicle]');
    await clean(page, 'vehicles (ar)');
    await page.getByRole('link', { name: 'الوثائق والسجل' }).click();
    await page.getByText('سجل الصيانة').waitFor();
    await page.locator('[data-status=estimate_sent]').waitFor();
    await clean(page, 'vehicle (ar)');
    await go(page, 'invoices', '[data-state=empty]');
    await clean(page, 'invoices (ar)');
    await go(page, 'account', '[data-testid=export]');
    await clean(page, 'account (ar)');
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    await watched.assertClean();
    await watched.close();
  });

  it('account: a refused correction shows at its field, consent is recorded, a password change signs out everywhere', async () => {
    const customer: CustomerAccount = await createCustomer(stack, 'Leila Compte');
    const watched = await openPage(browser, stack, { viewport: 'phone' });
    const { page } = watched;
    const other = await openPage(browser, stack, { viewport: 'desktop' });
    await signInOnApp(other.page, stack, customer);
    await signInOnApp(page, stack, customer);
    await go(page, 'account', '[data-testid=rectify]');
    const rectify = page.getByTestId('rectify');
    await rectify.getByLabel('Téléphone').fill('12345');
    await rectify.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await rectify.getByText('phone must be +216 followed by 8 digits').waitFor();
    assert.equal(await rectify.getByLabel('Téléphone').getAttribute('aria-invalid'), 'true');
    await rectify.getByLabel('Téléphone').fill('+216 22 123 456');
    await rectify.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await page.getByText('Correction enregistrée.').waitFor();
    assert.equal((await stack.api(`/api/v1/customers/${customer.customerId}`)).body['phone'], '+21622123456');

    await page.getByRole('button', { name: 'Donner mon consentement' }).click();
    await page.getByRole('button', { name: 'Retirer mon consentement' }).waitFor();
    assert.match((await page.getByTestId('consent-state').textContent()) ?? '', /Consentement donné le/);
    const consent = (await stack.api(`/api/v1/customers/${customer.customerId}`)).body['consent'] as { givenAt: string | null; method: string };
    assert.ok(consent.givenAt);
    assert.equal(consent.method, 'electronic');

    await page.getByLabel('Mot de passe actuel').fill(customer.password);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('N0uveau!-Mot-de-passe');
    await page.getByLabel('Confirmer le nouveau mot de passe').fill('N0uveau!-Mot-de-passe');
    await page.getByRole('button', { name: 'Changer et déconnecter partout' }).click();
    await page.getByTestId('signed-out').waitFor();
    await clean(page, 'signed out');
    // The other device's session is revoked too: its next call ends on the sign-in form.
    await other.page.reload();
    await other.page.locator('form[data-step=credentials]').waitFor();
    await watched.assertClean();
    await other.assertClean();
    await watched.close();
    await other.close();
  });

  it('a forgotten password is reset from the e-mailed link', async () => {
    const customer = await createCustomer(stack, 'Nour Oubli');
    const watched = await openPage(browser, stack, { viewport: 'phone' });
    const { page } = watched;
    await page.goto(`${stack.url}/app/`);
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await page.locator('form[data-step=forgot]').getByLabel('E-mail').fill(customer.email);
    await clean(page, 'forgot password');
    await page.getByRole('button', { name: 'Envoyer le lien' }).click();
    await page.getByTestId('reset-sent').waitFor();
    const mail = await eventually('reset mail', async () => smtp.to(customer.email), (mails) => mails.length > 0);
    await page.goto(`${stack.url}/app/reset-password#token=${tokenInMail(mail[0]!)}`);
    const form = page.locator('form[data-step=reset]');
    await form.getByLabel('Nouveau mot de passe').fill('R3set!-Passw0rd-Nour');
    await form.getByLabel('Confirmer le mot de passe').fill('R3set!-Passw0rd-Nour');
    await clean(page, 'reset password');
    await form.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.getByTestId('password-reset').waitFor();
    await signInOnApp(page, stack, { email: customer.email, password: 'R3set!-Passw0rd-Nour' });
    await watched.assertClean();
    await watched.close();
  });
});
