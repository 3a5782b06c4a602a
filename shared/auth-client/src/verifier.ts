import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { serviceUnavailable } from '@ecar/errors';
import { getJson, type InternalTls } from '@ecar/tls';
import { ACCESS_TOKEN_ALGORITHM, principalFromClaims, type Principal } from './claims.ts';

export interface KeySource {
  /** The current public keys by `kid`. */
  keys(): Promise<Map<string, KeyObject>>;
}

export class TokenRejected extends Error {
  constructor(readonly reason: string) {
    super(`access token rejected: ${reason}`);
  }
}

interface Jwk extends JsonWebKey {
  kid?: string;
  alg?: string;
  use?: string;
}

export function keysFromJwks(document: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = (document as { keys?: unknown })?.keys;
  if (!Array.isArray(list)) throw new Error('JWKS document has no keys array');
  for (const jwk of list as Jwk[]) {
    if (typeof jwk.kid !== 'string' || jwk.alg !== ACCESS_TOKEN_ALGORITHM || jwk.kty !== 'EC' || jwk.crv !== 'P-256') continue;
    const { kid, alg: _alg, use: _use, ...material } = jwk;
    keys.set(kid, createPublicKey({ key: material, format: 'jwk' }));
  }
  return keys;
}

/**
 * Fetches the auth service's JWKS, keeps the parsed KeyObjects (parsing a PEM per call costs
 * 3.5x, see BASELINES.md), and refetches when a token names an unknown `kid` — at most once per
 * `minRefetchMs`, so forged kids cannot turn the gateway into a JWKS flooder. When a refetch
 * fails (auth down) the last good keys keep serving (finding 9 of issue 12), retried at most once
 * per `minRefetchMs`; with no keys ever loaded the request gets 503, never a 500.
 */
export class RemoteJwks implements KeySource {
  private cache = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private attemptedAt = 0;
  private inflight: Promise<Map<string, KeyObject>> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: { minRefetchMs?: number; maxAgeMs?: number; timeoutMs?: number; tls?: InternalTls | undefined } = {},
  ) {}

  async keys(): Promise<Map<string, KeyObject>> {
    const maxAge = this.options.maxAgeMs ?? 10 * 60_000;
    if (this.fetchedAt > 0 && Date.now() - this.fetchedAt < maxAge) return this.cache;
    if (this.fetchedAt > 0 && this.triedRecently()) return this.cache;
    return this.refreshOrLastGood();
  }

  async keyFor(kid: string): Promise<KeyObject | undefined> {
    const known = (await this.keys()).get(kid);
    if (known) return known;
    if (this.triedRecently()) return undefined;
    return (await this.refreshOrLastGood()).get(kid);
  }

  private triedRecently(): boolean {
    return Date.now() - this.attemptedAt < (this.options.minRefetchMs ?? 5_000);
  }

  private async refreshOrLastGood(): Promise<Map<string, KeyObject>> {
    try {
      return await this.refresh();
    } catch {
      if (this.fetchedAt > 0) return this.cache;
      throw serviceUnavailable('The token signing keys cannot be loaded right now; try again shortly', 5);
    }
  }

  private refresh(): Promise<Map<string, KeyObject>> {
    this.inflight ??= (async () => {
      this.attemptedAt = Date.now();
      try {
        this.cache = keysFromJwks(await getJson(this.url, { tls: this.options.tls, timeoutMs: this.options.timeoutMs ?? 3_000 }));
        this.fetchedAt = Date.now();
        return this.cache;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}

export interface VerifierOptions {
  issuer: string;
  audience: string;
  keyFor(kid: string): Promise<KeyObject | undefined>;
  /**
   * Revoked sessions (deny-list fed by `auth.session.revoked`, or auth's own sessions table). It
   * may throw an AppError (503 while revocations cannot be checked): the request is then refused.
   */
  isRevoked?(principal: Principal): boolean | Promise<boolean>;
  clockToleranceSeconds?: number;
}

/** Verifies an access token: ES256 only, known `kid`, iss/aud/exp/nbf checked, required claims present. */
export class AccessTokenVerifier {
  constructor(private readonly options: VerifierOptions) {}

  /**
   * Tokens already verified, by their exact text, until they expire: a hit skips the ECDSA check
   * (the gateway's largest per-request cost) but never the revocation check below. Bounded; the
   * oldest entry goes first.
   */
  private readonly verified = new Map<string, Principal>();
  private static readonly CACHE_LIMIT = 10_000;

  async verify(token: string): Promise<Principal> {
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.expiresAt * 1000 > Date.now()) {
        if (await this.options.isRevoked?.(cached)) throw new TokenRejected('session revoked');
        return cached;
      }
      this.verified.delete(token);
    }
    const principal = await this.verifyUncached(token);
    if (this.verified.size >= AccessTokenVerifier.CACHE_LIMIT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, principal);
    return principal;
  }

  private async verifyUncached(token: string): Promise<Principal> {
    if (token.length > 4096) throw new TokenRejected('token too long');
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new TokenRejected('malformed');
    if (decoded.header.alg !== ACCESS_TOKEN_ALGORITHM) throw new TokenRejected('algorithm not allowed');
    const kid = decoded.header.kid;
    if (typeof kid !== 'string' || kid.length > 128) throw new TokenRejected('missing kid');
    const key = await this.options.keyFor(kid);
    if (!key) throw new TokenRejected('unknown kid');
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
        complete: false,
      }) as jwt.JwtPayload;
    } catch (error) {
      throw new TokenRejected((error as Error).message);
    }
    if (typeof claims.nbf !== 'number' || typeof claims.iat !== 'number') throw new TokenRejected('missing nbf/iat');
    const claimed = principalFromClaims(claims);
    if (!claimed) throw new TokenRejected('missing claims');
    const principal: Principal = { ...claimed, keyId: kid };
    if (await this.options.isRevoked?.(principal)) throw new TokenRejected('session revoked');
    return principal;
  }
}
