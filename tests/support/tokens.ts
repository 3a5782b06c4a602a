import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { devSecret } from '@ecar/config';
import { Keyring } from '@ecar/crypto';

export type TestRole = 'super-admin' | 'technician' | 'customer';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** The auth service's current signing key, unsealed with the development key (test and bench stacks only). */
export async function currentSigningKey(authDbUrl: string): Promise<SigningKey> {
  const client = new pg.Client({ connectionString: authDbUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ kid: string; private_key_sealed: string }>(`SELECT kid, private_key_sealed FROM signing_keys WHERE retired_at IS NULL`);
    const row = rows[0];
    if (!row) throw new Error('the auth database has no active signing key');
    const keyring = new Keyring({ sk1: Buffer.from(devSecret('SIGNING_KEY_ENCRYPTION_KEY'), 'base64') }, 'sk1');
    return { kid: row.kid, privateKey: createPrivateKey({ key: keyring.open(row.private_key_sealed, `signing_keys.private_key.${row.kid}`), format: 'pem' }) };
  } finally {
    await client.end();
  }
}

/** An access token as auth would issue it; super-admins carry amr pwd+otp (MFA is mandatory for them). */
export function signAccessToken(key: SigningKey, role: TestRole, userId: string = randomUUID(), ttlSeconds = 600): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    { role, sid: randomUUID(), amr: role === 'super-admin' ? ['pwd', 'otp'] : ['pwd'], iat: now, nbf: now, exp: now + ttlSeconds },
    key.privateKey,
    { algorithm: 'ES256', keyid: key.kid, issuer: 'ecar-auth', audience: 'ecar-api', subject: userId, jwtid: randomUUID() },
  );
}
