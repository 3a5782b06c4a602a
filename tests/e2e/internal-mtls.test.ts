import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@ecar/testkit';
import { clientTlsOptions } from '@ecar/tls';
import { createInternalCa, issueServiceCertificate, type Credential } from '@ecar/tls/pki';
import { backupService } from '../../services/backup/src/service.ts';
import { call, loginAsAdmin, startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
let ca: Credential;
let gatewayCert: Credential;

function identity(credential: Credential): NodeJS.ProcessEnv {
  return { ECAR_TLS_CERT: credential.certPem, ECAR_TLS_KEY: credential.keyPem, ECAR_TLS_CA: ca.certPem };
}

function get(url: string, options: https.RequestOptions): Promise<number> {
  return answer(url, options).then((response) => response.status);
}

function answer(url: string, options: https.RequestOptions, method = 'GET'): Promise<{ status: number; type: string }> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https') ? https : http).request(url, { ...options, method, timeout: 3000 }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type'] ?? '') });
    });
    request.end();
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

/**
 * auth, audit and the gateway each with a certificate of one internal CA: the gateway reaches the
 * services, and audit reaches auth's JWKS, only over mutual TLS (ENC-6).
 */
describe('internal mutual TLS between deployables (ENC-6)', () => {
  before(async () => {
    ca = createInternalCa('ECAR test CA');
    const names = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
    gatewayCert = issueServiceCertificate(ca, { name: 'gateway', ...names });
    stack = await startStack(
      'mtls',
      // Services this test does not start still need https URLs: the gateway refuses plain ones.
      { ...identity(gatewayCert), GARAGE_URL: 'https://127.0.0.1:9', BILLING_URL: 'https://127.0.0.1:9', BACKUP_URL: 'https://127.0.0.1:9', NOTIFY_URL: 'https://127.0.0.1:9' },
      identity(issueServiceCertificate(ca, { name: 'auth', ...names })),
      identity(issueServiceCertificate(ca, { name: 'audit', ...names })),
    );
  });
  after(async () => {
    await stack?.stop();
  });

  it('the whole chain works over mutual TLS: gateway → auth, gateway → audit, audit → auth JWKS', async () => {
    assert.match(stack.auth.url, /^https:/);
    assert.match(stack.audit.url, /^https:/);
    const { accessToken } = await loginAsAdmin(stack.gateway.url);
    assert.equal((await call(stack.gateway.url, '/api/v1/auth/me', { token: accessToken })).status, 200);
    await waitFor(
      async () => {
        const events = await call(stack.gateway.url, '/api/v1/audit/events?type=auth.login.succeeded', { token: accessToken });
        return events.status === 200 && (events.body['items'] as unknown[]).length > 0 ? true : undefined;
      },
      { what: 'audit events through the gateway over mTLS' },
    );
  });

  it('a service serves a client holding a certificate of the internal CA', async () => {
    const tls = clientTlsOptions({ cert: gatewayCert.certPem, key: gatewayCert.keyPem, ca: ca.certPem });
    assert.equal(await get(`${stack.audit.url}/health/live`, tls), 200);
  });

  it("each route answers only the peers its route table names (issue 12 finding 9): auth's /internal and JWKS the token verifiers, its API the gateway, health and metrics every peer", async () => {
    const names = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
    const as = (name: string) => {
      const credential = issueServiceCertificate(ca, { name, ...names });
      return clientTlsOptions({ cert: credential.certPem, key: credential.keyPem, ca: ca.certPem });
    };
    const [gateway, audit, garage, nginx, prometheus] = [as('gateway'), as('audit'), as('garage'), as('nginx'), as('prometheus')];
    const revoked = `${stack.auth.url}/internal/v1/revoked-sessions`;
    const jwks = `${stack.auth.url}/.well-known/jwks.json`;
    // The peers that really call them: the gateway and the services verifying tokens themselves.
    for (const peer of [gateway, audit, garage]) {
      assert.equal((await answer(revoked, peer)).status, 200);
      assert.equal((await answer(jwks, peer)).status, 200);
    }
    // A certificate of the internal CA that calls neither (the edge, the metrics scraper): 403 problem+json.
    for (const peer of [nginx, prometheus]) {
      for (const url of [revoked, jwks, `${stack.auth.url}/api/v1/auth/csrf`, `${stack.auth.url}/no/such/route`]) {
        const refused = await answer(url, peer);
        assert.deepEqual([refused.status, refused.type.split(';')[0]], [403, 'application/problem+json'], url);
      }
    }
    // The API of a service: the gateway only (a service's own certificate does not reach another's API).
    assert.equal((await answer(`${stack.auth.url}/api/v1/auth/csrf`, gateway)).status, 401, 'the gateway passes the peer check, then needs a token');
    assert.equal((await answer(`${stack.auth.url}/api/v1/auth/csrf`, audit)).status, 403);
    assert.equal((await answer(`${stack.audit.url}/api/v1/audit/events`, garage)).status, 403);
    assert.equal((await answer(`${stack.audit.url}/api/v1/audit/events`, gateway)).status, 401, 'the gateway passes the peer check, then needs a token');
    // Health and metrics: every internal peer (the container's health check, Prometheus).
    for (const peer of [prometheus, nginx]) {
      assert.equal((await answer(`${stack.auth.url}/health/live`, peer)).status, 200);
      assert.equal((await answer(`${stack.auth.url}/metrics`, peer)).status, 200);
    }
  });

  it('refuses clients without a certificate, with one from another CA, and plain HTTP', async () => {
    await assert.rejects(get(`${stack.audit.url}/health/live`, { ca: ca.certPem }));
    const rogueCa = createInternalCa('rogue CA');
    const rogue = issueServiceCertificate(rogueCa, { name: 'gateway' });
    await assert.rejects(get(`${stack.audit.url}/health/live`, { cert: rogue.certPem, key: rogue.keyPem, ca: ca.certPem }));
    await assert.rejects(get(stack.audit.url.replace('https:', 'http:') + '/health/live', {}));
  });

  it('a client refuses a server whose certificate is not from the internal CA', async () => {
    const rogueCa = createInternalCa('rogue CA');
    await assert.rejects(get(`${stack.audit.url}/health/live`, { cert: gatewayCert.certPem, key: gatewayCert.keyPem, ca: rogueCa.certPem }));
  });

  it('production refuses to start a service without its TLS identity', async () => {
    await assert.rejects(backupService.start({ NODE_ENV: 'production' }), (error: Error) => /ECAR_TLS_CERT is required in production/.test(error.message));
  });
});
