import type { Transporter } from 'nodemailer';
import type { Logger } from '@ecar/logger';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends the account e-mails (verification, password reset). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * SMTP through nodemailer; the relay must be on the allow-list (RES-3), checked at start.
 * nodemailer is loaded with the first e-mail: an idle auth does not carry it (docs/performance/memory.md).
 */
export class SmtpMailer implements Mailer {
  private transport: Promise<Transporter> | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    allowedHosts: readonly string[],
    private readonly from: string,
  ) {
    const host = new URL(url).hostname;
    if (!allowedHosts.includes(host)) throw new Error(`SMTP relay ${host} is not in SMTP_ALLOWED_HOSTS`);
  }

  async send(message: MailMessage): Promise<void> {
    if (this.closed) throw new Error('mailer closed');
    this.transport ??= import('nodemailer').then(
      ({ default: nodemailer }) => nodemailer.createTransport(this.url),
      (error: unknown) => {
        this.transport = undefined;
        throw error;
      },
    );
    const transport = await this.transport;
    await transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }

  close(): void {
    this.closed = true;
    void this.transport?.then((transport) => transport.close(), () => undefined);
  }
}

/** Development without an SMTP relay: the e-mail goes to the log so the developer can follow the link. */
export class DevelopmentLogMailer implements Mailer {
  constructor(private readonly logger: Logger) {}

  async send(message: MailMessage): Promise<void> {
    this.logger.warn('development mode: e-mail not sent, logged instead', { subject: message.subject, body: message.text });
  }

  close(): void {}
}
