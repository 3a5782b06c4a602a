import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalOverflow, launchChromium, openPage } from '../support/browser.ts';
import { FakeSmtpServer, tokenInMail } from '../support/fake-smtp.ts';
import { eventually } from '../support/self-fixtures.ts';
import { startWebStack, type WebStack } from '../support/web-stack.ts';

let stack: WebStack;
let smtp: FakeSmtpServer;
let browser: Browser;

async function clean(page: Page, label: string): Promise<void> {
  await page.mouse.move(0, 0);
  await assertAccessible(page, label);
  await assertNoHorizontalOverflow(page, label);
}

/** Issue 12 finding 6: the sign-in page offers to send the confirmation e-mail again. */
describe('re-sending the confirmation e-mail from the sign-in page (Chromium)', () => {
  before(async () => {
    smtp = new FakeSmtpServer();
    await smtp.start();
    stack = await startWebStack('webresend', { auth: { SMTP_URL: smtp.url } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await smtp?.stop();
  });

  it('a customer whose first e-mail got lost asks for it again and confirms the account', async () => {
    const email = `perdu.${Date.now()}@client.test`;
    const signUp = await fetch(`${stack.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, displayName: 'Karim Perdu', password: 'Lien-Perdu-Medenine-35!' }),
    });
    assert.equal(signUp.status, 202);
    await eventually('first verification mail', async () => smtp.to(email), (mails) => mails.length > 0);
    const watched = await openPage(browser, stack, { viewport: 'phone' });
    const { page } = watched;
    await page.goto(`${stack.url}/app/`);
    await page.getByRole('link', { name: "Renvoyer l'e-mail de confirmation" }).click();
    const form = page.locator('form[data-step=resend-verification]');
    await form.getByLabel('E-mail').fill(email);
    await clean(page, 'resend verification');
    await form.getByRole('button', { name: 'Renvoyer le lien' }).click();
    await page.getByTestId('verification-resent').waitFor();
    const mails = await eventually('re-sent verification mail', async () => smtp.to(email), (found) => found.length > 1);
    await page.goto(`${stack.url}/app/verify-email#token=${tokenInMail(mails[1]!)}`);
    await page.getByTestId('email-verified').waitFor();
    await watched.assertClean();
    await watched.close();
  });
});
