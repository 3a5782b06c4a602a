import nodemailer, { type Transporter } from 'nodemailer';
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

/** SMTP through nodemailer; the relay must be on the allow-list (RES-3). */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    allowedHosts: readonly string[],
    private readonly from: string,
  ) {
    const host = new URL(url).hostname;
    if (!allowedHosts.includes(host)) throw new Error(`SMTP relay ${host} is not in SMTP_ALLOWED_HOSTS`);
    this.transport = nodemailer.createTransport(url);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }

  close(): void {
    this.transport.close();
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
