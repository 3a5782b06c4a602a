import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DOMParser } from '@xmldom/xmldom';
import { TTN_SOAP_NAMESPACE } from '../../services/billing/src/messaging/ttn-client.ts';
import { validateTeif } from '../../services/billing/src/teif/schema-validation.ts';
import { escapeXml } from '../../services/billing/src/teif/xml.ts';
import { verifyWithXmlsec } from './teif-test-ca.ts';

/** One call TTN received. */
export interface TtnCall {
  login: string;
  matricule: string;
  fileName: string;
  number: string;
  signedXml: string;
  answer: 'ACCEPTED' | 'REFUSED' | 'UNAVAILABLE';
}

/**
 * FAKE third party: stands in for TTN's El Fatoora web service (SOAP `saveEfact`) on 127.0.0.1.
 * Like the real platform it checks what it receives — TEIF schema, supplier signature (xmlsec1
 * against the test CA), credentials — refuses a document number it already accepted, and answers
 * with a reference and the CEV (QR content). It can be taken down (HTTP 503) or told to refuse.
 */
export class FakeTtnServer {
  readonly calls: TtnCall[] = [];
  private readonly accepted = new Map<string, string>();
  private down = false;
  private refusals: string[] = [];
  private server: Server | undefined;

  constructor(
    private readonly caPem: string,
    private readonly credentials: { login: string; password: string },
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, body }) => res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' }).end(body),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/ElfatouraServices/EfactService`;
  }

  get hostPort(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** What billing needs to reach this fake (its address, allow-listed, and the credentials it checks), polling every 100 ms. */
  get billingEnv(): Record<string, string> {
    return {
      TTN_URL: this.url,
      OUTBOUND_ALLOWLIST: this.hostPort,
      TTN_LOGIN: this.credentials.login,
      TTN_PASSWORD: this.credentials.password,
      TTN_POLL_INTERVAL_MS: '100',
    };
  }

  /** An outage: every call answers 503 until `restore`. */
  takeDown(): void {
    this.down = true;
  }

  restore(): void {
    this.down = false;
  }

  /** The next submission is refused with this reason. */
  refuseNext(reason: string): void {
    this.refusals.push(reason);
  }

  callsFor(number: string): TtnCall[] {
    return this.calls.filter((call) => call.number === number);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const envelope = new DOMParser().parseFromString(Buffer.concat(chunks).toString('utf8'), 'text/xml');
    const field = (name: string) => envelope.getElementsByTagName(name)[0]?.textContent ?? '';
    const signedXml = Buffer.from(field('documentEfact'), 'base64').toString('utf8');
    const number = /<DocumentIdentifier>([^<]+)<\/DocumentIdentifier>/.exec(signedXml)?.[1] ?? '';
    const call: TtnCall = { login: field('login'), matricule: field('matricule'), fileName: field('fileName'), number, signedXml, answer: 'UNAVAILABLE' };
    this.calls.push(call);
    if (this.down) return { status: 503, body: 'Service Unavailable' };
    const refuse = (reason: string) => {
      call.answer = 'REFUSED';
      return { status: 200, body: answer(`<status>REFUSED</status><reason>${escapeXml(reason)}</reason>`) };
    };
    if (call.login !== this.credentials.login || field('password') !== this.credentials.password) return refuse('Identifiants du web service invalides');
    const forced = this.refusals.shift();
    if (forced) return refuse(forced);
    if (this.accepted.has(number)) return refuse(`Facture ${number} déjà déposée (référence ${this.accepted.get(number)})`);
    const schema = await validateTeif(signedXml);
    if (!schema.valid) return refuse(`Non conforme au schéma TEIF : ${schema.errors.join('; ')}`);
    const signature = await verifyWithXmlsec(signedXml, this.caPem);
    if (!signature.valid) return refuse('Signature du fournisseur invalide');
    const reference = `TTN${String(this.accepted.size + 1).padStart(10, '0')}${call.matricule}`;
    this.accepted.set(number, reference);
    call.answer = 'ACCEPTED';
    return { status: 200, body: answer(`<status>ACCEPTED</status><referenceTTN>${reference}</referenceTTN><referenceCEV>https://elfatoora.tn/cev/${reference}</referenceCEV>`) };
  }
}

function answer(content: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:saveEfactResponse xmlns:ns2="${TTN_SOAP_NAMESPACE}"><return>${content}</return></ns2:saveEfactResponse></soap:Body></soap:Envelope>`;
}
