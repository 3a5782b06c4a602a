// Regenerates docs/screenshots/<name>.<language>.png for each main screen, in French, Arabic and
// English, against the real stack seeded like a garage day (tests/support/web-fixtures.ts). Back-
// office screens are taken at every width: docs/screenshots/admin-<name>.<viewport>.<language>.png.
// Usage: npm run build -w web && node --import tsx scripts/screenshots.ts [name ...]
// Add a screen: one entry in SCREENS (who signs in, where to go, what shows when it is ready).
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addDays, dayKey, localDate } from '@ecar/primitives';
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
  /** One width (name.<language>.png), or all of them (name.<viewport>.<language>.png). */
  viewport: ViewportName | 'all';
  /** Resolves when the screen shows its content (not a loading state). */
  ready(page: Page): Promise<void>;
}

export const SCREENS: ScreenShot[] = [
  { name: 'sign-in', who: 'signed-out', path: '/app/', viewport: 'phone', ready: (page) => page.locator('form[data-step=credentials]').waitFor() },
  {
    name: 'admin-dashboard',
    who: 'admin',
    path: '/admin/',
    viewport: 'all',
    ready: async (page) => {
      await page.locator('[data-testid=last-drill] .mantine-Badge-root').waitFor();
      await page.locator('[data-testid=unpaid-invoices] [data-testid=balance]').waitFor();
      await page.locator('[data-testid=today-appointments] table, [data-testid=today-appointments] [data-state=empty]').first().waitFor();
      await settled(page);
    },
  },
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
  {
    // Issue 14: a job waiting for its parts (the first run moves an in-progress job there with the job card's button).
    name: 'technician-job-waiting',
    who: 'technician',
    path: '/app/jobs',
    viewport: 'tablet',
    ready: async (page) => {
      await page.locator('[data-testid=job]').first().waitFor();
      const waiting = page.locator('[data-testid=job]:has([data-status=waiting_for_parts]) a');
      if ((await waiting.count()) > 0) await waiting.first().click();
      else {
        await page.locator('[data-testid=job]:has([data-status=in_progress]) a').first().click();
        await page.locator('[data-move=waiting_for_parts]').click();
      }
      await page.locator('main [data-status=waiting_for_parts]').waitFor();
      await page.getByTestId('lines').waitFor();
    },
  },
  { name: 'customer-sign-up', who: 'signed-out', path: '/app/sign-up', viewport: 'phone', ready: (page) => page.locator('form[data-step=sign-up]').waitFor() },
  { name: 'customer-resend-verification', who: 'signed-out', path: '/app/resend-verification', viewport: 'phone', ready: (page) => page.locator('form[data-step=resend-verification]').waitFor() },
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
  // Reminders (issue 15): the customer's due dates on their vehicle (seeded by seedDueDates below).
  {
    name: 'customer-vehicle-dues',
    who: 'customer',
    path: '/app/vehicles',
    viewport: 'phone',
    ready: async (page) => {
      await page.locator('[data-testid=vehicle] a[href*="/vehicles/"]').first().click();
      await page.locator('[data-testid=customer-dues] [data-testid=due-item]').first().waitFor();
      await settled(page);
    },
  },
  {
    name: 'admin-reports',
    who: 'admin',
    path: '/admin/reports',
    viewport: 'all',
    ready: async (page) => {
      await page.locator('[data-testid=revenue-table]').waitFor();
      await page.locator('[data-testid=work-orders-table]').waitFor();
      await settled(page);
    },
  },
  // Issue 15: the maintenance book on the customer's vehicle, the public verification (from a book's QR link), who read my data.
  {
    name: 'customer-maintenance-book',
    who: 'customer',
    path: '/app/vehicles',
    viewport: 'phone',
    ready: async (page) => {
      await page.locator('[data-testid=vehicle] a').first().click();
      await page.getByTestId('maintenance-book').waitFor();
      await settled(page);
    },
  },
  {
    name: 'verify-book',
    who: 'signed-out',
    path: '/app/verify-book',
    viewport: 'all',
    ready: async (page) => {
      const vehicles = await stack.api('/api/v1/vehicles?limit=1');
      const vehicleId = String((vehicles.body['items'] as Array<{ id: string }>)[0]!.id);
      const issued = await stack.api(`/api/v1/vehicles/${vehicleId}/maintenance-books`, { method: 'POST', json: {} });
      await page.goto('about:blank');
      await page.goto(`${stack.url}/app/verify-book#book=${String((issued.body['book'] as { bookId: string }).bookId)}`);
      await page.getByTestId('book-verdict').waitFor();
    },
  },
  { name: 'customer-privacy', who: 'customer', path: '/app/privacy', viewport: 'phone', ready: (page) => page.locator('main table, main [data-state=empty]').first().waitFor() },
];

/** No loader left in the page, twice 300 ms apart (a detail's sections load after its title). */
async function settled(page: Page): Promise<void> {
  const noLoader = () => page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(selector: string): unknown } }).document.querySelector('main .mantine-Loader-root'));
  await noLoader();
  await page.waitForTimeout(300);
  await noLoader();
}

/**
 * The back office's screens at every width: each list, and each detail opened from its list. A
 * detail is ready when its own sections show (the "ready" markers: title, then what it loads).
 */
function adminScreens(): ScreenShot[] {
  const list = (name: string, path: string, marker: string): ScreenShot => ({ name: `admin-${name}`, who: 'admin', path: `/admin/${path}`, viewport: 'all', ready: async (page) => {
    await page.locator('main h1').waitFor();
    await page.locator(marker).first().waitFor();
    await settled(page);
  } });
  const detail = (name: string, path: string, link: string, markers: string[]): ScreenShot => ({ name: `admin-${name}`, who: 'admin', path: `/admin/${path}`, viewport: 'all', ready: async (page) => {
    await page.locator(link).first().click();
    await page.waitForURL(/\/[0-9a-f-]{36}$/);
    for (const marker of markers) await page.locator(marker).first().waitFor();
    await settled(page);
  } });
  const rows = 'main table tbody tr, main [data-state=empty]';
  return [
    list('planning', 'planning', '[data-testid=board], main [data-state=empty]'),
    list('planning-resources', 'planning/resources', '[data-testid=bays] li, [data-testid=bays] form'),
    list('customers', 'customers', '[data-testid=customer-link]'),
    detail('customer', 'customers', '[data-testid=customer-link]', ['[data-testid=customer-name]', '[data-testid=consent-state]', '[data-testid=vehicle-link], main [data-state=empty]']),
    {
      name: 'admin-vehicle',
      who: 'admin',
      path: '/admin/customers',
      viewport: 'all',
      ready: async (page) => {
        await page.locator('[data-testid=customer-link]').first().click();
        await page.locator('[data-testid=vehicle-link]').first().click();
        await page.waitForURL(/\/vehicles\/[0-9a-f-]{36}$/);
        for (const marker of ['[data-testid=vehicle-plate]', '[data-testid=document-file]', '[data-testid=history-entry], main [data-state=empty]']) await page.locator(marker).first().waitFor();
        await settled(page);
      },
    },
    list('appointments', 'appointments', '[data-testid=appointments-range]'),
    list('work-orders', 'work-orders', rows),
    detail('work-order', 'work-orders', 'main table a[href*="/work-orders/"]', ['[data-testid=complaint]', '[data-testid=totals], [data-testid=line-row], main [data-state=empty]']),
    list('invoices', 'invoices', '[data-testid=invoice-link]'),
    detail('invoice', 'invoices', '[data-testid=invoice-link]', ['[data-testid=invoice-title]', '[data-testid=invoice-totals]', '[data-testid=invoice-line]']),
    list('users', 'users', rows),
    list('audit', 'audit', rows),
    list('alerts', 'alerts', rows),
    list('backups', 'backups', rows),
    list('reminders', 'reminders', '[data-testid=due-soon-vehicle]'),
    list('plate-claims', 'plate-claims', rows),
    // Issue 15: the counter search box with results typed in (name prefix of the seeded customer).
    {
      name: 'admin-customer-search',
      who: 'admin',
      path: '/admin/customers',
      viewport: 'all',
      ready: async (page) => {
        await page.locator('input[name=counter-search]').fill('ben sa');
        await page.locator('[data-testid=counter-search-hit]').first().waitFor();
        await settled(page);
      },
    },
  ];
}

/** Reminders (issue 15): the seeded customer's vehicle gets a visite technique, an insurance, a vignette and a service by mileage. */
async function seedDueDates(stack: WebStack, customerId: string): Promise<void> {
  const today = localDate(new Date(), 'Africa/Tunis');
  const vehicles = await stack.api(`/api/v1/vehicles?customerId=${customerId}`);
  for (const vehicle of vehicles.body['items'] as Array<{ id: string; mileageKm: number }>) {
    const set = await stack.api(`/api/v1/vehicles/${vehicle.id}`, {
      method: 'PATCH',
      json: { technicalInspectionDue: dayKey(addDays(today, 1)), insuranceDue: dayKey(addDays(today, 12)), vignetteDue: dayKey(addDays(today, 40)), nextServiceMileageKm: vehicle.mileageKm + 300 },
    });
    if (set.status !== 200) throw new Error(`due dates not set: ${JSON.stringify(set.body)}`);
  }
}

const LANGUAGES = ['fr', 'ar', 'en'] as const;
const OUT = new URL('../docs/screenshots/', import.meta.url);

type Accounts = { customer: Account; technician: Account };

/** One sign-in per role for the whole run: each shot's context starts with its cookies. */
const sessions = new Map<Who, Awaited<ReturnType<BrowserContext['storageState']>>>();
async function sessionOf(browser: Browser, stack: WebStack, who: Who, accounts: Accounts) {
  let state = sessions.get(who);
  if (!state) {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: 'fr-TN', timezoneId: 'Africa/Tunis' });
    const page = await context.newPage();
    if (who === 'admin') await signInAsAdmin(page, stack);
    else if (who === 'customer') await signInOnApp(page, stack, accounts.customer);
    else if (who === 'technician') await signInOnApp(page, stack, accounts.technician);
    state = await context.storageState();
    await context.close();
    sessions.set(who, state);
  }
  return state;
}

async function shoot(browser: Browser, stack: WebStack, screen: ScreenShot, viewport: ViewportName, language: (typeof LANGUAGES)[number], accounts: Accounts): Promise<string> {
  const storageState = await sessionOf(browser, stack, screen.who, accounts);
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: 'fr-TN', timezoneId: 'Africa/Tunis', storageState });
  await context.addInitScript((lang) => (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem('ecar.language', lang), language);
  try {
    const page = await context.newPage();
    await page.goto(`${stack.url}${screen.path}`);
    await screen.ready(page);
    // Fonts (Noto Sans Arabic) and late images settle before the picture.
    await page.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
    const file = new URL(screen.viewport === 'all' ? `${screen.name}.${viewport}.${language}.png` : `${screen.name}.${language}.png`, OUT);
    await page.screenshot({ path: file.pathname, fullPage: true });
    return file.pathname;
  } finally {
    await context.close();
  }
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
const failed: string[] = [];
try {
  const day: GarageDay = await seedGarageDay(stack);
  await seedDueDates(stack, day.customer.customerId);
  const technician = await createTechnician(stack, 'Sami Ben Ali');
  await assignSeededJobs(stack, day.customer.customerId, technician.id);
  browser = await launchChromium();
  for (const screen of chosen) {
    const viewports: ViewportName[] = screen.viewport === 'all' ? ['phone', 'tablet', 'desktop'] : [screen.viewport];
    for (const viewport of viewports) {
      for (const language of LANGUAGES) {
        try {
          console.log(await shoot(browser, stack, screen, viewport, language, { customer: day.customer, technician }));
        } catch (error) {
          // One screen that never gets ready does not stop the others; the run still fails at the end.
          failed.push(`${screen.name} ${viewport} ${language}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
          console.error(failed.at(-1));
        }
      }
    }
  }
} finally {
  await browser?.close();
  await stack.stop();
  await ttn.stop();
}
if (failed.length > 0) {
  console.error(`${failed.length} screenshot(s) not taken:\n${failed.join('\n')}`);
  process.exitCode = 1;
}
