import type * as SentrySdk from '@sentry/node';
import { assertAllowedDestination } from './allowlist.ts';
import { scrubEvent } from './scrub.ts';

// The SDK is imported only when a DSN is configured: loaded for nothing it costs ~15 MB of RSS
// in every process (docs/performance/memory.md).
type SentryModule = typeof SentrySdk;

export interface ErrorTrackingOptions {
  service: string;
  /** Unset = error tracking off. */
  dsn: string | undefined;
  /** OUTBOUND_ALLOWLIST: the DSN's host must be on it (RES-3). */
  allowlist: readonly string[];
  environment: string;
}

/** What a service calls with an unexpected error; `context` must carry no personal data. */
export interface ErrorTracker {
  capture(error: unknown, context?: { method?: string; route?: string }): void;
  flush(timeoutMs?: number): Promise<boolean>;
}

/**
 * Starts Sentry only when a DSN is configured, and refuses (throws at start) a DSN whose host is
 * not allow-listed. No default integrations: nothing is captured implicitly (request bodies,
 * breadcrumbs of console output), only errors handed to `capture`, scrubbed in `beforeSend`.
 */
export function startErrorTracking(options: ErrorTrackingOptions): ErrorTracker | undefined {
  if (!options.dsn) return undefined;
  assertAllowedDestination('SENTRY_DSN', options.dsn, options.allowlist);
  const dsn = options.dsn;
  const sentry: Promise<SentryModule> = import('@sentry/node').then((Sentry) => {
    init(Sentry, { ...options, dsn });
    return Sentry;
  });
  // Errors captured while the SDK loads are sent once it is initialised (the calls chain on it).
  // The SDK is a dependency of the image: should it ever fail to load, error tracking is off
  // and the service's own log still has every error; never an unhandled rejection.
  sentry.catch(() => undefined);
  return {
    capture(error, context = {}) {
      void sentry.then(
        (Sentry) =>
          Sentry.withScope((scope) => {
            if (context.method) scope.setTag('http.method', context.method);
            if (context.route) scope.setTag('http.route', context.route);
            Sentry.captureException(error);
          }),
        () => undefined,
      );
    },
    flush: (timeoutMs = 2_000) => sentry.then((Sentry) => Sentry.flush(timeoutMs), () => false),
  };
}

function init(Sentry: SentryModule, options: ErrorTrackingOptions & { dsn: string }): void {
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    defaultIntegrations: false,
    enableOpenTelemetrySetup: false,
    enableRuntimeChannelInjection: false,
    includeServerName: false,
    dataCollection: { userInfo: false, cookies: false, httpHeaders: false, httpBodies: [], urlQueryParams: false, stackFrameVariables: false, databaseQueryData: false },
    initialScope: { tags: { service: options.service } },
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: () => null,
  });
}
