import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { devSecret } from '@ecar/config';
import { Keyring } from '@ecar/crypto';
import { waitFor } from '@ecar/testkit';
import { authService, type AuthService } from '../../services/auth/src/service.ts';
import { call, loginAsAdmin, startStack, type Stack } from '../support/stack.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let stack: Stack;
let replica: AuthService | undefined;

const kidOf = (token: string) => String(jwt.decode(token, { complete: true })?.header.kid);

async function jwksKids(baseUrl: string): Promise<string[]> {
  const response = await call(baseUrl, '/.well-known/jwks.json');
  return (response.body['keys'] as Array<{ kid: string }>).map((key) => key.kid);
}

/** The rotation command exactly as an operator runs it, against the stack's auth database. */
async function runRotationCli(...args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/auth/src/cli/rotate-signing-key.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...stack.env.auth },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, output);
  const match = /new signing key: (\S+)/.exec(output);
  assert.ok(match?.[1], output);
  return match[1];
}

/** The active signing key's private half, as someone who stole it holds it. */
async function activePrivateKey(): Promise<string> {
  const client = new pg.Client({ connectionString: stack.databases.auth.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ kid: string; sealed: string }>(`SELECT kid, private_key_sealed AS sealed FROM signing_keys WHERE retired_at IS NULL`);
    const keyring = new Keyring({ sk1: Buffer.from(devSecret('SIGNING_KEY_ENCRYPTION_KEY'), 'base64') }, 'sk1');
    return keyring.openText(rows[0]!.sealed, `signing_keys.private_key.${rows[0]!.kid}`);
  } finally {
    await client.end();
  }
}

/** A token signed with `privatePem` under `kid`, for the admin of `accessToken`, with a session id of the forger's choosing. */
function forgeToken(accessToken: string, privatePem: string, kid: string, sessionId: string = randomUUID()): string {
  const claims = jwt.decode(accessToken) as jwt.JwtPayload;
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    { iss: 'ecar-auth', aud: 'ecar-api', sub: claims.sub, role: 'super-admin', sid: sessionId, jti: randomUUID(), amr: ['pwd', 'otp'], iat: now, nbf: now, exp: now + 600 },
    createPrivateKey(privatePem),
    { algorithm: 'ES256', keyid: kid },
  );
}

describe('signing-key rotation by kid (AUTH-1)', () => {
  before(async () => {
    stack = await startStack('keys', {}, { SIGNING_KEY_RELOAD_SECONDS: '1' });
  });
  after(async () => {
    await replica?.stop();
    await stack?.stop();
  });

  it('rotation logs nobody out: old tokens verify until they expire, every replica signs with the new key', async () => {
    replica = await authService.start({ ...stack.env.auth, PORT: '0' });
    const earlier = await loginAsAdmin(stack.gateway.url);
    const oldKid = kidOf(earlier.accessToken);
    assert.deepEqual(await jwksKids(stack.gateway.url), [oldKid]);

    const newKid = await runRotationCli();
    assert.notEqual(newKid, oldKid);
    for (const base of [stack.auth.url, replica.url]) {
      await waitFor(async () => ((await jwksKids(base)).join() === [newKid, oldKid].join() ? true : undefined), {
        timeoutMs: 10_000,
        what: `${base} to publish the new key and keep the previous one`,
      });
    }
    assert.equal((await call(stack.gateway.url, '/api/v1/audit/events?limit=1', { token: earlier.accessToken })).status, 200, 'a token of the previous key still works');
    assert.equal((await call(stack.auth.url, '/api/v1/auth/me', { token: earlier.accessToken })).status, 200);

    const later = await loginAsAdmin(stack.gateway.url);
    assert.equal(kidOf(later.accessToken), newKid, 'the serving replica signs with the new key');
    const viaReplica = await call(replica.url, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: later.refreshToken } });
    assert.equal(viaReplica.status, 200);
    assert.equal(kidOf(String(viaReplica.body['accessToken'])), newKid, 'so does the other replica');
    await waitFor(async () => ((await call(stack.gateway.url, '/api/v1/audit/events?limit=1', { token: String(viaReplica.body['accessToken']) })).status === 200 ? true : undefined), {
      timeoutMs: 5_000,
      what: 'the gateway to fetch the new key',
    });

    const rotated = await waitFor(async () => {
      const response = await call(stack.gateway.url, '/api/v1/audit/events?type=auth.signing_key.rotated', { token: later.accessToken });
      return (response.body['items'] as Array<Record<string, unknown>>).find((item) => (item['data'] as Record<string, unknown>)['kid'] === newKid);
    }, { what: 'auth.signing_key.rotated in audit' });
    assert.ok(rotated);
  });

  it('a token naming an unknown kid is refused, even when signed by a real key', async () => {
    const { accessToken } = await loginAsAdmin(stack.gateway.url);
    const forged = forgeToken(accessToken, await activePrivateKey(), `unknown-${randomUUID()}`, String((jwt.decode(accessToken) as jwt.JwtPayload)['sid']));
    assert.equal((await call(stack.gateway.url, '/api/v1/audit/events?limit=1', { token: forged })).status, 401);
    assert.equal((await call(stack.auth.url, '/api/v1/auth/me', { token: forged })).status, 401);
    assert.equal((await call(stack.audit.url, '/api/v1/audit/events?limit=1', { token: forged })).status, 401);
  });

  it('a compromised key is revoked at once (issue 12 finding 9): --revoke withdraws it from the JWKS, and the gateway, a service and auth refuse its tokens, cached or forged', async () => {
    const victim = await loginAsAdmin(stack.gateway.url);
    const compromised = kidOf(victim.accessToken);
    const forged = forgeToken(victim.accessToken, await activePrivateKey(), compromised);
    // Before: the real and the forged token pass everywhere (and sit in each verifier's cache).
    for (const token of [victim.accessToken, forged]) {
      assert.equal((await call(stack.gateway.url, '/api/v1/audit/events?limit=1', { token })).status, 200);
      assert.equal((await call(stack.audit.url, '/api/v1/audit/events?limit=1', { token })).status, 200);
    }
    assert.equal((await call(stack.auth.url, '/api/v1/auth/me', { token: victim.accessToken })).status, 200);

    const replacement = await runRotationCli('--revoke');
    // The revocation travels as an event, not as a cache expiry (JWKS caches hold keys for 10 minutes).
    await waitFor(async () => ((await call(stack.gateway.url, '/api/v1/audit/events?limit=1', { token: victim.accessToken })).status === 401 ? true : undefined), {
      what: 'the gateway to refuse the revoked key',
    });
    assert.equal((await call(stack.gateway.url, '/api/v1/audit/events?limit=1', { token: forged })).status, 401, 'a forged token with a fresh session id too');
    await waitFor(async () => ((await call(stack.audit.url, '/api/v1/audit/events?limit=1', { token: forged })).status === 401 ? true : undefined), { what: 'audit to refuse the revoked key' });
    assert.equal((await call(stack.audit.url, '/api/v1/audit/events?limit=1', { token: victim.accessToken })).status, 401);
    await waitFor(async () => ((await call(stack.auth.url, '/api/v1/auth/me', { token: victim.accessToken })).status === 401 ? true : undefined), {
      what: 'auth to drop the key (SIGNING_KEY_RELOAD_SECONDS)',
    });
    for (const base of [stack.auth.url, replica!.url]) {
      await waitFor(async () => ((await jwksKids(base)).join() === replacement ? true : undefined), { timeoutMs: 10_000, what: `${base} to publish only the new key` });
    }
    // A verifier that missed the event learns it from auth's snapshot.
    const snapshot = await call(stack.auth.url, '/internal/v1/revoked-sessions');
    assert.ok((snapshot.body['revokedKeys'] as string[]).includes(compromised), JSON.stringify(snapshot.body));

    const after = await loginAsAdmin(stack.gateway.url);
    assert.equal(kidOf(after.accessToken), replacement);
    await waitFor(async () => ((await call(stack.gateway.url, '/api/v1/audit/events?limit=1', { token: after.accessToken })).status === 200 ? true : undefined), { what: 'the new key served' });
    const revokedEvent = await waitFor(async () => {
      const response = await call(stack.gateway.url, '/api/v1/audit/events?type=auth.signing_key.revoked', { token: after.accessToken });
      return (response.body['items'] as Array<Record<string, unknown>>).find((item) => (item['data'] as Record<string, unknown>)['kid'] === compromised);
    }, { what: 'auth.signing_key.revoked in audit' });
    assert.ok(revokedEvent);
  });
});
