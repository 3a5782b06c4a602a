import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { BackupIntegrityError } from './chunked-cipher.ts';

/**
 * The data key of a backup set is wrapped with an RSA public key (RSA-OAEP, SHA-256 and MGF1
 * SHA-256, node-forge): the server that writes backups holds only the public key and cannot read
 * them; the private key is kept offline and is needed only to restore (STYLE lesson 10).
 */
export const MIN_RSA_BITS = 3072;

export interface BackupPublicKey {
  keyId: string;
  key: forge.pki.rsa.PublicKey;
}

/** `sha256:<hex>` of the DER SubjectPublicKeyInfo: names the key pair a set was written for. */
function keyIdOf(publicKey: KeyObject): string {
  return `sha256:${createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex')}`;
}

function oaep() {
  return { md: forge.md.sha256.create(), mgf1: { md: forge.md.sha256.create() } };
}

export function loadBackupPublicKey(pem: string): BackupPublicKey {
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey(pem);
  } catch {
    throw new Error('not a PEM public key');
  }
  if (keyObject.asymmetricKeyType !== 'rsa') throw new Error(`an RSA key is required (got ${keyObject.asymmetricKeyType ?? 'unknown'})`);
  const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new Error(`the RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required`);
  const spkiPem = keyObject.export({ format: 'pem', type: 'spki' }).toString();
  return { keyId: keyIdOf(keyObject), key: forge.pki.publicKeyFromPem(spkiPem) };
}

export interface BackupPrivateKey {
  keyId: string;
  key: forge.pki.rsa.PrivateKey;
}

/** Reads the offline private key (PKCS#8 or PKCS#1 PEM, optionally passphrase-protected). */
export function loadBackupPrivateKey(pem: string, passphrase?: string): BackupPrivateKey {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: pem, format: 'pem', ...(passphrase ? { passphrase } : {}) });
  } catch {
    const reason = pem.includes('ENCRYPTED') ? 'wrong or missing passphrase' : 'not a PEM private key';
    throw new BackupIntegrityError(`cannot read the private key: ${reason}`);
  }
  if (keyObject.asymmetricKeyType !== 'rsa') throw new BackupIntegrityError('the private key is not an RSA key');
  const pkcs1 = keyObject.export({ format: 'pem', type: 'pkcs1' }).toString();
  return { keyId: keyIdOf(createPublicKey(keyObject)), key: forge.pki.privateKeyFromPem(pkcs1) };
}

export function wrapDataKey(publicKey: BackupPublicKey, dataKey: Buffer): string {
  const wrapped = publicKey.key.encrypt(dataKey.toString('binary'), 'RSA-OAEP', oaep());
  return Buffer.from(wrapped, 'binary').toString('base64');
}

export function unwrapDataKey(privateKey: BackupPrivateKey, keyId: string, wrapped: string): Buffer {
  if (privateKey.keyId !== keyId) {
    throw new BackupIntegrityError(`wrong private key: this backup set was encrypted for ${keyId}, the key given is ${privateKey.keyId}`);
  }
  try {
    const plain = privateKey.key.decrypt(Buffer.from(wrapped, 'base64').toString('binary'), 'RSA-OAEP', oaep());
    return Buffer.from(plain, 'binary');
  } catch {
    throw new BackupIntegrityError('the wrapped data key does not open with this private key (manifest altered or wrong key)');
  }
}
