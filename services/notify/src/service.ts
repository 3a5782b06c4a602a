import { defineService, type StartedService } from '@ecar/runtime';
import { internalTlsFrom } from '@ecar/tls';
import { notifyRoutes } from './api/route-table.ts';
import { DevelopmentLogEmail, SmtpEmailSender, type EmailSender } from './channels/email.ts';
import { GarageDirectory, type ContactDirectory } from './channels/garage-directory.ts';
import { smsGatewayFrom, type SmsGateway } from './channels/sms.ts';
import { loadNotifyConfig, type NotifyConfig } from './config.ts';
import { notifyMigrations } from './data/migrations.ts';
import { NotifyContext } from './domain/context.ts';
import { notifySubscriptions } from './messaging/subscriptions.ts';

export interface NotifyOptions {
  /** Replaces garage's contact directory (unit tests of the domain). */
  directory?: ContactDirectory;
  sms?: SmsGateway;
  email?: EmailSender;
}

const retryDelays = (config: NotifyConfig) => config.DELIVERY_RETRY_DELAYS_MS.map(Number);

/** The notify deployable: customer messages by SMS and e-mail from domain events, preferences and consent, delivery status. */
export const notifyService = defineService({
  name: 'notify',
  config: loadNotifyConfig,
  migrations: notifyMigrations,
  context: (base, options: NotifyOptions) => {
    const { config } = base;
    const tls = internalTlsFrom({ cert: config.ECAR_TLS_CERT, key: config.ECAR_TLS_KEY, ca: config.ECAR_TLS_CA });
    // Built first: an SMS gateway host that is not allow-listed stops the service here (RES-3).
    const sms = options.sms ?? smsGatewayFrom(config, base.logger);
    const email = options.email ?? (config.SMTP_URL ? new SmtpEmailSender(config.SMTP_URL, config.SMTP_ALLOWED_HOSTS, config.MAIL_FROM) : new DevelopmentLogEmail(base.logger));
    return new NotifyContext(base.dataSource, base.unitOfWork, options.directory ?? new GarageDirectory(config.GARAGE_URL, tls, config.GARAGE_TIMEOUT_MS), sms, email, {
      timeZone: config.NOTIFY_TIME_ZONE,
      rateLimit: { limitPerWindow: config.RATE_LIMIT_PER_CUSTOMER, windowMinutes: config.RATE_LIMIT_WINDOW_MINUTES },
      maxAttempts: retryDelays(config).length + 1,
      pageMax: config.NOTIFY_PAGE_MAX,
    });
  },
  routes: notifyRoutes,
  subscriptions: (context, base) => notifySubscriptions(context, retryDelays(base.config)),
  onStop: (context) => context.email.close(),
});

export type NotifyService = StartedService<NotifyConfig, NotifyContext>;
