import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * FAKE third party: a local SMTP catcher (smtp-server) standing in for the production relay. It
 * accepts every message on 127.0.0.1 and keeps it for the test to read; no mail leaves the box.
 */
export class FakeSmtpServer {
  readonly messages: CaughtMail[] = [];
  private readonly server: SMTPServer;
  private boundPort = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.server.server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : 0;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.boundPort}`;
  }

  /** The messages sent to `address` so far. */
  to(address: string): CaughtMail[] {
    return this.messages.filter((message) => message.to.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The one-time token of the link in a caught message (`…#token=<token>`), quoted-printable undone. */
export function tokenInMail(mail: CaughtMail): string {
  const unfolded = mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const match = /#token=([A-Za-z0-9_-]{20,})/.exec(unfolded);
  if (!match?.[1]) throw new Error('no token link in the message');
  return match[1];
}
