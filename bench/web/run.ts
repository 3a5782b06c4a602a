// bench/web: the web app's first load in Chromium against the real stack (gateway serving
// web/dist, every service in-process, seeded like a garage day).
// - JS on first load: every script the page fetched until it showed its content, raw and gzip.
// - LCP of the customer home (/app/) and of the admin dashboard (/admin/), cold cache, with
//   Lighthouse's mobile throttling through CDP: 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU 4×.
// - INP of opening a work order from the dashboard (the click on a board card).
// Usage: npm run build -w web && node --import tsx bench/web/run.ts [runs]
//   BENCH_WEB_TRACE=1 also prints, for each load, when each request started and ended, the paints
//   and the LCP element (ms from navigation): where the time before the largest paint goes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WEB_DIST_DIR } from '../../gateway/src/web.ts';
import { launchChromium, signInAsAdmin, signInOnApp } from '../../tests/support/browser.ts';
import { seedGarageDay } from '../../tests/support/web-fixtures.ts';
import { startWebStack, type WebStack } from '../../tests/support/web-stack.ts';

const runs = Number(process.argv[2] ?? 3);
const TRACE = process.env.BENCH_WEB_TRACE === '1';
const THROTTLE = { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8, offline: false };

interface Load {
  scripts: string[];
  lcpMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function sizes(scripts: string[]): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const path of new Set(scripts)) {
    const content = readFileSync(join(WEB_DIST_DIR, path));
    raw += content.length;
    gzip += gzipSync(content, { level: 9 }).length;
  }
  return { raw, gzip };
}

/** Loads `url` cold in a signed-in context under throttling; resolves once `ready` is visible. */
async function throttledLoad(context: BrowserContext, url: string, ready: (page: Page) => Promise<void>): Promise<Load> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', THROTTLE);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const scripts: string[] = [];
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (response.request().resourceType() === 'script' && path.startsWith('/assets/')) scripts.push(path);
  });
  await page.addInitScript(() => {
    const scope = globalThis as unknown as { __lcp: number; PerformanceObserver: new (callback: (list: { getEntries(): Array<{ startTime: number }> }) => void) => { observe(options: object): void } };
    scope.__lcp = 0;
    new scope.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        scope.__lcp = entry.startTime;
        const element = (entry as { element?: { tagName: string; textContent: string | null } | null }).element;
        (scope as unknown as { __lcpElement: string }).__lcpElement = element ? `${element.tagName} "${(element.textContent ?? '').slice(0, 40)}"` : '';
      }
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  });
  if (TRACE) {
    // When the DOM first holds a loader, the header and the h1 (a paint can come much later when the main thread is busy).
    await page.addInitScript(() => {
      const scope = globalThis as unknown as { __dom: string[]; document: { querySelector(selector: string): unknown }; performance: { now(): number }; MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void } };
      scope.__dom = [];
      const seen = new Set<string>();
      new scope.MutationObserver(() => {
        for (const selector of ['.mantine-Loader-root', 'header', 'main h1', 'main [data-testid]']) {
          if (!seen.has(selector) && scope.document.querySelector(selector)) {
            seen.add(selector);
            scope.__dom.push(`${String(Math.round(scope.performance.now())).padStart(5)}         DOM has ${selector}`);
          }
        }
      }).observe(scope.document, { childList: true, subtree: true });
    });
  }
  await page.goto(url);
  await ready(page);
  // LCP is final at the first input or when the page settles; give late paints a moment.
  await page.waitForTimeout(1500);
  const lcpMs = await page.evaluate(() => (globalThis as unknown as { __lcp: number }).__lcp);
  if (TRACE) {
    const element = await page.evaluate(() => (globalThis as unknown as { __lcpElement?: string }).__lcpElement ?? '');
    console.log(`\n${url} (LCP ${Math.round(lcpMs)} ms: ${element})\n${await timeline(page)}`);
  }
  await page.close();
  return { scripts, lcpMs };
}

/** The page's resource and paint entries, ms from navigation, one line each. */
async function timeline(page: Page): Promise<string> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as {
      performance: { getEntriesByType(type: string): Array<{ name: string; startTime: number; responseEnd?: number; element?: { tagName: string; textContent: string | null } | null }> };
      PerformanceObserver: unknown;
    };
    const lines: string[] = [];
    for (const entry of scope.performance.getEntriesByType('resource')) {
      lines.push(`${String(Math.round(entry.startTime)).padStart(5)}–${String(Math.round(entry.responseEnd ?? 0)).padStart(5)}  ${new URL(entry.name).pathname}${new URL(entry.name).search}`);
    }
    for (const entry of scope.performance.getEntriesByType('paint')) lines.push(`${String(Math.round(entry.startTime)).padStart(5)}         ${entry.name}`);
    const nav = scope.performance.getEntriesByType('navigation')[0] as unknown as { responseEnd: number; domInteractive: number } | undefined;
    if (nav) lines.push(`${String(Math.round(nav.responseEnd)).padStart(5)}         html in; dom interactive ${Math.round(nav.domInteractive)}`);
    lines.push(...((scope as unknown as { __dom?: string[] }).__dom ?? []));
    return lines.sort((a, b) => Number(a.slice(0, 5)) - Number(b.slice(0, 5))).join('\n');
  });
}

/** The longest interaction (Event Timing) of a click on the first card of the "open" column. */
async function openWorkOrderInp(context: BrowserContext, stack: WebStack): Promise<{ inpMs: number; landedOn: string }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript(() => {
    const scope = globalThis as unknown as { __inp: number; PerformanceObserver: new (callback: (list: { getEntries(): Array<{ duration: number; interactionId?: number }> }) => void) => { observe(options: object): void } };
    scope.__inp = 0;
    new scope.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.interactionId) scope.__inp = Math.max(scope.__inp, entry.duration);
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  });
  await page.goto(`${stack.url}/admin/`);
  const card = page.locator('[data-status=open] a[data-work-order]').first();
  await card.waitFor();
  await card.click();
  await page.waitForTimeout(1500);
  const inpMs = await page.evaluate(() => (globalThis as unknown as { __inp: number }).__inp);
  const landedOn = `${new URL(page.url()).pathname} → ${(await page.locator('main h1, main p').first().textContent()) ?? ''}`;
  await page.close();
  return { inpMs, landedOn };
}

const stack = await startWebStack('benchweb');
let browser: Browser | undefined;
try {
  const { customer } = await seedGarageDay(stack);
  browser = await launchChromium();
  const customerContext = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'fr-TN', timezoneId: 'Africa/Tunis' });
  await signInOnApp(await customerContext.newPage(), stack, customer);
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-TN', timezoneId: 'Africa/Tunis' });
  await signInAsAdmin(await adminContext.newPage(), stack);
  const signedOutContext = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'fr-TN' });

  const measure = async (label: string, context: BrowserContext, url: string, ready: (page: Page) => Promise<void>) => {
    const loads: Load[] = [];
    for (let run = 0; run < runs; run += 1) loads.push(await throttledLoad(context, url, ready));
    const js = sizes(loads[0]!.scripts);
    return { label, jsGzipKb: js.gzip / 1024, jsRawKb: js.raw / 1024, files: new Set(loads[0]!.scripts).size, lcpMs: median(loads.map((load) => load.lcpMs)), lcpRuns: loads.map((load) => Math.round(load.lcpMs)) };
  };
  const results = [
    await measure('public shell, signed out (sign-in)', signedOutContext, `${stack.url}/app/`, (page) => page.locator('form[data-step=credentials]').waitFor()),
    await measure('customer home (/app/)', customerContext, `${stack.url}/app/`, (page) => page.locator('main h1').waitFor()),
    await measure('admin dashboard (/admin/)', adminContext, `${stack.url}/admin/`, (page) => page.locator('[data-testid=last-drill] .mantine-Badge-root').waitFor()),
  ];
  const inp = await openWorkOrderInp(adminContext, stack);
  console.log(`\nbench/web — ${runs} cold loads each, Chromium ${browser.version()}, throttled (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU 4×)\n`);
  console.log('| page | JS on first load (gzip) | raw | files | LCP median | LCP runs (ms) |');
  console.log('|---|---|---|---|---|---|');
  for (const result of results) {
    console.log(`| ${result.label} | ${result.jsGzipKb.toFixed(1)} KB | ${result.jsRawKb.toFixed(1)} KB | ${result.files} | ${(result.lcpMs / 1000).toFixed(2)} s | ${result.lcpRuns.join(', ')} |`);
  }
  console.log(`\nINP, click on a work-order card of the dashboard (CPU 4×): ${inp.inpMs.toFixed(0)} ms; landed on ${inp.landedOn}`);
} finally {
  await browser?.close();
  await stack.stop();
}
