import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authService } from '../../services/auth/src/service.ts';
import { backupService } from '../../services/backup/src/service.ts';
import { billingService } from '../../services/billing/src/service.ts';
import { garageService } from '../../services/garage/src/service.ts';
import { notifyService } from '../../services/notify/src/service.ts';

const FOREIGN_DSN = 'https://public@o123.ingest.sentry.io/42';

/**
 * Every service deployable gets error monitoring from the shared runtime (AUD-3), and each refuses
 * at start a Sentry host that is not on its outbound allow-list (RES-3). What is sent, scrubbed of
 * personal data, is proven in tests/e2e/audit-sentry.test.ts with a fake Sentry.
 */
describe('error monitoring is wired into every service and allow-listed (AUD-3, RES-3)', () => {
  const starters: Array<[string, (env: NodeJS.ProcessEnv) => Promise<unknown>]> = [
    ['auth', (env) => authService.start(env)],
    ['billing', (env) => billingService.start(env)],
    ['garage', (env) => garageService.start(env)],
    ['backup', (env) => backupService.start(env)],
    ['notify', (env) => notifyService.start(env)],
  ];
  for (const [name, start] of starters) {
    it(`${name} refuses a Sentry DSN whose host is not allow-listed`, async () => {
      await assert.rejects(
        start({ NODE_ENV: 'test', LOG_LEVEL: 'error', SENTRY_DSN: FOREIGN_DSN, OUTBOUND_ALLOWLIST: 'sentry.ecar.tn' }),
        /SENTRY_DSN: host o123\.ingest\.sentry\.io is not on OUTBOUND_ALLOWLIST/,
      );
    });
  }
});
