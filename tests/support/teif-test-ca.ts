import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

const run = promisify(execFile);

/** A test certification authority standing in for TunTrust, and a seller certificate it issued (PKCS#12). */
export interface TestSigningCa {
  caPem: string;
  /** The seller's PKCS#12 (key + certificate + CA), DER. */
  sellerP12: Buffer;
  password: string;
  /** Billing's configuration for this identity. */
  env: { TEIF_SIGNING_P12: string; TEIF_SIGNING_P12_PASSWORD: string };
}

function rsaKey(): forge.pki.rsa.PrivateKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
}

function certificate(subject: forge.pki.CertificateField[], issuer: forge.pki.CertificateField[], key: forge.pki.rsa.PrivateKey, signer: forge.pki.rsa.PrivateKey, ca: boolean, serial: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 30 * 24 * 3600_000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(ca ? [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }] : [{ name: 'keyUsage', digitalSignature: true, nonRepudiation: true }]);
  cert.sign(signer, forge.md.sha256.create());
  return cert;
}

/** Makes a fresh CA ("ECAR Test CA, not TunTrust") and a seller certificate for `sellerName`. */
export function createTestSigningCa(sellerName = 'Garage El Amen SARL', password = 'seller-p12-pass-1234'): TestSigningCa {
  const caKey = rsaKey();
  const caName = [{ name: 'commonName', value: 'ECAR Test CA (not TunTrust)' }, { name: 'countryName', value: 'TN' }];
  const ca = certificate(caName, caName, caKey, caKey, true, '01');
  const sellerKey = rsaKey();
  const seller = certificate([{ name: 'commonName', value: sellerName }, { name: 'countryName', value: 'TN' }], caName, sellerKey, caKey, false, '02');
  const p12 = forge.pkcs12.toPkcs12Asn1(sellerKey, [seller, ca], password, { algorithm: '3des' });
  const sellerP12 = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
  return { caPem: forge.pki.certificateToPem(ca), sellerP12, password, env: { TEIF_SIGNING_P12: sellerP12.toString('base64'), TEIF_SIGNING_P12_PASSWORD: password } };
}

export type SignatureVerdict = { valid: true } | { valid: false; output: string };

/**
 * Verifies a signed TEIF with xmlsec1 (Debian's xmlsec1, independent of the signer's library):
 * the certificate must chain to `caPem`, the references (document, signed properties) must match.
 */
export async function verifyWithXmlsec(signedXml: string, caPem: string): Promise<SignatureVerdict> {
  const dir = await mkdtemp(join(tmpdir(), 'ecar-xmlsec-'));
  try {
    await writeFile(join(dir, 'signed.xml'), signedXml);
    await writeFile(join(dir, 'ca.pem'), caPem);
    await run('xmlsec1', ['--verify', '--trusted-pem', join(dir, 'ca.pem'), '--id-attr:Id', 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties', join(dir, 'signed.xml')]);
    return { valid: true };
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    return { valid: false, output: failure.stderr ?? failure.message };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
