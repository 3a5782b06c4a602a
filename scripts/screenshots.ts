// Regenerates docs/screenshots/<name>.<language>.png for each main screen, in French and Arabic,
// against the real stack seeded like a garage day (tests/support/web-fixtures.ts).
// Usage: npm run build -w web && node --import tsx scripts/screenshots.ts [name ...]
// Add a screen: one entry in SCREENS (who signs in, where to go, what shows when it is ready).
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { FakeTtnServer } from '../tests/support/fake-ttn.ts';
import { createTestSigningCa } from '../tests/support/teif-test-ca.ts';
import { VIEWPORTS, launchChromium, signInAsAdmin, signInOnApp, type ViewportName } from '../tests/support/browser.ts';
import { assignSeededJobs } from '../tests/support/self-fixtures.ts';
import { seedGarageDay, type GarageDay } from '../tests/support/web-fixtures.ts';
import { createTechnician, startWebStack, type Account, type WebStack } from '../tests/support/web-stack.ts';

type Who = 'signed-out' | 'admin' | 'technician' | 'customer';

interface ScreenShot {
  name: string;
  who: Who;
  /** Path on the gateway, e.g. /admin/ or /app/invoices. */
  path: string;
  viewport: ViewportName;
  /** Resolves when the screen shows its content (not a loading state). */
  ready(page: Page): Promise<void>;
}

export const SCREENS: ScreenShot[] = [
  { name: 'sign-in', who: 'signed-out', path: '/app/', viewport: 'phone', ready: (page) => page.locator('form[data-step=credentials]').waitFor() },
  {
    name: 'admin-dashboard',
    who: 'admin',
    path: '/admin/',
    viewport: 'desktop',
    ready: async (page) => {
      await page.locator('[data-testid=last-drill] .mantine-Badge-root').waitFor();
      await page.locator('[data-testid=unpaid-invoices] [data-testid=balance]').waitFor();
    },
  },
  { name: 'admin-dashboard-phone', who: 'admin', path: '/admin/', viewport: 'phone', ready: (page) => page.locator('[data-testid=last-drill] .mantine-Badge-root').waitFor() },
  ...adminScreens(),
  {
    name: 'admin-invoice-teif',
    who: 'admin',
    path: '/admin/invoices',
    viewport: 'desktop',
    ready: async (page) => {
      await page.locator('[data-testid=invoice-link]').first().click();
      await page.locator('[data-testid=teif-invoice][data-teif=accepted] [data-testid=teif-reference]').waitFor({ timeout: 30_000 });
    },
  },
  { name: 'customer-home', who: 'customer', path: '/app/', viewport: 'phone', ready: (page) => page.locator('main h1').waitFor() },
  { name: 'technician-home', who: 'technician', path: '/app/', viewport: 'tablet', ready: (page) => page.locator('main h1').waitFor() },
  { name: 'technician-jobs', who: 'technician', path: '/app/jobs', viewport: 'tablet', ready: (page) => page.locator('[data-testid=job]').first().waitFor() },
  {
    name: 'technician-job-card',
    who: 'technician',
    path: '/app/jobs',
    viewport: 'tablet',
    ready: async (page) => {
      await page.locator('[data-testid=job]:has([data-status=in_progress]) a').click();
      await page.getByTestId('lines').waitFor();
    },
  },
  { name: 'customer-sign-up', who: 'signed-out', path: '/app/sign-up', viewport: 'phone', ready: (page) => page.locator('form[data-step=sign-up]').waitFor() },
  { name: 'customer-repairs', who: 'customer', path: '/app/repairs', viewport: 'phone', ready: (page) => page.locator('[data-testid=repair]').first().waitFor() },
  {
    name: 'customer-estimate-approval',
    who: 'customer',
    path: '/app/repairs',
    viewport: 'phone',
    ready: async (page) => {
      await page.locator('[data-testid=repair][data-status=estimate_sent] a').click();
      await page.getByTestId('estimate-decision').waitFor();
    },
  },
  { name: 'customer-appointments', who: 'customer', path: '/app/appointments', viewport: 'phone', ready: (page) => page.locator('[data-testid=appointment]').first().waitFor() },
  { name: 'customer-vehicles', who: 'customer', path: '/app/vehicles', viewport: 'phone', ready: (page) => page.locator('[data-testid=vehicle]').first().waitFor() },
  { name: 'customer-invoices', who: 'customer', path: '/app/invoices', viewport: 'phone', ready: (page) => page.locator('main table, main [data-state=empty]').first().waitFor() },
  { name: 'customer-account', who: 'customer', path: '/app/account', viewport: 'phone', ready: (page) => page.locator('[data-testid=export]').waitFor() },
];

/** The back office's screens (web-admin): each list, and a detail opened from its list. */
function adminScreens(): ScreenShot[] {
  const loaded = (page: Page) => page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(selector: string): unknown } }).document.querySelector('main .mantine-Loader-root'));
  const list = (name: string, path: string): ScreenShot => ({ name: `admin-${name}`, who: 'admin', path: `/admin/${path}`, viewport: 'desktop', ready: async (page) => {
    await page.locator('main h1').waitFor();
    await loaded(page);
  } });
  const detail = (name: string, path: string, link: string): ScreenShot => ({ name: `admin-${name}`, who: 'admin', path: `/admin/${path}`, viewport: 'desktop', ready: async (page) => {
    await page.locator(link).first().click();
    await page.waitForURL(/\/[0-9a-f-]{36}$/);
    await page.locator('main h1').waitFor();
    await loaded(page);
  } });
  return [
    list('customers', 'customers'),
    detail('customer', 'customers', '[data-testid=customer-link]'),
    detail('work-order', 'work-orders', 'main table a[href*="/work-orders/"]'),
    list('appointments', 'appointments'),
    list('work-orders', 'work-orders'),
    list('invoices', 'invoices'),
    detail('invoice', 'invoices', '[data-testid=invoice-link]'),
    list('users', 'users'),
    list('audit', 'audit'),
    list('alerts', 'alerts'),
    list('backups', 'backups'),
  ];
}

const LANGUAGES = ['fr', 'ar'] as const;
const OUT = new URL('../docs/screenshots/', import.meta.url);

async function signIn(page: Page, stack: WebStack, who: Who, accounts: { customer: Account; technician: Account }): Promise<void> {
  if (who === 'admin') await signInAsAdmin(page, stack);
  else if (who === 'customer') await signInOnApp(page, stack, accounts.customer);
  else if (who === 'technician') await signInOnApp(page, stack, accounts.technician);
}

async function shoot(browser: Browser, stack: WebStack, screen: ScreenShot, language: (typeof LANGUAGES)[number], accounts: { customer: Account; technician: Account }): Promise<string> {
  const context = await browser.newContext({ viewport: VIEWPORTS[screen.viewport], locale: 'fr-TN', timezoneId: 'Africa/Tunis' });
  await context.addInitScript((lang) => (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem('ecar.language', lang), language);
  const page = await context.newPage();
  await signIn(page, stack, screen.who, accounts);
  await page.goto(`${stack.url}${screen.path}`);
  await screen.ready(page);
  // Fonts (Noto Sans Arabic) and late images settle before the picture.
  await page.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
  const file = new URL(`${screen.name}.${language}.png`, OUT);
  await page.screenshot({ path: file.pathname, fullPage: true });
  await context.close();
  return file.pathname;
}

const only = process.argv.slice(2);
const chosen = SCREENS.filter((screen) => only.length === 0 || only.includes(screen.name));
mkdirSync(OUT, { recursive: true });
// Issued invoices go to a FAKE TTN (tests/support/fake-ttn.ts), signed with a test CA, so that their TEIF status shows TTN's answer.
const TTN_CREDENTIALS = { login: 'garage-demo', password: 'ttn-demo-webservice-pass' };
const signingCa = createTestSigningCa();
const ttn = new FakeTtnServer(signingCa.caPem, TTN_CREDENTIALS);
await ttn.start();
const stack = await startWebStack('shots', {
  billing: {
    SELLER_NAME: 'Garage El Amen SARL',
    SELLER_ADDRESS: '14 rue de Marseille, 1000 Tunis',
    SELLER_TAX_ID: '1234567/A/B/M/000',
    SELLER_TRADE_REGISTER: 'B01234562020',
    ...signingCa.env,
    TTN_URL: ttn.url,
    OUTBOUND_ALLOWLIST: ttn.hostPort,
    TTN_LOGIN: TTN_CREDENTIALS.login,
    TTN_PASSWORD: TTN_CREDENTIALS.password,
    TTN_POLL_INTERVAL_MS: '200',
  },
});
let browser: Browser | undefined;
try {
  const day: GarageDay = await seedGarageDay(stack);
  const technician = await createTechnician(stack, 'Sami Ben Ali');
  await assignSeededJobs(stack, day.customer.customerId, technician.id);
  browser = await launchChromium();
  for (const screen of chosen) {
    for (const language of LANGUAGES) console.log(await shoot(browser, stack, screen, language, { customer: day.customer, technician }));
  }
} finally {
  await browser?.close();
  await stack.stop();
  await ttn.stop();
}
