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

/**
 * Revokes every key but `kid` at once (a compromise): `retired_at = '-infinity'` takes them out of
 * the JWKS now, where a retired key stays one token lifetime. Returns the keys newly revoked.
 */
export async function revokeSigningKeysExcept(db: EntityManager, kid: string): Promise<string[]> {
  const rows: Array<{ kid: string }> = await db.query(`SELECT kid FROM signing_keys WHERE kid <> $1 AND (retired_at IS NULL OR retired_at <> '-infinity') FOR UPDATE`, [kid]);
  const kids = rows.map((row) => row.kid);
  if (kids.length > 0) await db.query(`UPDATE signing_keys SET retired_at = '-infinity' WHERE kid = ANY($1)`, [kids]);
  return kids;
}

/** The revoked keys (auth's revocation snapshot lists them for verifiers that missed the event). */
export async function revokedSigningKeys(db: EntityManager): Promise<string[]> {
  const rows: Array<{ kid: string }> = await db.query(`SELECT kid FROM signing_keys WHERE retired_at = '-infinity' ORDER BY created_at`);
  return rows.map((row) => row.kid);
}
