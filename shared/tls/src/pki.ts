import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** A PEM certificate with its private key. */
export interface Credential {
  certPem: string;
  keyPem: string;
}

const DAY_MS = 86_400_000;

function rsaKeyPair(bits: number): { keyPem: string; forgePublic: forge.pki.PublicKey; forgePrivate: forge.pki.PrivateKey } {
  // Node's native generator (node-forge's pure-JS one takes seconds per key).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const forgePrivate = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const forgePublic = forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e);
  return { keyPem, forgePublic, forgePrivate };
}

function serial(): string {
  // Positive 128-bit serial (high bit cleared), as RFC 5280 asks.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

/** The internal certificate authority that signs every service's server and client certificate (ENC-6). */
export function createInternalCa(commonName = 'ECAR internal CA', validDays = 3650): Credential {
  const keys = rsaKeyPair(3072);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.forgePublic;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + validDays * DAY_MS);
  const subject = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'ECAR' }, { name: 'countryName', value: 'TN' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.forgePrivate as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

export interface IssueOptions {
  /** The service name: common name and first DNS name. */
  name: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  validDays?: number;
}

/**
 * A certificate for one deployable, valid both as a TLS server (its own port) and as a TLS client
 * (when it calls another service), so every internal hop is mutually authenticated.
 */
export function issueServiceCertificate(ca: Credential, options: IssueOptions): Credential {
  const keys = rsaKeyPair(2048);
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.forgePublic;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + (options.validDays ?? 397) * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: options.name }, { name: 'organizationName', value: 'ECAR' }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = [
    ...[options.name, ...(options.dnsNames ?? [])].map((value) => ({ type: 2, value })),
    ...(options.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}
