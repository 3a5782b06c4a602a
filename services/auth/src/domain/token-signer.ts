import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_ALGORITHM } from '@ecar/auth-client';
import { newEvent, type Role } from '@ecar/contracts';
import type { Keyring } from '@ecar/crypto';
import type { UnitOfWork } from '@ecar/runtime';
import { lockForTransaction } from '../data/advisory-locks.ts';
import { insertSigningKey, publishedSigningKeys, retireSigningKeysExcept, revokedSigningKeys, revokeSigningKeysExcept, type SigningKeyRow } from '../data/signing-keys.ts';
import { authorOf, inTransaction, publish } from './auth-events.ts';

interface LoadedKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

export interface AccessTokenClaims {
  userId: string;
  role: Role;
  sessionId: string;
  mfa: boolean;
  /** SHA-256 of the session's CSRF token (web sessions): any verifier can check X-CSRF-Token against it. */
  csrfHash?: string;
}

/**
 * ES256 signing keys kept in the auth database, private halves sealed with the keyring. The JWKS
 * serves the current key and the keys retired less than one access-token lifetime ago, so a
 * rotation logs nobody out.
 */
export class TokenSigner {
  private current: LoadedKey | undefined;
  private published: Record<string, unknown>[] = [];
  private publicKeys = new Map<string, KeyObject>();

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly keyring: Keyring,
    private readonly options: { issuer: string; audience: string; accessTtlSeconds: number },
  ) {}

  private aad(kid: string): string {
    return `signing_keys.private_key.${kid}`;
  }

  async load(): Promise<void> {
    let rows = await publishedSigningKeys(this.unitOfWork.dataSource.manager, this.options.accessTtlSeconds + 60);
    if (!rows.some((row) => row.retiredAt === null)) {
      await this.rotate();
      rows = await publishedSigningKeys(this.unitOfWork.dataSource.manager, this.options.accessTtlSeconds + 60);
    }
    this.adopt(rows);
  }

  /** Adopts the keys as stored now: a rotation by another replica or the CLI (run on a schedule). */
  async reload(): Promise<void> {
    const rows = await publishedSigningKeys(this.unitOfWork.dataSource.manager, this.options.accessTtlSeconds + 60);
    if (rows.some((row) => row.retiredAt === null)) this.adopt(rows);
  }

  private adopt(rows: SigningKeyRow[]): void {
    const active = rows.find((row) => row.retiredAt === null);
    if (!active) throw new Error('no active signing key');
    this.current = {
      kid: active.kid,
      publicJwk: active.publicJwk,
      privateKey: createPrivateKey({ key: this.keyring.open(active.privateKeySealed, this.aad(active.kid)), format: 'pem' }),
    };
    this.published = rows.map((row) => ({ ...row.publicJwk, kid: row.kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' }));
    this.publicKeys = new Map(rows.map((row) => [row.kid, createPublicKey({ key: row.publicJwk as JsonWebKey, format: 'jwk' })]));
  }

  /**
   * Creates a new key and retires the others (they stay in the JWKS for one token lifetime), or,
   * with `revoke` (a compromised key), revokes them: out of the JWKS at once, and
   * `auth.signing_key.revoked` makes every verifier refuse their tokens, cached ones included.
   */
  async rotate(actor = 'key-rotation', options: { revoke?: boolean } = {}): Promise<string> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = `${new Date().toISOString().slice(0, 10)}-${randomBytes(6).toString('hex')}`;
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
    await inTransaction(this.unitOfWork, async (db) => {
      // Two replicas starting at once must not retire each other's new key.
      await lockForTransaction(db, 'signing_keys');
      await insertSigningKey(db, {
        kid,
        publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown>,
        privateKeySealed: this.keyring.seal(pem, this.aad(kid)),
      });
      await retireSigningKeysExcept(db, kid);
      await publish(this.unitOfWork, db, newEvent(authorOf({ system: actor }, `rotate-${kid}`), 'auth.signing_key.rotated', { type: 'signing_key', id: kid }, { kid }));
      if (options.revoke) {
        for (const revoked of await revokeSigningKeysExcept(db, kid)) {
          await publish(this.unitOfWork, db, newEvent(authorOf({ system: actor }, `revoke-${revoked}`), 'auth.signing_key.revoked', { type: 'signing_key', id: revoked }, { kid: revoked }));
        }
      }
    });
    if (this.current) this.adopt(await publishedSigningKeys(this.unitOfWork.dataSource.manager, this.options.accessTtlSeconds + 60));
    return kid;
  }

  /** The revoked keys' ids, from the database (every replica's view, not this one's). */
  revokedKeys(): Promise<string[]> {
    return revokedSigningKeys(this.unitOfWork.dataSource.manager);
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.published };
  }

  sign(claims: AccessTokenClaims): { token: string; expiresIn: number; tokenId: string } {
    if (!this.current) throw new Error('signing keys not loaded');
    const tokenId = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign(
      {
        role: claims.role,
        sid: claims.sessionId,
        amr: claims.mfa ? ['pwd', 'otp'] : ['pwd'],
        nbf: now,
        ...(claims.csrfHash ? { csh: claims.csrfHash } : {}),
      },
      this.current.privateKey,
      {
        algorithm: ACCESS_TOKEN_ALGORITHM,
        keyid: this.current.kid,
        issuer: this.options.issuer,
        audience: this.options.audience,
        subject: claims.userId,
        jwtid: tokenId,
        expiresIn: this.options.accessTtlSeconds,
      },
    );
    return { token, expiresIn: this.options.accessTtlSeconds, tokenId };
  }

  /** Public keys by kid, for the auth service's own verification of the tokens it issued. */
  publicKeyFor(kid: string): KeyObject | undefined {
    return this.publicKeys.get(kid);
  }
}
