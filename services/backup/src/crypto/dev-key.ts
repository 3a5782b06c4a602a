import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateBackupKeyPair, generateManifestSigningKey } from './keygen.ts';

/**
 * Development only: a throw-away key pair, created once in `dir`, so a developer's stack starts
 * without key ceremony. Production refuses to start without BACKUP_PUBLIC_KEY (config.ts).
 */
export async function developmentPublicKey(dir: string): Promise<{ publicPem: string; privateKeyPath: string }> {
  const publicPath = join(dir, 'backup-public.pem');
  const privateKeyPath = join(dir, 'backup-private.pem');
  if (!existsSync(publicPath)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const pair = await generateBackupKeyPair();
    await writeFile(privateKeyPath, pair.privatePem, { mode: 0o600 });
    await writeFile(publicPath, pair.publicPem, { mode: 0o644 });
  }
  return { publicPem: await readFile(publicPath, 'utf8'), privateKeyPath };
}

/**
 * Development only: a throw-away manifest signing key (Ed25519), created once in `dir` next to
 * the development key pair. Production refuses to start without BACKUP_SIGNING_KEY (config.ts).
 */
export async function developmentSigningKey(dir: string): Promise<{ privatePem: string; privateKeyPath: string }> {
  const privateKeyPath = join(dir, 'backup-signing.pem');
  if (!existsSync(privateKeyPath)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(privateKeyPath, generateManifestSigningKey().privatePem, { mode: 0o600 });
  }
  return { privatePem: await readFile(privateKeyPath, 'utf8'), privateKeyPath };
}
