import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface CaughtSms {
  to: string;
  from: string;
  text: string;
  reference: string;
  authorization: string | undefined;
}

/**
 * FAKE third party: a local HTTP SMS gateway speaking the `http-json` adapter's protocol
 * (`POST {to, from, text, reference}` → `{ id }`). It keeps every accepted SMS for the test, and
 * can be told to fail the next requests (an outage: 503) or to refuse them (400).
 */
export class FakeSmsGateway {
  readonly messages: CaughtSms[] = [];
  /** Every request received, accepted or not. */
  requests = 0;
  private failures: Array<503 | 400> = [];
  private readonly server: Server;
  private boundPort = 0;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.requests += 1;
    const failure = this.failures.shift();
    if (failure) {
      res.writeHead(failure, { 'content-type': 'application/json' }).end(JSON.stringify({ error: failure === 503 ? 'unavailable' : 'refused' }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<CaughtSms, 'authorization'>;
    this.messages.push({ ...body, authorization: req.headers.authorization });
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `fake-${this.messages.length}` }));
  }

  /** The next `count` requests answer `status` (503: an outage, retried; 400: a refusal). */
  failNext(count: number, status: 503 | 400 = 503): void {
    this.failures.push(...Array.from({ length: count }, () => status));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : 0;
  }

  get host(): string {
    return `127.0.0.1:${this.boundPort}`;
  }

  get url(): string {
    return `http://${this.host}/v1/sms`;
  }

  to(phone: string): CaughtSms[] {
    return this.messages.filter((message) => message.to === phone);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
