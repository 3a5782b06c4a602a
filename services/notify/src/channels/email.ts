import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '@ecar/logger';
import { TransientDeliveryError } from './delivery-errors.ts';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  reference: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<string | null>;
  close(): void;
}

/** SMTP through nodemailer, as auth sends its e-mails; the relay must be on SMTP_ALLOWED_HOSTS (RES-3). */
export class SmtpEmailSender implements EmailSender {
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

  async send(message: EmailMessage): Promise<string | null> {
    try {
      const info = await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text, headers: { 'X-ECAR-Message': message.reference } });
      return typeof info.messageId === 'string' ? info.messageId.slice(0, 200) : null;
    } catch (error) {
      const code = (error as { code?: unknown; responseCode?: unknown }).responseCode ?? (error as { code?: unknown }).code;
      throw new TransientDeliveryError(`SMTP relay failed (${String(code ?? 'error')})`);
    }
  }

  close(): void {
    this.transport.close();
  }
}

export class DevelopmentLogEmail implements EmailSender {
  constructor(private readonly logger: Logger) {}

  async send(message: EmailMessage): Promise<string | null> {
    this.logger.warn('development mode: e-mail not sent (SMTP_URL unset)', { reference: message.reference });
    return null;
  }

  close(): void {}
}
