import { webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import * as xadesjs from 'xadesjs';
import type { SigningIdentity } from './seller-certificate.ts';

// Loaded untyped: xpath's declarations pull the DOM library into the whole program's types.
const xpath: unknown = createRequire(import.meta.url)('xpath');
xadesjs.setNodeDependencies({ DOMParser, XMLSerializer, xpath });
xadesjs.Application.setEngine('NodeJS', webcrypto as unknown as Parameters<typeof xadesjs.Application.setEngine>[1]);

/** The Id of the supplier's signature: TTN adds its own signature next to it once it accepts the document. */
export const SUPPLIER_SIGNATURE_ID = 'SigFrs';

/**
 * Signs a TEIF document with an enveloped XAdES-BES signature: RSA with SHA-256 over the
 * document (enveloped-signature transform, exclusive canonicalisation) and over the signed
 * properties (signing time, digest of the signing certificate), the certificate chain in KeyInfo.
 */
export async function signTeif(xml: string, identity: SigningIdentity, signingTime: Date): Promise<string> {
  const document = xadesjs.Parse(xml);
  const signature = new xadesjs.SignedXml();
  const [leaf] = identity.certificates;
  if (!leaf) throw new Error('the signing identity has no certificate');
  type SignArguments = Parameters<typeof signature.Sign>;
  await signature.Sign({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as SignArguments[0], identity.privateKey as unknown as SignArguments[1], document, {
    id: SUPPLIER_SIGNATURE_ID,
    references: [{ id: 'r-id-frs', uri: '', hash: 'SHA-256', transforms: ['enveloped', 'exc-c14n'] }],
    signingCertificate: { certificate: leaf.toString('base64'), digestAlgorithm: 'SHA-256' },
    signingTime: { value: signingTime },
    x509: identity.certificates.map((der) => der.toString('base64')),
  });
  document.documentElement.appendChild(signature.GetXml()!);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(document.documentElement as unknown as Parameters<XMLSerializer['serializeToString']>[0])}\n`;
}
