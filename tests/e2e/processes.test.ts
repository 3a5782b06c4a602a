import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createBusNamespace, createTestDatabase, freePort, startChild, terminate, waitFor, type BusNamespace, type ChildService, type TestDatabase } from '@ecar/testkit';
import { sharedMailbox } from '../support/fake-smtp.ts';
import { useMailbox } from '../support/mfa.ts';
import { call, loginAsAdmin, ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/stack.ts';

const SERVICES = ['auth', 'audit', 'garage', 'billing'] as const;

let bus: BusNamespace;
const databases: TestDatabase[] = [];
const children: ChildService[] = [];
let gatewayUrl: string;

/**
 * The deployables as real processes started from their `src/main.ts` — the wiring, config
 * loading and signal handling that in-process tests bypass.
 */
describe('the real processes: gateway and services from their entry points', () => {
  before(async () => {
    bus = createBusNamespace('processes');
    const ports = Object.fromEntries(await Promise.all([...SERVICES, 'gateway'].map(async (name) => [name, await freePort()] as const)));
    const common = { NODE_ENV: 'test', BUS_EXCHANGE: bus.exchange, BUS_QUEUE_PREFIX: bus.queuePrefix, AUTH_JWKS_URL: `http://127.0.0.1:${ports['auth']}/.well-known/jwks.json` };
    // auth e-mails the admin's MFA enrolment code to this process's fake mailbox.
    const smtpUrl = (await sharedMailbox()).url;
    const startService = async (name: (typeof SERVICES)[number]) => {
      const database = await createTestDatabase(`proc_${name}`);
      databases.push(database);
      const env = {
        ...common,
        PORT: String(ports[name]),
        DATABASE_URL: database.url,
        // The stack helpers' admin signs in with a 1-second TOTP step (see tests/support/stack.ts).
        ...(name === 'auth' ? { ECAR_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, ECAR_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD, MFA_TOTP_PERIOD_SECONDS: '1', SMTP_URL: smtpUrl } : {}),
      };
      children.push(await startChild(name, `services/${name}/src/main.ts`, env, `http://127.0.0.1:${ports[name]}/health/ready`));
    };
    // auth first (the others fetch its JWKS when a request comes), then the rest together.
    await startService('auth');
    await Promise.all(SERVICES.filter((name) => name !== 'auth').map(startService));
    const upstreams = Object.fromEntries(SERVICES.map((name) => [`${name.toUpperCase()}_URL`, `http://127.0.0.1:${ports[name]}`]));
    children.push(
      await startChild('gateway', 'gateway/src/main.ts', { ...common, ...upstreams, PORT: String(ports['gateway']), TRUST_PROXY_HOPS: '0', REDIS_KEY_PREFIX: bus.queuePrefix }, `http://127.0.0.1:${ports['gateway']}/health/live`),
    );
    gatewayUrl = `http://127.0.0.1:${ports['gateway']}`;
    useMailbox(gatewayUrl, smtpUrl);
  });

  after(async () => {
    for (const child of children.reverse()) await terminate(child);
    await bus?.cleanup([`${bus.queuePrefix}audit.all`, `${bus.queuePrefix}audit.all.dlq`]);
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('serves a login through the gateway and records it in audit, across processes', async () => {
    const correlationId = `proc-${randomUUID()}`;
    const { accessToken } = await loginAsAdmin(gatewayUrl, { 'x-correlation-id': correlationId });
    const me = await call(gatewayUrl, '/api/v1/auth/me', { token: accessToken });
    assert.equal(me.status, 200);
    await waitFor(
      async () => {
        const events = await call(gatewayUrl, '/api/v1/audit/events?type=auth.login.succeeded', { token: accessToken });
        return (events.body['items'] as Array<{ correlationId: string }> | undefined)?.find((item) => item.correlationId === correlationId);
      },
      { timeoutMs: 20_000, what: 'the login event in audit' },
    );
  });

  it('every process drains and exits 0 on SIGTERM', async () => {
    for (const child of [...children].reverse()) {
      const code = await terminate(child);
      assert.equal(code, 0, `${child.name} exit code ${code}:\n${child.output().slice(-2000)}`);
    }
  });
});
