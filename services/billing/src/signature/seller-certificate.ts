import { createPrivateKey, generateKeyPairSync, webcrypto, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/** The seller's signing identity: its private key (WebCrypto, for XAdES) and certificate chain (DER, leaf first). */
export interface SigningIdentity {
  privateKey: webcrypto.CryptoKey;
  certificates: Buffer[];
  subject: string;
  notAfter: Date;
  /** True for the throw-away certificate of development mode: TTN refuses what it signs. */
  development: boolean;
}

export class SigningIdentityError extends Error {
  constructor(message: string) {
    super(`TEIF signing identity: ${message}`);
    this.name = 'SigningIdentityError';
  }
}

const SIGNING_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const MIN_RSA_BITS = 2048;

async function importRsaKey(pkcs8Der: Buffer): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', pkcs8Der, SIGNING_ALGORITHM, false, ['sign']);
}

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, type: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType: type })[type] ?? [];
}

/**
 * Opens the seller's PKCS#12 (a TunTrust certificate in production): the private key must be RSA
 * of at least 2048 bits, the certificate that matches it must be valid now. The chain (issuing CAs)
 * goes into the signature's KeyInfo so that a verifier can build the path to the root it trusts.
 */
export async function signingIdentityFromPkcs12(p12Der: Buffer, password: string, now: Date = new Date()): Promise<SigningIdentity> {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12Der.toString('binary'))), false, password);
  } catch (error) {
    throw new SigningIdentityError(`cannot open the PKCS#12 (${(error as Error).message}); check the file and its password`);
  }
  const keyBag = [...bagsOf(p12, forge.pki.oids.pkcs8ShroudedKeyBag!), ...bagsOf(p12, forge.pki.oids.keyBag!)][0];
  if (!keyBag?.key) throw new SigningIdentityError('the PKCS#12 holds no private key');
  const keyPem = forge.pki.privateKeyToPem(keyBag.key);
  const key = createPrivateKey(keyPem);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) throw new SigningIdentityError(`the key must be RSA of at least ${MIN_RSA_BITS} bits (got ${key.asymmetricKeyType ?? 'unknown'} ${bits})`);
  const certificates = bagsOf(p12, forge.pki.oids.certBag!)
    .filter((bag) => bag.cert)
    .map((bag) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert!)).getBytes(), 'binary'));
  const leafIndex = certificates.findIndex((der) => new X509Certificate(der).checkPrivateKey(key));
  if (leafIndex < 0) throw new SigningIdentityError('no certificate in the PKCS#12 matches its private key');
  const leaf = new X509Certificate(certificates[leafIndex]!);
  const notAfter = new Date(leaf.validTo);
  if (notAfter <= now || new Date(leaf.validFrom) > now) throw new SigningIdentityError(`the certificate "${leaf.subject}" is not valid now (valid ${leaf.validFrom} to ${leaf.validTo})`);
  const chain = [certificates[leafIndex]!, ...certificates.filter((_, index) => index !== leafIndex)];
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  return { privateKey: await importRsaKey(pkcs8), certificates: chain, subject: leaf.subject.replace(/\n/g, ', '), notAfter, development: false };
}

/**
 * Development only: a self-signed certificate made at start, named as such in its subject. What
 * it signs verifies (so the whole chain can be tried locally) but TTN would refuse it.
 */
export async function developmentSigningIdentity(sellerName: string): Promise<SigningIdentity> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: MIN_RSA_BITS });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  certificate.serialNumber = `01${Date.now().toString(16)}`;
  certificate.validity.notBefore = new Date(Date.now() - 60_000);
  certificate.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const subject = [
    { name: 'commonName', value: `${sellerName.slice(0, 40)} (ECAR development signature, not TunTrust)` },
    { name: 'countryName', value: 'TN' },
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([{ name: 'keyUsage', digitalSignature: true, nonRepudiation: true }]);
  certificate.sign(forgeKey, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  return { privateKey: await importRsaKey(pkcs8), certificates: [der], subject: subject[0]!.value, notAfter: certificate.validity.notAfter, development: true };
}
