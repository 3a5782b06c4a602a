import * as Sentry from '@sentry/node';
import { assertAllowedDestination } from './allowlist.ts';
import { scrubEvent } from './scrub.ts';

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
  return {
    capture(error, context = {}) {
      Sentry.withScope((scope) => {
        if (context.method) scope.setTag('http.method', context.method);
        if (context.route) scope.setTag('http.route', context.route);
        Sentry.captureException(error);
      });
    },
    flush: (timeoutMs = 2_000) => Sentry.flush(timeoutMs),
  };
}
