import { DOMParser, type Element } from '@xmldom/xmldom';
import { assertAllowedDestination } from '@ecar/observability';
import { escapeXml } from '../teif/xml.ts';

/** What TTN answered for one signed document. */
export type TtnAnswer = { outcome: 'accepted'; reference: string; qr: string } | { outcome: 'refused'; reason: string };

/** TTN could not be reached or did not answer in time: the document stays pending, nothing is lost. */
export class TtnUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TtnUnavailableError';
  }
}

export interface TtnSubmission {
  /** Matricule fiscal of the seller, without separators. */
  sellerTaxId: string;
  number: string;
  fileName: string;
  signedXml: string;
}

/** The El Fatoora adapter: the only code that knows how TTN is spoken to. */
export interface TtnGateway {
  submit(submission: TtnSubmission): Promise<TtnAnswer>;
}

export const TTN_SOAP_NAMESPACE = 'http://services.elfatoora.tradenet.com.tn/';

const first = (parent: Element, name: string) => parent.getElementsByTagName(name)[0]?.textContent?.trim() ?? '';

/**
 * TTN's El Fatoora web service (SOAP 1.1, operation `saveEfact`: login, password, matricule and the
 * signed TEIF in base64). The answer names the outcome, TTN's reference and the CEV (the content of
 * the QR code TTN asks to print), or the reason of a refusal. The URL's host must be allow-listed
 * (RES-3): the constructor throws otherwise, so the service does not start.
 */
export class ElFatooraClient implements TtnGateway {
  private readonly url: URL;

  constructor(
    url: string,
    allowlist: readonly string[],
    private readonly credentials: { login: string; password: string },
    private readonly timeoutMs: number,
  ) {
    this.url = assertAllowedDestination('TTN_URL', url, allowlist);
  }

  async submit(submission: TtnSubmission): Promise<TtnAnswer> {
    const envelope = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ser="${TTN_SOAP_NAMESPACE}">
  <soapenv:Body>
    <ser:saveEfact>
      <login>${escapeXml(this.credentials.login)}</login>
      <password>${escapeXml(this.credentials.password)}</password>
      <matricule>${escapeXml(submission.sellerTaxId)}</matricule>
      <fileName>${escapeXml(submission.fileName)}</fileName>
      <documentEfact>${Buffer.from(submission.signedXml, 'utf8').toString('base64')}</documentEfact>
    </ser:saveEfact>
  </soapenv:Body>
</soapenv:Envelope>`;
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"saveEfact"' },
        body: envelope,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new TtnUnavailableError(`TTN unreachable: ${(error as Error).message}`);
    }
    const text = await response.text().catch(() => '');
    // 5xx and non-SOAP answers are outages; a SOAP answer says accepted or refused.
    if (response.status >= 500 && !text.includes('saveEfactResponse')) throw new TtnUnavailableError(`TTN answered HTTP ${response.status}`);
    if (!text.includes('saveEfactResponse')) throw new TtnUnavailableError(`TTN answered HTTP ${response.status} without a saveEfact response`);
    const document = new DOMParser({ onError: () => undefined }).parseFromString(text, 'text/xml');
    const answer = document.getElementsByTagNameNS(TTN_SOAP_NAMESPACE, 'saveEfactResponse')[0];
    if (!answer) throw new TtnUnavailableError('TTN answer has no saveEfactResponse');
    const status = first(answer, 'status');
    if (status === 'ACCEPTED') {
      const reference = first(answer, 'referenceTTN');
      const qr = first(answer, 'referenceCEV');
      if (!reference || !qr) throw new TtnUnavailableError('TTN accepted without a reference or a CEV');
      return { outcome: 'accepted', reference: reference.slice(0, 100), qr: qr.slice(0, 4000) };
    }
    if (status === 'REFUSED') return { outcome: 'refused', reason: (first(answer, 'reason') || 'refused without a reason').slice(0, 2000) };
    throw new TtnUnavailableError(`TTN answered an unknown status "${status.slice(0, 40)}"`);
  }
}
