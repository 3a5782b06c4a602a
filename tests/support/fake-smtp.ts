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
  /** The catchers listening in this process, by URL: test helpers find the mailbox a stack's auth sends to. */
  static readonly listening = new Map<string, FakeSmtpServer>();
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
    FakeSmtpServer.listening.set(this.url, this);
  }

  /** Lets the process exit while it listens (the shared mailbox lives as long as the process). */
  unref(): void {
    this.server.server.unref();
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.boundPort}`;
  }

  /** The messages sent to `address` so far. */
  to(address: string): CaughtMail[] {
    return this.messages.filter((message) => message.to.includes(address));
  }

  async stop(): Promise<void> {
    FakeSmtpServer.listening.delete(this.url);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let shared: Promise<FakeSmtpServer> | undefined;

/**
 * One catcher per test process for the account e-mails no test reads itself (the MFA enrolment
 * codes of the stacks' admins): the test stacks send there unless a test gives its own SMTP_URL.
 * It does not keep the process alive.
 */
export function sharedMailbox(): Promise<FakeSmtpServer> {
  shared ??= (async () => {
    const smtp = new FakeSmtpServer();
    await smtp.start();
    smtp.unref();
    return smtp;
  })();
  return shared;
}

/** The 8-digit code of an MFA enrolment mail (`Code: 12345678`). */
export function enrolmentCodeInMail(mail: CaughtMail): string {
  const match = /^Code: (\d{8})\s*$/m.exec(mail.raw.replace(/=\r?\n/g, ''));
  if (!match?.[1]) throw new Error('no enrolment code in the message');
  return match[1];
}

/** The one-time token of the link in a caught message (`…#token=<token>`), quoted-printable undone. */
export function tokenInMail(mail: CaughtMail): string {
  const unfolded = mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const match = /#token=([A-Za-z0-9_-]{20,})/.exec(unfolded);
  if (!match?.[1]) throw new Error('no token link in the message');
  return match[1];
}
