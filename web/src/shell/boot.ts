import { withQuery } from './api/url.ts';
import { lazyTranslationFiles, storedLanguage } from './i18n/files.ts';
import type { Namespace } from './i18n/namespaces.ts';
import { SHELL_BASE, type EarlyQuery, type Screen, type ShellArea } from './screens.ts';

/**
 * The first code a shell runs. It lives in its own small chunk (vite.config.ts, `boot` group),
 * imported statically by each shell's main.tsx through its boot.ts while the shell itself is a
 * dynamic import, so it runs as soon as these few kilobytes are in, long before React, Mantine
 * and the rest have downloaded and evaluated: the session check starts here, and once it says the
 * landing screen may open, the screen's module (with the whole stylesheet if it needs it), its
 * translations and its first GETs. createShell.tsx then picks up what was started (docs/web.md).
 */

/** Mantine's whole stylesheet, fetched once; screens render only after it applied (unless styles: 'shell'). */
let fullStyles: Promise<unknown> | undefined;
export function loadFullStyles(): Promise<unknown> {
  fullStyles ??= import('./mantineStyles.ts');
  return fullStyles;
}

export function withFullStyles<T>(load: () => Promise<T>): () => Promise<T> {
  return () => Promise.all([loadFullStyles(), load()]).then(([, module]) => module);
}

type ScreenModule = Awaited<ReturnType<Screen['load']>>;
const screenLoads = new WeakMap<Screen, Promise<ScreenModule>>();

/** A screen's module (and the stylesheet it needs), requested once; a failed load may be retried. */
export function loadScreen(screen: Screen): Promise<ScreenModule> {
  let pending = screenLoads.get(screen);
  if (!pending) {
    pending = (screen.styles === 'shell' ? screen.load : withFullStyles(screen.load))();
    screenLoads.set(screen, pending);
    pending.catch(() => screenLoads.delete(screen));
  }
  return pending;
}

/** The screen the address points at, if any: `customers/:id` matches `/customers/<anything>`. */
export function landingScreen(area: ShellArea, screens: readonly Screen[]): Screen | undefined {
  const base = SHELL_BASE[area];
  const path = window.location.pathname.startsWith(base) ? window.location.pathname.slice(base.length) : '';
  const segments = path.split('/').filter(Boolean);
  return screens.find((screen) => {
    const pattern = screen.path.split('/').filter(Boolean);
    return pattern.length === segments.length && pattern.every((part, index) => part.startsWith(':') || part === segments[index]);
  });
}

const ACCEPT = { accept: 'application/json, application/problem+json' };
function earlyGet(path: string): Promise<Response | undefined> {
  return fetch(path, { headers: ACCEPT, credentials: 'same-origin' }).catch(() => undefined);
}

let session: Promise<Response | undefined> | undefined;
let earlyQueries: Array<{ query: EarlyQuery; answer: Promise<Response | undefined> }> = [];
/**
 * True once the session check says the landing screen may open: a public screen, or someone
 * signed in whose role may see it. Only then are its module, translations and first GETs
 * requested (a signed-out visitor downloads the sign-in page only, no burst of 401s, nor of 403s
 * for a technician sent on to /app/).
 */
let landingOpen: Promise<boolean> = Promise.resolve(false);

/** The answer of the `GET /api/v1/auth/me` started at boot, once (later checks go through the API client). */
export function takeEarlySession(): Promise<Response | undefined> | undefined {
  const taken = session;
  session = undefined;
  return taken;
}

/** Whether the landing screen may open for whoever is signed in (see `landingOpen`). */
export function landingMayOpen(): Promise<boolean> {
  return landingOpen;
}

/**
 * The landing screen's first GETs started at boot, once: `sent` resolves false when none was sent
 * (nobody signed in, or a role that may not open the screen); each `data` is the JSON of a
 * successful answer, else undefined.
 */
export function takeEarlyQueries(): { sent: Promise<boolean>; queries: Array<EarlyQuery & { data: Promise<unknown> }> } {
  const taken = earlyQueries;
  earlyQueries = [];
  const queries = taken.map(({ query, answer }) => ({ ...query, data: answer.then((response) => (response?.ok ? response.json() : undefined)).catch(() => undefined) }));
  return { sent: taken.length > 0 ? landingOpen : Promise.resolve(false), queries };
}

function loadTranslations(namespaces: readonly Namespace[]): void {
  const language = storedLanguage();
  for (const namespace of namespaces) lazyTranslationFiles[`./locales/${language}/${namespace}.json`]?.().catch(() => undefined);
}

export interface BootOptions {
  /** Namespaces of what shows under the sign-in form (signInExtras), loaded when nobody is signed in. */
  signInNamespaces?: readonly Namespace[];
}

export function bootShell(area: ShellArea, screens: readonly Screen[], options: BootOptions = {}): void {
  const me = earlyGet('/api/v1/auth/me');
  session = me;
  const { signInNamespaces } = options;
  if (signInNamespaces) void me.then((response) => response?.status === 401 && loadTranslations(signInNamespaces));
  const landing = landingScreen(area, screens);
  if (!landing) {
    void loadFullStyles();
    return;
  }
  const roles = landing.roles;
  landingOpen =
    roles === 'public'
      ? Promise.resolve(true)
      : me
          .then(async (response) => {
            if (!response?.ok) return false;
            const signedIn = (await response.clone().json()) as { role?: unknown };
            return roles.some((role) => role === signedIn.role);
          })
          .catch(() => false);
  void landingOpen.then((open) => {
    if (!open) return;
    // A failed preload is retried (and shown) when the screen renders.
    loadScreen(landing).catch(() => undefined);
    loadTranslations(landing.namespaces ?? []);
  });
  if (roles !== 'public' && landing.early) {
    const queries: readonly EarlyQuery[] = landing.early();
    earlyQueries = queries.map((query) => ({ query, answer: landingOpen.then((open) => (open ? earlyGet(withQuery(query.path, query.query)) : undefined)) }));
  }
}
