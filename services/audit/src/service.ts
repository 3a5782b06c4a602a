import type { InboxConsumer } from '@ecar/bus';
import type { Logger } from '@ecar/logger';
import { startErrorTracking } from '@ecar/observability';
import { remoteVerifier, startService, type RunningService } from '@ecar/runtime';
import { auditRoutes } from './api/routes.ts';
import { loadAuditConfig } from './config.ts';
import { forgetSignalsBefore } from './data/anomaly-store.ts';
import { AUDIT_RUNTIME_PRIVILEGES, auditMigrations } from './data/migrations.ts';
import { chainHasher } from './domain/chain.ts';
import { alertCounter } from './domain/alerts.ts';
import { AnomalyDetector } from './domain/anomaly/detector.ts';
import { parseWorkingHours } from './domain/anomaly/working-hours.ts';
import { purgeExpired, type PurgeResult } from './domain/retention.ts';
import type { VerificationResult } from './domain/verify.ts';
import { chainVerificationTask } from './jobs/chain-verification.ts';
import { PeriodicJob } from './jobs/periodic-job.ts';
import { alertNotificationConsumer } from './messaging/alert-notifications.ts';
import { auditConsumer } from './messaging/audit-consumer.ts';
import { AlertNotifier } from './notify/notifier.ts';

export interface AuditService extends RunningService {
  /** Verify the whole chain now (the scheduled check, on demand). */
  verifyNow(): Promise<VerificationResult>;
  /** Run the retention purge now; `now` is the clock it measures the retention from. */
  purgeNow(now?: Date): Promise<PurgeResult>;
}

export async function startAuditService(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<AuditService> {
  const loaded = loadAuditConfig(env);
  const config = loaded.values;
  // Both refuse, before anything starts, a destination whose host is not allow-listed (RES-3).
  const tracker = startErrorTracking({ service: 'audit', dsn: config.SENTRY_DSN, allowlist: config.OUTBOUND_ALLOWLIST, environment: loaded.mode });
  const notifier = AlertNotifier.fromSettings({
    smtpUrl: config.ALERT_SMTP_URL,
    mailFrom: config.ALERT_MAIL_FROM,
    mailTo: config.ALERT_MAIL_TO,
    webhookUrl: config.ALERT_WEBHOOK_URL,
    allowlist: config.OUTBOUND_ALLOWLIST,
  });
  const jobs: PeriodicJob[] = [];
  // Rule state older than every window (and than a day, for late events) is of no more use.
  const signalHorizonMs = Math.max(86_400_000, 2 * 1000 * Math.max(config.ANOMALY_LOGIN_WINDOW_SECONDS, config.ANOMALY_CUSTOMER_READS_WINDOW_SECONDS));
  let verify: (() => Promise<VerificationResult>) | undefined;
  const hash = chainHasher(config.AUDIT_CHAIN_KEY, BigInt(config.AUDIT_CHAIN_PLAIN_THROUGH_SEQ));
  const running = await startService({
    service: 'audit',
    config,
    mode: loaded.mode,
    warnings: loaded.warnings,
    migrations: auditMigrations,
    databasePrivileges: AUDIT_RUNTIME_PRIVILEGES,
    ...(logger ? { logger } : {}),
    ...(tracker ? { report: (error, req) => tracker.capture(error, { method: req.method, route: req.route ? String(req.route.path) : 'unmatched' }) } : {}),
    setup(app, context) {
      app.use(auditRoutes(context.dataSource, remoteVerifier(config), hash));
      const verification = chainVerificationTask(context.dataSource, hash, context.registry, alertCounter(context.registry), context.logger);
      verify = verification;
      jobs.push(
        new PeriodicJob('audit-chain-verification', config.AUDIT_VERIFY_INTERVAL_MS, async () => void (await verification()), context.logger),
        new PeriodicJob('audit-retention-purge', config.AUDIT_PURGE_INTERVAL_MS, async () => {
          const result = await purgeExpired(context.dataSource, config.AUDIT_RETENTION_DAYS);
          if (result.purgedRows > 0) context.logger.info('audit retention purge', { ...result });
          await forgetSignalsBefore(context.dataSource.manager, new Date(Date.now() - signalHorizonMs));
        }, context.logger),
      );
    },
    consumers: (context) => {
      const detector = new AnomalyDetector(
        {
          loginFailuresPerAccount: config.ANOMALY_LOGIN_FAILURES_PER_ACCOUNT,
          loginFailuresPerIp: config.ANOMALY_LOGIN_FAILURES_PER_IP,
          loginWindowMs: config.ANOMALY_LOGIN_WINDOW_SECONDS * 1000,
          customerReads: config.ANOMALY_CUSTOMER_READS,
          customerReadsWindowMs: config.ANOMALY_CUSTOMER_READS_WINDOW_SECONDS * 1000,
          workingHours: parseWorkingHours(config.ANOMALY_WORKING_HOURS, config.ANOMALY_WORKING_DAYS),
        },
        alertCounter(context.registry),
      );
      const consumers: InboxConsumer[] = [auditConsumer(context, detector, config.AUDIT_BATCH_SIZE, hash)];
      if (notifier) consumers.push(alertNotificationConsumer(context, notifier));
      return consumers;
    },
    async onStop() {
      await Promise.all(jobs.map((job) => job.stop()));
      notifier?.close();
      await tracker?.flush();
    },
  });
  for (const job of jobs) job.start();
  return {
    ...running,
    verifyNow: () => verify!(),
    purgeNow: (now) => purgeExpired(running.context.dataSource, config.AUDIT_RETENTION_DAYS, now),
  };
}
