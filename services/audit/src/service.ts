import { defineService, type StartedService } from '@ecar/runtime';
import { auditRoutes } from './api/route-table.ts';
import { loadAuditConfig, type AuditConfig } from './config.ts';
import { AUDIT_RUNTIME_PRIVILEGES, auditMigrations, PARTITION_MONTHS_AHEAD } from './data/migrations.ts';
import { ensurePartitions, registerChainKey } from './data/chain.ts';
import { alertCounter, Alerts } from './domain/alerts.ts';
import { chainHasher, type ChainHasher } from './domain/chain.ts';
import { AnomalyDetector } from './domain/anomaly/detector.ts';
import { parseWorkingHours } from './domain/anomaly/working-hours.ts';
import { AuditLog } from './domain/log-search.ts';
import { purgeExpired, type PurgeResult } from './domain/retention.ts';
import { SubjectReads } from './domain/subject-reads.ts';
import type { VerificationResult } from './domain/verify.ts';
import { chainVerificationTask } from './jobs/chain-verification.ts';
import { alertDestinations, alertNotificationSubscription, AlertNotifier, type NotifierSettings } from './messaging/alert-notifications.ts';
import { auditLogSubscription } from './messaging/audit-log.ts';

function notifierSettings(config: AuditConfig): NotifierSettings {
  return {
    smtpUrl: config.ALERT_SMTP_URL,
    mailFrom: config.ALERT_MAIL_FROM,
    mailTo: config.ALERT_MAIL_TO,
    webhookUrl: config.ALERT_WEBHOOK_URL,
    allowlist: config.OUTBOUND_ALLOWLIST,
  };
}

/** What the audit service works with, built once at start. */
export interface AuditContext {
  log: AuditLog;
  alerts: Alerts;
  /** A customer's own access records (issue 15). */
  subjectReads: SubjectReads;
  detector: AnomalyDetector;
  notifier: AlertNotifier | undefined;
  /** Hashes chain rows: HMAC under AUDIT_CHAIN_KEY, plain SHA-256 up to AUDIT_CHAIN_PLAIN_THROUGH_SEQ. */
  hash: ChainHasher;
  /** The scheduled chain verification, now (gauges, and an alert when broken). */
  verifyNow(): Promise<VerificationResult>;
  /** The retention purge now; `now` is the clock it measures the retention from. */
  purgeNow(now?: Date): Promise<PurgeResult>;
  /** Creates the log's missing monthly partitions up to PARTITION_MONTHS_AHEAD months ahead; answers how many. */
  ensurePartitionsNow(): Promise<number>;
}

/**
 * How often the months ahead are ensured: at least daily, every 6 h so that a run that gave up on
 * a lock (behind a pg_dump) is retried the same day; with two months ahead, weeks of failures are absorbed.
 */
const PARTITIONS_EVERY_MS = 6 * 3600_000;

/** The audit deployable: the tamper-evident log of every event, anomaly alerts, retention. */
export const auditService = defineService<AuditConfig, AuditContext>({
  name: 'audit',
  config(env) {
    const loaded = loadAuditConfig(env);
    // Refuses, before anything starts, an alert destination whose host is not allow-listed (RES-3).
    alertDestinations(notifierSettings(loaded.values));
    return loaded;
  },
  migrations: auditMigrations,
  databasePrivileges: AUDIT_RUNTIME_PRIVILEGES,
  async context(base): Promise<AuditContext> {
    const { config } = base;
    const alerts = new Alerts(base.dataSource, base.unitOfWork, alertCounter(base.registry));
    const detector = new AnomalyDetector(
      {
        loginFailuresPerAccount: config.ANOMALY_LOGIN_FAILURES_PER_ACCOUNT,
        loginFailuresPerIp: config.ANOMALY_LOGIN_FAILURES_PER_IP,
        loginWindowMs: config.ANOMALY_LOGIN_WINDOW_SECONDS * 1000,
        customerReads: config.ANOMALY_CUSTOMER_READS,
        customerReadsWindowMs: config.ANOMALY_CUSTOMER_READS_WINDOW_SECONDS * 1000,
        workingHours: parseWorkingHours(config.ANOMALY_WORKING_HOURS, config.ANOMALY_WORKING_DAYS, config.ANOMALY_TIME_ZONE),
      },
      alerts,
    );
    const hash = chainHasher(config.AUDIT_CHAIN_KEY, BigInt(config.AUDIT_CHAIN_PLAIN_THROUGH_SEQ));
    // Before any row is appended: a backup records this name with the head it reads.
    await registerChainKey(base.dataSource.manager, hash.keyId);
    // Partitions ahead before the first append (an insert beyond the last partition would fail); then every 6 h.
    const ensurePartitionsNow = () => ensurePartitions(base.dataSource.manager, PARTITION_MONTHS_AHEAD);
    await ensurePartitionsNow();
    const verifyNow = chainVerificationTask(base.dataSource, base.unitOfWork, alerts, hash, base.registry, base.logger, config.AUDIT_FULL_VERIFY_INTERVAL_MS);
    return {
      log: new AuditLog(base.dataSource, hash),
      alerts,
      subjectReads: new SubjectReads(base.dataSource),
      detector,
      notifier: AlertNotifier.fromSettings(notifierSettings(config)),
      hash,
      verifyNow,
      purgeNow: (now) => purgeExpired(base.unitOfWork, config.AUDIT_RETENTION_DAYS, now),
      ensurePartitionsNow,
    };
  },
  routes: auditRoutes,
  subscriptions: ({ detector, notifier, hash }, base) => [
    auditLogSubscription(detector, base.config.AUDIT_BATCH_SIZE, hash),
    ...(notifier ? [alertNotificationSubscription(notifier)] : []),
  ],
  jobs: (audit, base) => [
    { name: 'audit-chain-verification', schedule: { everyMs: base.config.AUDIT_VERIFY_INTERVAL_MS }, run: async () => void (await audit.verifyNow()) },
    {
      name: 'audit-partitions',
      schedule: { everyMs: PARTITIONS_EVERY_MS },
      async run() {
        const created = await audit.ensurePartitionsNow();
        if (created > 0) base.logger.info('audit partitions created', { created, monthsAhead: PARTITION_MONTHS_AHEAD });
      },
    },
    {
      name: 'audit-retention-purge',
      schedule: { everyMs: base.config.AUDIT_PURGE_INTERVAL_MS },
      async run() {
        const result = await audit.purgeNow();
        if (result.purgedRows > 0) base.logger.info('audit retention purge', { ...result });
        await audit.detector.forgetOldSignals(base.dataSource.manager, new Date());
      },
    },
  ],
  onStop: ({ notifier }) => notifier?.close(),
});

export type AuditService = StartedService<AuditConfig, AuditContext>;
