import { commonFields, field, FieldError, loadConfig, type Field } from '@ecar/config';

/** AUD-2: the log is kept at least one year; a shorter setting is refused at start. */
export const MIN_RETENTION_DAYS = 365;

/** An optional URL that may carry credentials (SMTP user:password): secret, never printed. */
function optionalSecretUrl(doc: string, protocols: string[], productionProtocols = protocols): Field<string | undefined> {
  return {
    doc,
    secret: true,
    parse(raw, context) {
      if (raw === undefined || raw === '') return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new FieldError(`${context.name} is not a valid URL`);
      }
      if (!protocols.includes(url.protocol)) throw new FieldError(`${context.name} must use ${protocols.join(' or ')}`);
      if (context.mode === 'production' && !productionProtocols.includes(url.protocol)) throw new FieldError(`${context.name} must use ${productionProtocols.join(' or ')} in production`);
      return raw;
    },
  };
}

const HOST = /^[a-z0-9.-]+(:\d{1,5})?$/i;

export const auditConfigSpec = {
  ...commonFields('audit', 3004, { schemaOwner: true }),
  AUDIT_CHAIN_KEY: field.secretKey({ doc: 'HMAC key of the audit hash chain (32 bytes, base64; `openssl rand -base64 32`): kept out of the database, so a rewrite of the log cannot be re-chained', bytes: 32 }),
  AUDIT_CHAIN_PLAIN_THROUGH_SEQ: field.string({ doc: 'Last seq written with the unkeyed v1 hash before AUDIT_CHAIN_KEY was introduced (0 = every row keyed)', default: '0', pattern: /^\d{1,19}$/ }),
  AUDIT_RETENTION_DAYS: field.int({ doc: 'Days audit rows are kept (AUD-2: at least 365)', default: 400, min: MIN_RETENTION_DAYS, max: 36_500 }),
  AUDIT_PURGE_INTERVAL_MS: field.int({ doc: 'How often the retention purge runs', default: 6 * 3600_000, min: 1_000 }),
  AUDIT_VERIFY_INTERVAL_MS: field.int({ doc: 'How often the hash chain is verified (0 = never): from the last checkpoint, or in full when AUDIT_FULL_VERIFY_INTERVAL_MS has passed', default: 3600_000, min: 0 }),
  AUDIT_FULL_VERIFY_INTERVAL_MS: field.int({ doc: 'How long the scheduled verification may go on from checkpoints before it walks the whole chain again', default: 86_400_000, min: 0 }),
  AUDIT_BATCH_SIZE: field.int({ doc: 'Most events appended to the chain in one transaction', default: 500, min: 1, max: 5_000 }),
  ANOMALY_LOGIN_FAILURES_PER_ACCOUNT: field.int({ doc: 'Failed logins of one account within the window that raise an alert', default: 5, min: 2 }),
  ANOMALY_LOGIN_FAILURES_PER_IP: field.int({ doc: 'Failed logins from one IP within the window that raise an alert', default: 20, min: 2 }),
  ANOMALY_LOGIN_WINDOW_SECONDS: field.int({ doc: 'Window of the failed-login rules', default: 300, min: 10 }),
  ANOMALY_CUSTOMER_READS: field.int({ doc: 'Distinct customers one user may read within the window before an alert', default: 50, min: 2 }),
  ANOMALY_CUSTOMER_READS_WINDOW_SECONDS: field.int({ doc: 'Window of the customer-read rule', default: 600, min: 10 }),
  ANOMALY_TIME_ZONE: field.string({ doc: 'Time zone of ANOMALY_WORKING_HOURS and ANOMALY_WORKING_DAYS (IANA name)', default: 'Africa/Tunis', pattern: /^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/ }),
  ANOMALY_WORKING_HOURS: field.string({ doc: 'Admin working hours in ANOMALY_TIME_ZONE, "HH:MM-HH:MM"', default: '07:00-20:00', pattern: /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/ }),
  ANOMALY_WORKING_DAYS: field.list({ doc: 'Admin working days (1 = Monday … 7 = Sunday)', default: ['1', '2', '3', '4', '5', '6'], item: /^[1-7]$/ }),
  OUTBOUND_ALLOWLIST: field.list({ doc: 'Hosts (host or host:port) this service may send to: SMTP relay, webhook, Sentry (RES-3)', default: [], item: HOST }),
  ALERT_SMTP_URL: optionalSecretUrl('smtp:// or smtps:// URL of the relay for alert mails (unset = no mail)', ['smtp:', 'smtps:']),
  ALERT_MAIL_FROM: field.string({ doc: 'Sender of alert mails', default: 'ecar-audit@localhost' }),
  ALERT_MAIL_TO: field.list({ doc: 'Recipients of alert mails (security on-duty)', default: [] }),
  ALERT_WEBHOOK_URL: optionalSecretUrl('URL receiving alerts as JSON (unset = none); https in production', ['https:', 'http:'], ['https:']),
  SENTRY_DSN: optionalSecretUrl('Sentry DSN (self-hosted or allow-listed host); unset = error reporting off', ['https:', 'http:']),
};

export type AuditConfig = ReturnType<typeof loadAuditConfig>['values'];

export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig('audit', auditConfigSpec, env);
}
