import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { AMQP_URL, PG_ADMIN_URL, createBusNamespace, createTestDatabase, startChild, terminate, type BusNamespace, type ChildService, type TestDatabase } from '@ecar/testkit';
import { clientTlsOptions } from '@ecar/tls';
import { createInternalCa, issueServiceCertificate, type Credential } from '@ecar/tls/pki';
import { sharedMailbox } from '../support/fake-smtp.ts';
import { useMailbox } from '../support/mfa.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, loginAsAdmin, useAdminAuthenticator } from '../support/stack.ts';
import { loginWithForwardedFor } from '../support/tls-login.ts';
import { forward, forwardIn, type Endpoint, type Forwarder } from '../infra/support/forward.ts';
import { createLan, createNamespace, type Lan, type Namespace } from '../infra/support/netns.ts';

/*
 * Finding 1 of issue 12, shown where it happened: in containers. Every other test runs the
 * services on one host, where the gateway's address is loopback, so "believe X-Forwarded-For
 * from loopback" looked right there and was wrong in production (every login came from the
 * gateway's address: one per-IP lock for everyone, wrong recorded addresses).
 *
 * Here the gateway, auth, garage and three clients each have a network namespace and an address
 * of their own on one bridge (198.18.1.0/24); gateway and auth talk mutual TLS with
 * certificates of an internal CA, and auth keeps the production default `TRUST_PROXY=loopback`.
 * The clients reach the gateway directly (no nginx: `TRUST_PROXY_HOPS=0`), so the address the
 * gateway sees is the client's namespace address. PostgreSQL, RabbitMQ, Redis and the fake SMTP
 * server stay on the host's loopback, reached through Unix-socket forwarders.
 */

const HOLD_SECONDS = 900;
const AUTH_PORT = 3001;
/** The kit's address echo (tests/security/support/address-echo.ts), on auth's host. */
const ECHO_PORT = 3100;
const GATEWAY_PORT = 8080;
const MEMBERS = ['gateway', 'auth', 'garage', 'clientA', 'clientB', 'admin'] as const;
type Member = (typeof MEMBERS)[number];
const TECH = { email: 'sonia.trabelsi@garage.tn', password: 'Freins-Monastir-27!' };
const IP_LOCK_AFTER = 4;

let sockets: string;
let lan: Lan;
let bus: BusNamespace;
let database: TestDatabase;
let ca: Credential;
let garageCert: Credential;
let gatewayCert: Credential;
const namespaces = {} as Record<Member, Namespace>;
const address = {} as Record<Member, string>;
const hostForwarders: Forwarder[] = [];
const namespaceForwarders: ChildProcess[] = [];
const children: ChildService[] = [];
/** What each client namespace is reached by from this process: a host port forwarded into it. */
const url = {} as Record<'clientA' | 'clientB' | 'admin' | 'garage' | 'echo', string>;
let adminToken: string;

function identity(credential: Credential): NodeJS.ProcessEnv {
  return { ECAR_TLS_CERT: credential.certPem, ECAR_TLS_KEY: credential.keyPem, ECAR_TLS_CA: ca.certPem };
}

const socket = (name: string): Endpoint => ({ path: join(sockets, `${name}.sock`) });
const loopback = (port: number): Endpoint => ({ host: '127.0.0.1', port });

/** Makes the host's 127.0.0.1:`ports` appear on the namespace's own 127.0.0.1. */
async function bringHostPorts(member: Member, ports: number[]): Promise<void> {
  namespaceForwarders.push(await forwardIn(namespaces[member].launcher, ports.map((port) => [loopback(port), socket(`host-${port}`)] as const)));
}

/** A host port whose connections leave from `member`'s namespace, to `target` there. */
async function reachFrom(member: Member, target: Endpoint, label: string = member): Promise<number> {
  namespaceForwarders.push(await forwardIn(namespaces[member].launcher, [[socket(`from-${label}`), target]]));
  const forwarder = await forward(loopback(0), socket(`from-${label}`));
  hostForwarders.push(forwarder);
  return forwarder.port;
}

/** GET over https with `tls`, the answer's status and JSON body. */
function getJson(target: string, tls: https.RequestOptions, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = https.get(target, { ...tls, headers, timeout: 5000 }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          body = { raw: text };
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

/** A sign-in straight to auth (garage's namespace → auth's address), with whatever TLS identity `tls` holds. */
function loginAtAuth(tls: https.RequestOptions, forwardedFor: string, email: string): Promise<number> {
  return loginWithForwardedFor(url.garage, tls, forwardedFor, email);
}

async function authRows<T>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const throttleKeys = async () => (await authRows<{ key: string }>('SELECT key FROM login_throttle')).map((row) => row.key);

/** The client addresses auth put on its sign-in events (what audit stores and the anomaly rules read) for `email`. */
async function recordedAddresses(type: 'auth.login.failed' | 'auth.login.succeeded', email: string): Promise<string[]> {
  const rows = await authRows<{ payload: string }>(`SELECT payload FROM outbox_events WHERE type = '${type}' ORDER BY seq`);
  return rows
    .map((row) => JSON.parse(row.payload) as { actor?: { ip?: string } })
    .filter((event) => JSON.stringify(event).includes(email))
    .map((event) => String(event.actor?.ip));
}

const login = (from: 'clientA' | 'clientB' | 'admin', json: Record<string, unknown>) => call(url[from], '/api/v1/auth/login', { method: 'POST', json });

describe('client addresses across network namespaces: the gateway and auth on their own addresses (issue 12, finding 1)', () => {
  before(async () => {
    sockets = mkdtempSync(join(tmpdir(), 'ecar-netns-'));
    for (const member of MEMBERS) namespaces[member] = createNamespace(HOLD_SECONDS);
    lan = await createLan(
      MEMBERS.map((member) => namespaces[member]),
      HOLD_SECONDS,
    );
    MEMBERS.forEach((member, index) => (address[member] = lan.addresses[index]!));

    ca = createInternalCa('ECAR netns test CA');
    gatewayCert = issueServiceCertificate(ca, { name: 'gateway', ipAddresses: [address.gateway] });
    // 127.0.0.1 too: this process reaches auth through a forwarder on its own loopback.
    const authCert = issueServiceCertificate(ca, { name: 'auth', dnsNames: ['localhost'], ipAddresses: [address.auth, '127.0.0.1'] });
    garageCert = issueServiceCertificate(ca, { name: 'garage', ipAddresses: [address.garage] });

    const smtpUrl = (await sharedMailbox()).url;
    const smtpPort = Number(new URL(smtpUrl).port);
    const ports = { postgres: Number(new URL(PG_ADMIN_URL).port || 5432), amqp: Number(new URL(AMQP_URL).port || 5672), redis: 6379, smtp: smtpPort };
    for (const port of Object.values(ports)) hostForwarders.push(await forward(socket(`host-${port}`), loopback(port)));
    await bringHostPorts('auth', [ports.postgres, ports.amqp, ports.smtp]);
    await bringHostPorts('gateway', [ports.amqp, ports.redis]);
    const authEndpoint = { host: address.auth, port: AUTH_PORT };
    const gatewayEndpoint = { host: address.gateway, port: GATEWAY_PORT };
    url.garage = `https://127.0.0.1:${await reachFrom('garage', authEndpoint)}`;
    url.echo = `https://127.0.0.1:${await reachFrom('garage', { host: address.auth, port: ECHO_PORT }, 'garage-echo')}`;
    for (const client of ['clientA', 'clientB', 'admin'] as const) url[client] = `http://127.0.0.1:${await reachFrom(client, gatewayEndpoint)}`;

    bus = createBusNamespace('netns');
    database = await createTestDatabase('netns_auth');
    const common = { NODE_ENV: 'test', BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, LOG_LEVEL: 'warn', HOST: '0.0.0.0' };
    const garageTls = clientTlsOptions({ cert: garageCert.certPem, key: garageCert.keyPem, ca: ca.certPem });
    const probe = (target: string) => () => getJson(target, garageTls).then(({ status }) => status === 200, () => false);
    children.push(
      await startChild(
        'auth',
        'services/auth/src/main.ts',
        {
          ...common,
          ...identity(authCert),
          PORT: String(AUTH_PORT),
          DATABASE_URL: database.url,
          ARGON2_MEMORY_KIB: '19456',
          ARGON2_ITERATIONS: '2',
          ECAR_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
          ECAR_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
          MFA_TOTP_PERIOD_SECONDS: '1',
          SMTP_URL: smtpUrl,
          // No delays, no pair locks in the way: the per-IP lock is what this test is about.
          LOGIN_THROTTLE_FREE_FAILURES: '20',
          LOGIN_LOCK_AFTER: '20',
          LOGIN_IP_LOCK_AFTER: String(IP_LOCK_AFTER),
          LOGIN_LOCK_SECONDS: '900',
        },
        `${url.garage}/health/ready`,
        60_000,
        {
          launcher: namespaces.auth.launcher,
          // Health answers every internal peer; garage's namespace is this process's way in.
          ready: probe(`${url.garage}/health/ready`),
        },
      ),
    );
    children.push(
      await startChild('address-echo', 'tests/security/support/address-echo.ts', { ...identity(authCert), PORT: String(ECHO_PORT), HOST: '0.0.0.0', LOG_LEVEL: 'warn' }, `${url.echo}/health/live`, 60_000, {
        launcher: namespaces.auth.launcher,
        ready: probe(`${url.echo}/health/live`),
      }),
    );
    const authUrl = `https://${address.auth}:${AUTH_PORT}`;
    const nowhere = 'https://127.0.0.1:9';
    children.push(
      await startChild(
        'gateway',
        'gateway/src/main.ts',
        {
          ...common,
          ...identity(gatewayCert),
          PORT: String(GATEWAY_PORT),
          AUTH_URL: authUrl,
          AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
          AUDIT_URL: nowhere,
          GARAGE_URL: nowhere,
          BILLING_URL: nowhere,
          BACKUP_URL: nowhere,
          NOTIFY_URL: nowhere,
          REDIS_KEY_PREFIX: bus.queuePrefix,
          // The clients connect straight to the gateway: the socket address is the client's.
          TRUST_PROXY_HOPS: '0',
          // Roomy edge limits: the locks looked at here are auth's.
          RATE_LIMIT_PER_IP: '3000',
          RATE_LIMIT_LOGIN_PER_IP: '200',
          CORS_ORIGINS: 'https://portal.ecar.test',
        },
        `${url.admin}/health/revocations`,
        60_000,
        // Ready once its deny-list is fed (the gateway has no /health/ready).
        { launcher: namespaces.gateway.launcher },
      ),
    );
    useAdminAuthenticator(url.admin, 1);
    useMailbox(url.admin, smtpUrl);
    adminToken = (await loginAsAdmin(url.admin)).accessToken;
    const created = await call(url.admin, '/api/v1/users', { method: 'POST', token: adminToken, json: { ...TECH, displayName: 'Sonia Trabelsi', role: 'technician' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });

  after(async () => {
    for (const child of children.reverse()) await terminate(child);
    await Promise.all(
      namespaceForwarders.map((forwarder) => {
        if (forwarder.exitCode !== null || forwarder.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => forwarder.once('exit', resolve));
        forwarder.kill('SIGTERM');
        return exited;
      }),
    );
    await Promise.all(hostForwarders.map((forwarder) => forwarder.close()));
    lan?.close();
    for (const namespace of Object.values(namespaces)) namespace.close();
    await bus?.cleanup([]);
    await database?.drop();
    if (sockets) rmSync(sockets, { recursive: true, force: true });
  });

  it('each deployable really has its own address: none is loopback, the gateway and the clients differ', () => {
    assert.equal(new Set(Object.values(address)).size, MEMBERS.length);
    for (const value of Object.values(address)) assert.match(value, /^198\.18\.1\.\d+$/);
  });

  it("failures from client A lock sign-in for A's address only: client B still signs in, and the gateway's address is never locked", async () => {
    for (let i = 0; i < IP_LOCK_AFTER; i += 1) {
      const failed = await login('clientA', { email: `guess.${i}@example.tn`, password: 'Not-The-Password-1!', client: 'mobile' });
      assert.equal(failed.status, 401, JSON.stringify(failed.body));
    }
    const lockedOut = await login('clientA', { ...TECH, client: 'mobile' });
    assert.equal(lockedOut.status, 429, `A's address is locked, even for the right password: ${JSON.stringify(lockedOut.body)}`);
    const other = await login('clientB', { ...TECH, client: 'mobile' });
    assert.equal(other.status, 200, `B, on another address, signs in: ${JSON.stringify(other.body)}`);

    const keys = await throttleKeys();
    assert.ok(keys.includes(`ip:${address.clientA}`), `the per-IP throttle is keyed by client A: ${keys.join(', ')}`);
    for (const member of ['gateway', 'clientB', 'admin'] as const) assert.ok(!keys.includes(`ip:${address[member]}`), `nothing counted against ${member}'s address: ${keys.join(', ')}`);
  });

  it("auth records the client's address on its sign-in events, not the gateway's", async () => {
    for (let i = 0; i < IP_LOCK_AFTER; i += 1) assert.deepEqual(await recordedAddresses('auth.login.failed', `guess.${i}@example.tn`), [address.clientA]);
    assert.deepEqual(await recordedAddresses('auth.login.succeeded', TECH.email), [address.clientB]);
    assert.ok((await recordedAddresses('auth.login.succeeded', ADMIN_EMAIL)).every((ip) => ip === address.admin));
  });

  it("a non-gateway certificate reaching auth directly does not get its X-Forwarded-For believed, and no certificate gets no answer", async () => {
    const email = 'forged.header@example.tn';
    const forged = '203.0.113.66';
    const garageTls = clientTlsOptions({ cert: garageCert.certPem, key: garageCert.keyPem, ca: ca.certPem });
    // garage's certificate is of the internal CA but not the gateway's: auth's API refuses it before the sign-in runs.
    assert.equal(await loginAtAuth(garageTls, forged, email), 403);
    const keys = await throttleKeys();
    assert.ok(!keys.includes(`ip:${forged}`), `the forged address is not counted: ${keys.join(', ')}`);
    assert.ok(!keys.includes(`ip:${address.garage}`), 'nor garage (it never reached the sign-in)');
    assert.deepEqual(await recordedAddresses('auth.login.failed', email), []);

    // The kit's own answer, where a non-gateway peer does get through (the address echo on auth's host):
    // garage's header is ignored and its socket address stands; the gateway's certificate is believed from any address.
    const asGarage = await getJson(`${url.echo}/address`, garageTls, { 'x-forwarded-for': forged });
    assert.deepEqual([asGarage.status, asGarage.body['ip']], [200, address.garage]);
    const gatewayTls = clientTlsOptions({ cert: gatewayCert.certPem, key: gatewayCert.keyPem, ca: ca.certPem });
    const asGateway = await getJson(`${url.echo}/address`, gatewayTls, { 'x-forwarded-for': forged });
    assert.deepEqual([asGateway.status, asGateway.body['ip']], [200, forged]);
    await assert.rejects(getJson(`${url.echo}/address`, { ca: ca.certPem }, { 'x-forwarded-for': forged }));

    // Without a certificate, or with one of another CA naming the gateway, the TLS handshake fails.
    await assert.rejects(loginAtAuth({ ca: ca.certPem }, forged, email));
    const rogue = issueServiceCertificate(createInternalCa('rogue CA'), { name: 'gateway' });
    await assert.rejects(loginAtAuth({ cert: rogue.certPem, key: rogue.keyPem, ca: ca.certPem }, forged, email));
    assert.deepEqual(await recordedAddresses('auth.login.failed', email), []);
  });

  it("an admin lifts the per-IP lock of client A's address, and A signs in again", async () => {
    const listed = await call(url.admin, '/api/v1/users/sign-in-locks', { token: adminToken });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(
      (listed.body['items'] as Array<{ ip: string }>).map((item) => item.ip),
      [address.clientA],
    );
    const lifted = await call(url.admin, '/api/v1/users/sign-in-locks/unlock', { method: 'POST', token: adminToken, json: { ip: address.clientA } });
    assert.equal(lifted.status, 204, JSON.stringify(lifted.body));
    const again = await login('clientA', { ...TECH, client: 'mobile' });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(await recordedAddresses('auth.login.succeeded', TECH.email), [address.clientB, address.clientA]);
  });
});
