import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { createInternalCa, issueServiceCertificate, type Credential } from '@ecar/tls/pki';
import { startGateway } from '../../gateway/src/gateway.ts';
import { startStack, type Stack } from '../support/stack.ts';

/*
 * Finding 9 of issue 12: nginx reaches the gateway over mutual TLS, but the gateway accepted any
 * certificate of the internal CA, so a service's certificate could use the gateway's listener as
 * if it were the edge. Now the listener serves the API and the web app only to the peer whose
 * verified certificate names nginx (the same certificate-name check as X-Forwarded-For, @ecar/http
 * `requirePeer`); health and metrics stay open to every internal peer (health checks, Prometheus).
 */

let stack: Stack;
let ca: Credential;
let nginxCert: Credential;
let garageCert: Credential;

const names = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };

function identity(credential: Credential): NodeJS.ProcessEnv {
  return { ECAR_TLS_CERT: credential.certPem, ECAR_TLS_KEY: credential.keyPem, ECAR_TLS_CA: ca.certPem };
}

function get(path: string, peer: Credential | undefined): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(new URL(path, stack.gateway.url), { ca: ca.certPem, ...(peer ? { cert: peer.certPem, key: peer.keyPem } : {}), timeout: 5_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type'] ?? ''), body }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

describe("the gateway's listener serves nginx's certificate only (issue 12, finding 9)", () => {
  before(async () => {
    ca = createInternalCa('ECAR edge-peer test CA');
    nginxCert = issueServiceCertificate(ca, { name: 'nginx', ...names });
    garageCert = issueServiceCertificate(ca, { name: 'garage', ...names });
    stack = await startStack(
      'edgepeer',
      {
        ...identity(issueServiceCertificate(ca, { name: 'gateway', ...names })),
        LISTEN_TLS: 'true',
        GARAGE_URL: 'https://127.0.0.1:9',
        BILLING_URL: 'https://127.0.0.1:9',
        BACKUP_URL: 'https://127.0.0.1:9',
        NOTIFY_URL: 'https://127.0.0.1:9',
      },
      identity(issueServiceCertificate(ca, { name: 'auth', ...names })),
      identity(issueServiceCertificate(ca, { name: 'audit', ...names })),
    );
  });
  after(async () => {
    await stack?.stop();
  });

  it("proxies for nginx's certificate; another internal certificate gets 403 problem+json", async () => {
    assert.match(stack.gateway.url, /^https:/);
    const edge = await get('/.well-known/jwks.json', nginxCert);
    assert.equal(edge.status, 200, edge.body);
    assert.ok(Array.isArray((JSON.parse(edge.body) as { keys?: unknown }).keys));

    for (const path of ['/.well-known/jwks.json', '/api/v1/auth/csrf', '/app/']) {
      const service = await get(path, garageCert);
      assert.equal(service.status, 403, `${path}: ${service.body}`);
      assert.match(service.type, /application\/problem\+json/);
      assert.match(service.body, /nginx only/);
    }
  });

  it('health and metrics answer every internal peer; a client without a certificate is refused at the handshake', async () => {
    assert.equal((await get('/health/live', garageCert)).status, 200);
    assert.equal((await get('/metrics', garageCert)).status, 200);
    await assert.rejects(get('/health/live', undefined));
  });

  it('LISTEN_TLS cannot be turned off in production, and needs a TLS identity', async () => {
    await assert.rejects(startGateway({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'error', LISTEN_TLS: 'true' }), /LISTEN_TLS needs the gateway's TLS identity/);
    await assert.rejects(startGateway({ NODE_ENV: 'production', LISTEN_TLS: 'false' }), /LISTEN_TLS cannot be turned off in production/);
  });
});
