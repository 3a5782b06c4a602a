import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { nextCode } from './mfa.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, adminAuthenticator, startWebStack, type WebStack } from './web-stack.ts';

/** What the init script and the overflow check use of the page's globals. */
interface BrowserGlobals {
  document: {
    addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string; sample: string }) => void): void;
    documentElement: { clientWidth: number; scrollWidth: number };
    querySelectorAll(selector: string): Iterable<PageElement>;
  };
  localStorage: { setItem(key: string, value: string): void };
  getComputedStyle(element: PageElement): { position: string };
  __ecarReportCsp(text: string): void;
}

interface PageElement {
  tagName: string;
  classList: Iterable<string>;
  getBoundingClientRect(): { width: number; left: number; right: number };
  closest(selector: string): unknown;
}

/** The flags every browser test uses (system Chromium, no network of its own). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Phone, tablet and desktop widths the screens are designed for. */
export const VIEWPORTS = { phone: { width: 360, height: 740 }, tablet: { width: 768, height: 1024 }, desktop: { width: 1280, height: 800 } } as const;
export type ViewportName = keyof typeof VIEWPORTS;

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Content-Security-Policy violations the page reported (securitypolicyviolation events). */
  cspViolations: string[];
  /** console.error messages and uncaught page errors (a missing translation is one of them). */
  consoleErrors: string[];
  /** Every origin the page requested something from. */
  origins: Set<string>;
  /** Fails the test if the page broke the CSP, logged an error or loaded from another origin. */
  assertClean(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fresh context (no cookies) and page that records CSP violations, console errors and the
 * origins it talks to. `language` presets the UI language (fr, ar, en) as a returning user's
 * choice would.
 */
export async function openPage(browser: Browser, stack: WebStack, options: { viewport?: ViewportName; language?: 'fr' | 'ar' | 'en' } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: VIEWPORTS[options.viewport ?? 'desktop'], locale: 'fr-TN', timezoneId: 'Africa/Tunis' });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const consoleErrors: string[] = [];
  const origins = new Set<string>();
  await page.exposeFunction('__ecarReportCsp', (text: string) => cspViolations.push(text));
  // Runs in the page before its own scripts (the project type-checks tests without the DOM lib).
  await page.addInitScript((language) => {
    const page = globalThis as unknown as BrowserGlobals;
    page.document.addEventListener('securitypolicyviolation', (event) => page.__ecarReportCsp(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
    if (language) page.localStorage.setItem('ecar.language', language);
  }, options.language ?? null);
  page.on('console', (message) => {
    // Chromium logs every 4xx answer itself ("Failed to load resource"): a signed-out page's
    // session check (401), a refused hidden route (403), a form's field errors (400). Tests
    // assert those answers where they matter; 5xx and everything the app logs still count.
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'http:' || url.protocol === 'https:') origins.add(url.origin);
  });
  return {
    page,
    context,
    cspViolations,
    consoleErrors,
    origins,
    async assertClean() {
      assert.deepEqual(cspViolations, [], 'no CSP violation');
      assert.deepEqual(consoleErrors, [], 'no console error');
      assert.deepEqual([...origins], [stack.url], 'nothing loaded from another origin (RES-3)');
    },
    close: () => context.close(),
  };
}

/** Fills and submits the password step on whichever shell the page shows. */
export async function submitCredentials(page: Page, email: string, password: string): Promise<void> {
  const form = page.locator('form[data-step=credentials]');
  await form.locator('input[name=email]').fill(email);
  await form.locator('input[name=password]').fill(password);
  await form.locator('button[type=submit]').click();
}

/** Signs the stack's super-admin in on /admin/ with password and TOTP; resolves on the dashboard. */
export async function signInAsAdmin(page: Page, stack: WebStack): Promise<void> {
  await page.goto(`${stack.url}/admin/`);
  await submitCredentials(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const authenticator = adminAuthenticator(stack.url);
  assert.ok(authenticator?.secret, 'the stack admin is enrolled');
  const mfa = page.locator('form[data-step=mfa]');
  await mfa.locator('input[name=code]').fill(await nextCode(authenticator));
  await mfa.locator('button[type=submit]').click();
  await signedInLayout(page);
}

/** Signs a technician or customer in on /app/; resolves once the signed-in layout shows. */
export async function signInOnApp(page: Page, stack: WebStack, account: { email: string; password: string }): Promise<void> {
  await page.goto(`${stack.url}/app/`);
  await submitCredentials(page, account.email, account.password);
  await signedInLayout(page);
}

/**
 * Waits for the signed-in layout; when it does not come, the error says what the page shows
 * instead (an alert, the form still there) rather than only "timeout".
 */
async function signedInLayout(page: Page): Promise<void> {
  try {
    await page.waitForSelector('[data-testid=who]');
  } catch (error) {
    const shown = await page
      .locator('[role=alert], form[data-step]')
      .allTextContents()
      .then((texts) => texts.map((text) => text.trim().slice(0, 200)).join(' | ') || 'no form and no alert')
      .catch(() => 'the page could not be read');
    throw new Error(`not signed in at ${page.url()}; the page shows: ${shown}`, { cause: error });
  }
}

/** axe-core over the current page: no serious or critical violation (WCAG 2.1 A/AA rules). */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  assert.deepEqual(
    serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => `${node.target.join(' ')} ${node.html.slice(0, 160)} ${node.failureSummary ?? ''}`).join(' | ')})`),
    [],
    `accessibility of ${label}`,
  );
}

/** The page never scrolls sideways: nothing is wider than the viewport. */
export async function assertNoHorizontalOverflow(page: Page, label: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as BrowserGlobals;
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && (box.right > width + 1 || box.left < -1) && !element.closest('.mantine-ScrollArea-root, [data-scroll-x]') && getComputedStyle(element).position !== 'fixed';
      })
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`);
    return { scrollWidth: document.documentElement.scrollWidth, width, wide };
  });
  assert.ok(overflow.scrollWidth <= overflow.width, `${label}: page is ${overflow.scrollWidth}px wide in a ${overflow.width}px viewport (${overflow.wide.join(', ')})`);
}

export async function setViewport(page: Page, name: ViewportName): Promise<void> {
  await page.setViewportSize(VIEWPORTS[name]);
}

/** One stack and one Chromium shared by the tests of a file (browserSuite). */
export interface BrowserSuite {
  readonly stack: WebStack;
  readonly browser: Browser;
}

/**
 * The frame of a browser test file: starts a web stack (labelled `label`) and Chromium before its
 * tests, runs `seed` once the stack is up, and stops them after. Call it once, at the top of the
 * file; its tests read `suite.stack` and `suite.browser`.
 */
export function browserSuite(label: string, seed?: (stack: WebStack) => Promise<void>): BrowserSuite {
  let stack: WebStack | undefined;
  let browser: Browser | undefined;
  before(async () => {
    stack = await startWebStack(label);
    if (SCREENSHOTS_DIR) await mkdir(SCREENSHOTS_DIR, { recursive: true });
    await seed?.(stack);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });
  return {
    get stack() {
      assert.ok(stack, 'the stack is started before the tests');
      return stack;
    },
    get browser() {
      assert.ok(browser, 'Chromium is started before the tests');
      return browser;
    },
  };
}

/**
 * A fresh page (openPage) with the stack's super-admin signed in on /admin/, then on `screen`
 * (a back-office path such as `vehicles/<id>`) once it has loaded, if given.
 */
export async function adminPage(suite: BrowserSuite, options: Parameters<typeof openPage>[2] & { screen?: string } = {}): Promise<WatchedPage> {
  const { screen, ...pageOptions } = options;
  const watched = await openPage(suite.browser, suite.stack, pageOptions);
  await signInAsAdmin(watched.page, suite.stack);
  if (screen !== undefined) await openAdminScreen(watched.page, suite.stack, screen);
  return watched;
}

/** Opens a back-office screen and waits until it has loaded: its h1 shown, no loader left in it. */
export async function openAdminScreen(page: Page, stack: WebStack, path: string): Promise<void> {
  await page.goto(`${stack.url}/admin/${path}`);
  await page.waitForSelector('main h1');
  await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(selector: string): unknown } }).document.querySelector('main .mantine-Loader-root'));
  await page.mouse.move(0, 0);
}

/** Where `screenshot` writes (the screenshot script sets it); nothing is written without it. */
const SCREENSHOTS_DIR = process.env['ECAR_SCREENSHOTS_DIR'];

/** A full-page screenshot `<name>.png` into ECAR_SCREENSHOTS_DIR, when it is set. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS_DIR) await page.screenshot({ path: `${SCREENSHOTS_DIR}/${name}.png`, fullPage: true });
}
