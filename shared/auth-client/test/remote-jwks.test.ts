import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AppError } from '@ecar/errors';
import { RemoteJwks } from '../src/index.ts';

/** Finding 9 of issue 12: the JWKS keeps serving the last good keys while auth is down. */
describe('RemoteJwks', () => {
  let server: http.Server;
  let url = '';
  let up = true;
  let fetches = 0;
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' };

  before(async () => {
    server = http.createServer((_req, res) => {
      fetches++;
      if (!up) {
        res.statusCode = 503;
        res.end('{}');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('serves the last good keys when a refetch fails, retrying at most once per minRefetchMs', async () => {
    up = true;
    const jwks = new RemoteJwks(url, { maxAgeMs: 1, minRefetchMs: 50 });
    assert.ok(await jwks.keyFor('k1'));
    up = false;
    await new Promise((resolve) => setTimeout(resolve, 60));
    const before = fetches;
    assert.ok(await jwks.keyFor('k1'), 'the cached key, although its refetch failed');
    assert.ok(await jwks.keyFor('k1'));
    assert.equal(await jwks.keyFor('unknown'), undefined);
    assert.equal(fetches - before, 1, 'one failed refetch, then the last good keys until minRefetchMs passed');
    up = true;
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.ok(await jwks.keyFor('k1'));
    assert.equal(fetches - before, 2, 'fetched again once auth answers');
  });

  it('with no keys ever loaded, a failing JWKS is a 503, not an unexpected error', async () => {
    up = false;
    const jwks = new RemoteJwks(url, { minRefetchMs: 50 });
    await assert.rejects(jwks.keyFor('k1'), (error: unknown) => error instanceof AppError && error.status === 503);
    up = true;
  });
});
