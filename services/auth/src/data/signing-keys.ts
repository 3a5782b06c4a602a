import type { EntityManager } from '@ecar/db';

export interface SigningKeyRow {
  kid: string;
  publicJwk: Record<string, unknown>;
  privateKeySealed: string;
  createdAt: Date;
  retiredAt: Date | null;
}

const COLUMNS = `kid, public_jwk AS "publicJwk", private_key_sealed AS "privateKeySealed", created_at AS "createdAt", retired_at AS "retiredAt"`;

/** Keys still published in the JWKS: the current one and those retired less than `graceSeconds` ago. */
export async function publishedSigningKeys(db: EntityManager, graceSeconds: number): Promise<SigningKeyRow[]> {
  return db.query(
    `SELECT ${COLUMNS} FROM signing_keys
      WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1)
      ORDER BY created_at DESC`,
    [graceSeconds],
  );
}

export async function insertSigningKey(db: EntityManager, key: Omit<SigningKeyRow, 'createdAt' | 'retiredAt'>): Promise<void> {
  await db.query(`INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key_sealed) VALUES ($1, 'ES256', $2, $3)`, [
    key.kid,
    JSON.stringify(key.publicJwk),
    key.privateKeySealed,
  ]);
}

export async function retireSigningKeysExcept(db: EntityManager, kid: string): Promise<void> {
  await db.query(`UPDATE signing_keys SET retired_at = now() WHERE kid <> $1 AND retired_at IS NULL`, [kid]);
}
