import nodemailer, { type Transporter } from 'nodemailer';
import { parseEventData } from '@ecar/contracts';
import { assertAllowedDestination } from '@ecar/observability';
import type { Subscription } from '@ecar/runtime';

export interface AlertNotification {
  alertId: string;
  rule: string;
  severity: string;
  key: string;
  summary: string;
  occurredAt: string;
}

export interface NotifierSettings {
  smtpUrl: string | undefined;
  mailFrom: string;
  mailTo: readonly string[];
  webhookUrl: string | undefined;
  /** OUTBOUND_ALLOWLIST (RES-3). */
  allowlist: readonly string[];
}

/**
 * The destinations of the settings, checked: throws (at start) for a host that is not
 * allow-listed, so alerts never go to a host nobody approved.
 */
export function alertDestinations(settings: NotifierSettings): { smtp: URL | undefined; webhook: URL | undefined } {
  const smtp = settings.smtpUrl ? assertAllowedDestination('ALERT_SMTP_URL', settings.smtpUrl, settings.allowlist) : undefined;
  const webhook = settings.webhookUrl ? assertAllowedDestination('ALERT_WEBHOOK_URL', settings.webhookUrl, settings.allowlist) : undefined;
  if (smtp && settings.mailTo.length === 0) throw new Error('ALERT_MAIL_TO: required when ALERT_SMTP_URL is set');
  return { smtp, webhook };
}

/** Sends security alerts to the on-duty people (INC-1, INC-3): mail through the relay and/or a webhook. */
export class AlertNotifier {
  private readonly mailer: Transporter | undefined;

  private constructor(
    private readonly settings: NotifierSettings,
    smtp: URL | undefined,
    private readonly webhook: URL | undefined,
  ) {
    this.mailer = smtp ? nodemailer.createTransport(smtp.toString()) : undefined;
  }

  /** Undefined when no destination is configured. */
  static fromSettings(settings: NotifierSettings): AlertNotifier | undefined {
    const { smtp, webhook } = alertDestinations(settings);
    if (!smtp && !webhook) return undefined;
    return new AlertNotifier(settings, smtp, webhook);
  }

  /** Throws when a destination refused the alert, so the caller retries it. */
  async send(alert: AlertNotification): Promise<void> {
    if (this.mailer) {
      await this.mailer.sendMail({
        from: this.settings.mailFrom,
        to: [...this.settings.mailTo],
        subject: `[ECAR security] ${alert.severity}: ${alert.rule}`,
        text: [
          alert.summary,
          '',
          `Rule: ${alert.rule}`,
          `Severity: ${alert.severity}`,
          `About: ${alert.key}`,
          `When: ${alert.occurredAt}`,
          `Alert id: ${alert.alertId}`,
          '',
          'Triage it in the portal (Audit → Alerts) and follow docs/security/incident-response.md.',
        ].join('\n'),
      });
    }
    if (this.webhook) {
      const response = await fetch(this.webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alert),
        redirect: 'error',
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`alert webhook answered ${response.status}`);
    }
  }

  close(): void {
    this.mailer?.close();
  }
}

/**
 * Sends each `audit.alert.raised` to the notifier. A failed send throws, so the bus retries it
 * (retry queues, then the DLQ, which raises its own operational alert).
 */
export function alertNotificationSubscription(notifier: AlertNotifier): Subscription {
  return {
    queue: 'audit.alert-notifications',
    bindings: ['audit.alert.raised'],
    consumerName: 'audit-alert-notifier',
    async handle(envelope) {
      const data = parseEventData('audit.alert.raised', envelope.data);
      await notifier.send({ alertId: data.alertId, rule: data.rule, severity: data.severity, key: data.key, summary: data.summary, occurredAt: envelope.occurredAt });
    },
  };
}
