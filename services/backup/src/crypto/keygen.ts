import { generateKeyPair, generateKeyPairSync } from 'node:crypto';
import { promisify } from 'node:util';
import { MIN_RSA_BITS } from './key-wrap.ts';

const generate = promisify(generateKeyPair);

export interface BackupKeyPair {
  publicPem: string;
  privatePem: string;
}

/**
 * A backup key pair: RSA (3072 bits unless more is asked), public key as SPKI PEM for the server,
 * private key as PKCS#8 PEM, AES-256 encrypted when a passphrase is given (kept offline).
 * OpenSSL generates it (node-forge's pure-JS prime search takes minutes at this size).
 */
export async function generateBackupKeyPair(options: { bits?: number; passphrase?: string } = {}): Promise<BackupKeyPair> {
  const bits = options.bits ?? MIN_RSA_BITS;
  if (bits < MIN_RSA_BITS) throw new Error(`at least ${MIN_RSA_BITS} bits`);
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: options.passphrase
      ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: options.passphrase }
      : { type: 'pkcs8', format: 'pem' },
  });
  return { publicPem: publicKey, privatePem: privateKey };
}

/**
 * A manifest signing key (Ed25519, issue 12 finding 8): the private half (PKCS#8 PEM) is the backup
 * service's BACKUP_SIGNING_KEY, the public half (SPKI PEM) what restore, verify and drill check with.
 * Production keys are made with `openssl genpkey -algorithm ed25519` (docs/operations/backup-restore.md).
 */
export function generateManifestSigningKey(): BackupKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  return { privatePem: privateKey, publicPem: publicKey };
}
