import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createInternalCa, issueServiceCertificate, type Credential } from '@ecar/tls/pki';
import { call, startStack, type Stack } from '../support/stack.ts';
import { loginWithForwardedFor } from '../support/tls-login.ts';

/*
 * Finding 1 of issue 12: services believed X-Forwarded-For from loopback only, so in containers
 * (the gateway on its own address) every login came from the gateway's address: one shared
 * per-IP lock for everyone, wrong recorded addresses. Now a service believes the header only
 * from the peer whose verified mutual-TLS certificate names the gateway, whatever its address.
 *
 * Here auth trusts no address at all for forwarding (TRUST_PROXY names one nobody uses, as a
 * gateway container's address is not loopback), and the other internal peer connects from a
 * different loopback address (127.0.0.3), so the service's view of addresses is checked apart
 * from the test machine's single host.
 */

let stack: Stack;
let ca: Credential;
let auditCert: Credential;
let gatewayCert: Credential;

function identity(credential: Credential): NodeJS.ProcessEnv {
  return { ECAR_TLS_CERT: credential.certPem, ECAR_TLS_KEY: credential.keyPem, ECAR_TLS_CA: ca.certPem };
}

/** A login attempt straight to auth over mutual TLS, as `peer`, from `localAddress`. */
function loginAs(peer: Credential, localAddress: string, forwardedFor: string, email: string): Promise<number> {
  return loginWithForwardedFor(stack.auth.url, { cert: peer.certPem, key: peer.keyPem, ca: ca.certPem, localAddress }, forwardedFor, email);
}

async function authRows<T>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.databases.auth.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The addresses auth recorded for failed logins of `email`: on its auth.login.failed events (what audit stores). */
async function recordedAddresses(email: string): Promise<string[]> {
  const rows = await authRows<{ payload: string }>(`SELECT payload FROM outbox_events WHERE type = 'auth.login.failed' ORDER BY seq`);
  return rows
    .map((row) => JSON.parse(row.payload) as { actor?: { ip?: string }; data?: { email?: string } })
    .filter((event) => JSON.stringify(event).includes(email))
    .map((event) => String(event.actor?.ip));
}

describe('the client address a service sees is the one the gateway established (issue 12, finding 1)', () => {
  before(async () => {
    ca = createInternalCa('ECAR test CA');
    const names = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
    gatewayCert = issueServiceCertificate(ca, { name: 'gateway', ...names });
    auditCert = issueServiceCertificate(ca, { name: 'audit', ...names });
    stack = await startStack(
      'clientaddr',
      // nginx is the one hop in front of the gateway: its X-Forwarded-For names the client.
      { ...identity(gatewayCert), TRUST_PROXY_HOPS: '1', GARAGE_URL: 'https://127.0.0.1:9', BILLING_URL: 'https://127.0.0.1:9', BACKUP_URL: 'https://127.0.0.1:9', NOTIFY_URL: 'https://127.0.0.1:9' },
      { ...identity(issueServiceCertificate(ca, { name: 'auth', ...names })), TRUST_PROXY: '192.0.2.250' },
      identity(auditCert),
    );
  });
  after(async () => {
    await stack?.stop();
  });

  it("through the gateway, auth locks and records the client's address, not the gateway's", async () => {
    const email = 'through-gateway@example.tn';
    const failed = await call(stack.gateway.url, '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'x-forwarded-for': '203.0.113.7' },
      json: { email, password: 'Wrong-password-42!', client: 'mobile' },
    });
    assert.equal(failed.status, 401, JSON.stringify(failed.body));
    const keys = (await authRows<{ key: string }>('SELECT key FROM login_throttle')).map((row) => row.key);
    assert.ok(keys.includes('ip:203.0.113.7'), `per-IP throttle keyed by the client: ${keys.join(', ')}`);
    assert.ok(!keys.includes('ip:127.0.0.1'), 'not by the gateway');
    assert.deepEqual(await recordedAddresses(email), ['203.0.113.7']);
  });

  it('another internal peer cannot choose the address: it does not even reach the sign-in (403, nothing counted or recorded)', async () => {
    const email = 'other-peer@example.tn';
    // auth's API answers the gateway's certificate only (issue 12 finding 9, `PEERS.api`).
    assert.equal(await loginAs(auditCert, '127.0.0.3', '198.51.100.9', email), 403);
    assert.deepEqual(await recordedAddresses(email), []);
    const keys = (await authRows<{ key: string }>('SELECT key FROM login_throttle')).map((row) => row.key);
    assert.ok(!keys.includes('ip:198.51.100.9') && !keys.includes('ip:127.0.0.3'), 'a refused peer sets nothing');

    // The gateway's certificate, from any address, is what makes the header believed.
    const viaGatewayIdentity = 'gateway-identity@example.tn';
    assert.equal(await loginAs(gatewayCert, '127.0.0.4', '198.51.100.10', viaGatewayIdentity), 401);
    assert.deepEqual(await recordedAddresses(viaGatewayIdentity), ['198.51.100.10']);
  });
});
