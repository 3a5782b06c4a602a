/**
 * Scale-out on this machine's Docker engine (issue 16, docs/operations/scale-out.md): a one-node
 * Swarm, the stack rendered from docker-compose.yml + infra/swarm/stack.override.yml by
 * scripts/deploy/render-stack.ts and deployed with `docker stack deploy` — gateway, garage,
 * billing and audit with two replicas each. A garage flow runs under load from several workers
 * while one task of each of the four is killed (`docker kill`, the active audit consumer among
 * them); afterwards the databases show that every request answered 2xx is there exactly once,
 * no event is lost or counted twice in audit, and invoice numbers have no gap. The gateway
 * replicas share one rate-limit count (Redis).
 * The host is prepared as for the Compose test (tests/deploy/host.ts: local base images,
 * prepare-host.sh); the Node images are built by Compose from the same files, since Swarm does
 * not build. `after` removes the stack, waits for its networks, leaves the swarm.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@ecar/testkit';
import { newAuthenticator, nextCode } from '../support/mfa.ts';
import { prepareHost } from './host.ts';
import { composeCommand, edge, run, type Edge, type EdgeResponse } from './support.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STACK = `ecarswarm${randomBytes(3).toString('hex')}`;
const WORK = `/var/lib/ecar-deploy-test/${STACK}`;
const DOMAIN = 'ecar.test';
const ADMIN_EMAIL = 'admin@ecar.test';
const IMAGE_REPOSITORY = 'ecar-swarm-test';
const NODE_SERVICES = ['gateway', 'auth', 'garage', 'billing', 'audit', 'backup', 'notify'];
const REPLICATED = ['gateway', 'garage', 'billing', 'audit'];
const COMPOSE_FILES = ['docker-compose.yml', 'tests/deploy/compose.test.yml', 'infra/swarm/stack.override.yml', 'tests/deploy/swarm.test.yml'];
const HEALTH_TIMEOUT_MS = 8 * 60_000;
// The load: WORKERS flows at a time, FLOWS in all; the kills start after KILL_AFTER completions.
const WORKERS = 3;
const FLOWS = 24;
const KILL_AFTER = 5;
const FLOWS_AFTER = 6;
const MAX_FLOWS = 80;

const compose = composeCommand();
const timings: Record<string, number> = {};
let envFile = '';
let api: Edge;
let adminToken = '';
let swarmJoined = false;
let dummyInterface = '';
let deployed = false;
const authenticator = newAuthenticator(30);

async function docker(args: string[], options: { allowFailure?: boolean; timeoutMs?: number } = {}): Promise<string> {
  return (await run('docker', args, { cwd: ROOT, timeoutMs: options.timeoutMs ?? 300_000, allowFailure: options.allowFailure ?? false })).stdout;
}

const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);

/** Running task containers of one stack service. */
async function tasks(service: string): Promise<string[]> {
  return lines(await docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${STACK}_${service}`, '--filter', 'status=running']));
}

async function stackContainers(): Promise<string[]> {
  return lines(await docker(['ps', '-q', '--filter', `label=com.docker.stack.namespace=${STACK}`]));
}

async function serviceStates(): Promise<string> {
  return docker(['service', 'ls', '--filter', `label=com.docker.stack.namespace=${STACK}`, '--format', '{{.Name}} {{.Replicas}}'], { allowFailure: true });
}

async function diagnostics(): Promise<string> {
  const services = lines(await serviceStates()).map((line) => line.split(' ')[0]!);
  let out = await serviceStates();
  for (const service of services) {
    out += await docker(['service', 'ps', '--no-trunc', '--format', '{{.Name}} {{.CurrentState}} {{.Error}}', service], { allowFailure: true });
  }
  for (const service of services.filter((name) => /_(gateway|auth|garage|billing|audit|postgres|rabbitmq|nginx)$/.test(name))) {
    out += `--- ${service}\n${(await run('docker', ['service', 'logs', '--tail', '25', '--no-task-ids', service], { allowFailure: true, timeoutMs: 30_000 })).stdout.slice(-3000)}`;
  }
  return out;
}

/** Every service at its replica count, every container with a health check healthy. */
async function waitUntilConverged(what: string): Promise<void> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < HEALTH_TIMEOUT_MS) {
    const states = lines(await serviceStates());
    const pending = states.filter((line) => {
      const [running, wanted] = (line.split(' ')[1] ?? '').split('/');
      return running !== wanted;
    });
    const ids = await stackContainers();
    const health = ids.length > 0 ? lines(await docker(['inspect', '--format', '{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', ...ids], { allowFailure: true })) : [];
    const unhealthy = health.filter((line) => !line.endsWith(' healthy') && !line.endsWith(' none'));
    last = `${states.join('\n')}\n${unhealthy.join('\n')}`;
    if (states.length > 0 && pending.length === 0 && unhealthy.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  throw new Error(`${what}: not converged after ${HEALTH_TIMEOUT_MS / 1000} s:\n${last}\n${await diagnostics()}`);
}

/** psql as the superuser over the container's socket (peer authentication). */
async function sql(database: string, query: string): Promise<string[][]> {
  const [postgres] = await tasks('postgres');
  const out = await docker(['exec', '-u', 'postgres', postgres!, 'psql', '-d', database, '-v', 'ON_ERROR_STOP=1', '-AtF', '\t', '-c', query]);
  return lines(out).map((line) => line.split('\t'));
}

/** The JSON lines the fake SMTP relay printed. */
async function relayLog(): Promise<Array<Record<string, unknown>>> {
  const out = (await run('docker', ['service', 'logs', '--raw', `${STACK}_smtp-relay`], { allowFailure: true })).stdout;
  return out
    .split('\n')
    .map((line) => line.slice(line.indexOf('{')))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The audit replica whose consumer on audit.all is the active one (single active consumer). */
async function activeAuditTask(): Promise<string> {
  const [rabbitmq] = await tasks('rabbitmq');
  const rabbit = async (...args: string[]) => lines(await docker(['exec', rabbitmq!, 'rabbitmqctl', '-q', ...args, '--no-table-headers'])).map((line) => line.split('\t'));
  const channels = new Map((await rabbit('list_channels', 'pid', 'name')).map(([pid, name]) => [pid, (name ?? '').split(':')[0]]));
  const active = (await rabbit('list_consumers', '-p', 'ecar', 'queue_name', 'channel_pid', 'active')).filter(([queue, , isActive]) => queue === 'audit.all' && isActive === 'true');
  assert.equal(active.length, 1, `one active consumer on audit.all: ${JSON.stringify(active)}`);
  const ip = channels.get(active[0]![1] ?? '');
  for (const task of await tasks('audit')) {
    const addresses = (await docker(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', task])).trim().split(' ');
    if (ip && addresses.includes(ip)) return task;
  }
  throw new Error(`the active consumer ${ip} is no audit task`);
}

function expect(response: EdgeResponse, status: number, what: string): Record<string, unknown> {
  assert.equal(response.status, status, `${what}: ${response.status} ${JSON.stringify(response.body).slice(0, 800)}`);
  return response.body;
}

/** What the load saw: 2xx answers, and requests whose outcome the client cannot know. */
const seen = {
  workOrders: new Set<string>(),
  completed: new Set<string>(),
  issued: new Map<string, string>(),
  uncertainCreates: 0,
  abandoned: 0,
  requests: 0,
  refused: 0,
  failures: [] as string[],
};

/**
 * One request of the load. 429 (nginx or the gateway refused it: nothing was done) is tried
 * again; a 5xx or a broken connection while a replica dies is reported as `undefined`: the
 * client cannot know whether it was done.
 */
async function attempt(path: string, init: { method?: string; json?: unknown } = {}): Promise<EdgeResponse | undefined> {
  for (let tries = 0; tries < 30; tries++) {
    seen.requests += 1;
    const response = await api.call(path, { ...init, token: adminToken }).catch((error: Error) => {
      seen.failures.push(`${init.method ?? 'GET'} ${path}: ${error.message}`);
      return undefined;
    });
    if (response?.status === 429) {
      seen.refused += 1;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    if (!response || response.status >= 500) {
      if (response) seen.failures.push(`${init.method ?? 'GET'} ${path}: ${response.status}`);
      return undefined;
    }
    return response;
  }
  return undefined;
}

/** A state change: tried again after an unknown outcome; 409 after a retry means it was done. */
async function transition(path: string, json?: unknown): Promise<boolean> {
  for (let tries = 0; tries < 20; tries++) {
    const response = await attempt(path, { method: 'POST', ...(json ? { json } : {}) });
    if (response && response.status < 300) return true;
    if (response?.status === 409 && tries > 0) return true;
    if (response) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(response.body).slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

/** A creation: not tried again (a retry after a lost answer would create a second one). */
async function create(path: string, json: unknown): Promise<string | undefined> {
  const response = await attempt(path, { method: 'POST', json });
  if (!response) {
    seen.uncertainCreates += 1;
    return undefined;
  }
  assert.equal(response.status, 201, `POST ${path}: ${response.status} ${JSON.stringify(response.body).slice(0, 400)}`);
  return String(response.body['id']);
}

let serial = Math.floor(Math.random() * 500);
async function flow(): Promise<void> {
  // This flow's own number: the workers run side by side.
  const mine = (serial += 1);
  const n = `${Date.now() % 1e8}${mine}`.slice(-8).padStart(8, '0');
  const customerId = await create('/api/v1/customers', { kind: 'person', name: `Client ${n}`, phone: `+216${n}`, email: `c${n}@example.tn`, address: `${n} rue de Carthage, Tunis`, cin: n, consentMethod: 'written-form', userId: randomUUID() });
  if (!customerId) return void (seen.abandoned += 1);
  const vehicleId = await create('/api/v1/vehicles', { customerId, plate: `${100 + (mine % 900)} TU ${1000 + mine}`, vin: 'VF1RFB00X56789012', make: 'Renault', model: 'Clio', year: 2019, mileageKm: 54000 });
  if (!vehicleId) return void (seen.abandoned += 1);
  const workOrderId = await create('/api/v1/work-orders', { customerId, vehicleId, complaint: 'Brakes squeal', mileageInKm: 54000, technicianIds: [randomUUID()] });
  if (!workOrderId) return void (seen.abandoned += 1);
  seen.workOrders.add(workOrderId);
  const path = `/api/v1/work-orders/${workOrderId}`;
  if (!(await create(`${path}/lines`, { kind: 'labour', description: 'Replace brake pads', quantityMilli: 1500, unitPriceMillimes: 45_000 }))) return void (seen.abandoned += 1);
  for (const [step, body] of [
    ['status', { status: 'estimate_sent' }],
    ['estimate/approve', undefined],
    ['status', { status: 'in_progress' }],
    ['status', { status: 'completed' }],
  ] as const) {
    if (!(await transition(`${path}/${step}`, body))) return void (seen.abandoned += 1);
  }
  seen.completed.add(workOrderId);
}

/** Issues the draft of every completed work order, as the front desk would, until told to stop. */
async function issuer(done: () => boolean): Promise<void> {
  const pending = () => [...seen.completed].filter((id) => !seen.issued.has(id));
  const deadline = () => Date.now() + 180_000;
  let giveUp = deadline();
  while (!(done() && pending().length === 0) && Date.now() < giveUp) {
    const list = await attempt('/api/v1/invoices?status=draft&limit=100');
    const drafts = ((list?.body['items'] ?? []) as Array<Record<string, unknown>>).filter((item) => seen.completed.has(String(item['workOrderId'])));
    for (const draft of drafts) {
      const id = String(draft['id']);
      const issuedNow = await transition(`/api/v1/invoices/${id}/issue`).catch((error: Error) => {
        seen.failures.push(error.message);
        return false;
      });
      if (!issuedNow) continue;
      const invoice = await attempt(`/api/v1/invoices/${id}`);
      if (invoice?.status === 200 && invoice.body['number']) seen.issued.set(String(draft['workOrderId']), String(invoice.body['number']));
    }
    if (done() && drafts.length === 0 && pending().length > 0) {
      // Issued, but the read after the issue went unanswered: the number from the list.
      const issued = await attempt('/api/v1/invoices?status=issued&limit=100');
      for (const item of (issued?.body['items'] ?? []) as Array<Record<string, unknown>>) {
        const workOrderId = String(item['workOrderId']);
        if (seen.completed.has(workOrderId) && !seen.issued.has(workOrderId) && item['number']) seen.issued.set(workOrderId, String(item['number']));
      }
    }
    if (!done()) giveUp = deadline();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('Docker Swarm: the same deployment scaled out, replicas killed under load', { timeout: 30 * 60_000 }, () => {
  before(async () => {
    assert.equal(process.getuid?.(), 0, 'the deployment test runs as root (Docker, secrets owned by the containers\' uids)');
    const state = (await docker(['info', '--format', '{{.Swarm.LocalNodeState}}'])).trim();
    assert.equal(state, 'inactive', `this engine is already in a swarm (${state}): not the test's to take over or leave`);

    const prepared = await prepareHost({ root: ROOT, work: WORK, project: STACK, domain: DOMAIN, adminEmail: ADMIN_EMAIL, timings });
    envFile = prepared.envFile;
    writeFileSync(envFile, `${readFileSync(envFile, 'utf8')}ECAR_IMAGE_REPOSITORY=${IMAGE_REPOSITORY}\nECAR_IMAGE_TAG=${STACK}\n`);
    const composeArgs = [...compose.slice(1), '--env-file', envFile, '-p', STACK, ...COMPOSE_FILES.flatMap((file) => ['-f', join(ROOT, file)])];

    // Swarm does not build: Compose builds the Node images under the override's names (the
    // classic builder's layer cache is the Compose test's).
    let started = Date.now();
    await run(compose[0]!, [...composeArgs, 'build', ...NODE_SERVICES], { cwd: ROOT, timeoutMs: 1_800_000, env: { ...process.env, DOCKER_BUILDKIT: '0', COMPOSE_DOCKER_CLI_BUILD: '0' } });
    timings['compose build'] = Date.now() - started;

    // A one-node swarm on the loopback address; an engine that refuses loopback gets a dummy
    // interface with a test-network address (removed in `after`).
    started = Date.now();
    const init = await run('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1', '--listen-addr', '127.0.0.1:2377'], { allowFailure: true });
    if (init.status !== 0) {
      dummyInterface = `ecarsw${randomBytes(2).toString('hex')}`;
      await run('ip', ['link', 'add', dummyInterface, 'type', 'dummy']);
      await run('ip', ['addr', 'add', '198.18.250.1/32', 'dev', dummyInterface]);
      await run('ip', ['link', 'set', dummyInterface, 'up']);
      await docker(['swarm', 'init', '--advertise-addr', '198.18.250.1', '--listen-addr', '198.18.250.1:2377']);
      process.stderr.write(`[swarm] loopback refused (${init.stderr.trim()}); advertising 198.18.250.1 on ${dummyInterface}\n`);
    }
    swarmJoined = true;
    // The one node is both the database host and the edge host of the multi-node layout.
    const nodeId = (await docker(['info', '--format', '{{.Swarm.NodeID}}'])).trim();
    await docker(['node', 'update', '--label-add', 'ecar.data=true', '--label-add', 'ecar.edge=true', nodeId]);
    timings['swarm init'] = Date.now() - started;

    started = Date.now();
    const stackFile = join(WORK, 'stack.yml');
    // DNS round robin: this machine's kernel has no IPVS, which Swarm's virtual IPs need
    // (connections to a virtual IP fail with EHOSTUNREACH).
    const rendered = await run('node', ['--import', 'tsx', join(ROOT, 'scripts/deploy/render-stack.ts'), '--env-file', envFile, ...COMPOSE_FILES.flatMap((file) => ['-f', join(ROOT, file)]), '--out', stackFile, '--endpoint-mode', 'dnsrr'], { cwd: ROOT });
    process.stderr.write(rendered.stderr);
    deployed = true;
    await docker(['stack', 'deploy', '--prune', '--resolve-image', 'never', '-c', stackFile, STACK], { timeoutMs: 600_000 });
    await waitUntilConverged('the stack after deploy');
    // nginx resolves `gateway` when it loads its configuration, and with DNS round robin it may
    // have started while one gateway task ran: reloaded now, it knows both (scale-out.md).
    const [nginx] = await tasks('nginx');
    await docker(['exec', nginx!, 'nginx', '-s', 'reload']);
    timings['stack deploy until healthy'] = Date.now() - started;

    api = edge({ domain: DOMAIN, httpsPort: prepared.httpsPort, httpPort: prepared.httpPort, ca: readFileSync(join(WORK, 'etc', 'letsencrypt', 'live', DOMAIN, 'fullchain.pem'), 'utf8') });
    // The first super-admin: the generated password, TOTP enrolment confirmed by the code auth
    // e-mails through the fake relay (as in the Compose test).
    const password = readFileSync(join(WORK, 'etc', 'secrets', 'auth_bootstrap_admin_password'), 'utf8').trim();
    const login = await waitFor(
      async () => {
        const response = await api.call('/api/v1/auth/login', { method: 'POST', json: { email: ADMIN_EMAIL, password, client: 'mobile' } }).catch(() => undefined);
        return response?.status === 200 ? response.body : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2000, what: 'the first sign-in through nginx' },
    );
    const pending = String(login['accessToken']);
    const mailed = async () => (await relayLog()).filter((entry) => typeof entry['code'] === 'string');
    const before = (await mailed()).length;
    const setup = expect(await api.call('/api/v1/auth/mfa/totp/setup', { method: 'POST', token: pending }), 200, 'totp setup');
    authenticator.secret = String(setup['secret']);
    const emailCode = await waitFor(async () => (await mailed())[before]?.['code'], { timeoutMs: 60_000, intervalMs: 1000, what: 'the MFA enrolment code at the fake relay' });
    const verified = expect(await api.call('/api/v1/auth/mfa/totp/verify', { method: 'POST', token: pending, json: { code: await nextCode(authenticator), emailCode } }), 200, 'totp verify');
    adminToken = String(verified['accessToken']);
  });

  after(async () => {
    if (process.env['ECAR_DEPLOY_TEST_TIMINGS'] !== '0') process.stderr.write(`[swarm] timings (ms): ${JSON.stringify(timings)}\n`);
    if (deployed) {
      await docker(['stack', 'rm', STACK], { allowFailure: true });
      // stack rm returns at once: its containers and networks go afterwards.
      await waitFor(
        async () => {
          const left = lines(await docker(['network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${STACK}`], { allowFailure: true }));
          const containers = lines(await docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${STACK}`], { allowFailure: true }));
          return left.length === 0 && containers.length === 0 ? true : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 2000, what: `the networks and containers of ${STACK} gone` },
      ).catch((error: Error) => process.stderr.write(`[swarm] ${error.message}\n`));
      const volumes = lines(await docker(['volume', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${STACK}`], { allowFailure: true }));
      if (volumes.length > 0) await docker(['volume', 'rm', '-f', ...volumes], { allowFailure: true });
    }
    if (swarmJoined) {
      await docker(['swarm', 'leave', '--force'], { allowFailure: true });
      // swarm init's bridge to the overlays outlives the swarm.
      await docker(['network', 'rm', 'docker_gwbridge'], { allowFailure: true });
    }
    if (dummyInterface) await run('ip', ['link', 'del', dummyInterface], { allowFailure: true });
    // The images stay under a fixed tag for the next run's cache; this run's tags go.
    for (const service of NODE_SERVICES) {
      const image = `${IMAGE_REPOSITORY}/${service}:${STACK}`;
      await docker(['tag', image, `${IMAGE_REPOSITORY}/${service}:cache`], { allowFailure: true });
      await docker(['rmi', image], { allowFailure: true });
    }
    rmSync(WORK, { recursive: true, force: true });
  });

  it('deploys with two tasks of gateway, garage, billing and audit; the broker\'s queues are quorum queues, audit\'s with a single active consumer', async () => {
    for (const service of REPLICATED) assert.equal((await tasks(service)).length, 2, `${service}: two running tasks`);
    const [rabbitmq] = await tasks('rabbitmq');
    const queues = lines(await docker(['exec', rabbitmq!, 'rabbitmqctl', '-q', 'list_queues', '-p', 'ecar', 'name', 'type', 'arguments', '--no-table-headers'])).map((line) => line.split('\t'));
    // The queues events wait in (each consumer's queue and its dead-letter queue) are quorum
    // queues. Not these: the delay queues of retries (`<queue>.retry.<ms>`, classic with a TTL)
    // and each process's exclusive revocation queue, deleted with its connection.
    const held = queues.filter(([name]) => !/\.retry\.\d+$/.test(name ?? '') && !/\.revocations\.[0-9a-f-]{36}$/.test(name ?? ''));
    assert.ok(held.length > 0, `queues declared: ${JSON.stringify(queues)}`);
    const classic = held.filter(([, type]) => type !== 'quorum');
    assert.deepEqual(classic, [], `every consumer queue and dead-letter queue is a quorum queue: ${JSON.stringify(queues)}`);
    const audit = queues.find(([name]) => name === 'audit.all');
    assert.ok(audit, `audit.all declared: ${queues.map(([name]) => name).join(', ')}`);
    assert.match(audit[2] ?? '', /x-single-active-consumer/);
  });

  it('the gateway replicas count one shared rate limit (Redis): login attempts through both stop at the limit', async () => {
    // Straight to each replica (the API answers nginx's certificate only, so the probe presents
    // it), in turns, as from one client address (X-Forwarded-For, believed from nginx alone).
    const secrets = join(WORK, 'etc', 'secrets');
    const asNginx = ['-e', `PEER_CERT=${readFileSync(join(secrets, 'nginx_tls_cert'), 'utf8')}`, '-e', `PEER_KEY=${readFileSync(join(secrets, 'nginx_tls_key'), 'utf8')}`];
    const client = `203.0.113.${Math.floor(Math.random() * 200) + 20}`;
    // Three sequential failed sign-ins (unknown e-mails) from one replica: "status remaining" lines.
    const probe = `
      const { readFileSync } = require('node:fs');
      const https = require('node:https');
      const secret = (name) => readFileSync('/run/secrets/' + name);
      const one = (i) => new Promise((resolve) => {
        const body = JSON.stringify({ email: 'nobody-' + process.argv[1] + '-' + i + '@example.tn', password: 'not-the-password', client: 'mobile' });
        const req = https.request({ host: '127.0.0.1', port: 8080, path: '/api/v1/auth/login', method: 'POST', servername: 'gateway', cert: process.env.PEER_CERT, key: process.env.PEER_KEY, ca: secret('internal_ca_cert'),
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-forwarded-for': process.argv[2] } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode + ' ' + res.headers['ratelimit-remaining']));
        });
        req.on('error', () => resolve('0 -'));
        req.end(body);
      });
      (async () => { for (let i = 0; i < 3; i++) console.log(await one(i)); })();`;
    const gateways = await tasks('gateway');
    assert.equal(gateways.length, 2);
    const answers: Array<{ replica: number; status: number; remaining: number }> = [];
    for (let round = 0; round < 8; round++) {
      const replica = round % 2;
      const out = await docker(['exec', ...asNginx, gateways[replica]!, 'node', '-e', probe, `${round}`, client]);
      for (const line of lines(out)) {
        const [status, remaining] = line.split(' ');
        answers.push({ replica, status: Number(status), remaining: Number(remaining) });
      }
    }
    const summary = JSON.stringify(answers);
    assert.equal(answers.length, 24, summary);
    // The limit is 20 a window per address (RATE_LIMIT_LOGIN_PER_IP): replicas counting alone
    // would each let 12 through and refuse none.
    const allowed = answers.filter((answer) => answer.status !== 429);
    assert.equal(allowed.length, 20, `20 attempts pass across both replicas: ${summary}`);
    assert.ok(allowed.every((answer) => answer.status === 401), `the passed ones reach auth: ${summary}`);
    assert.ok(answers.slice(20).every((answer) => answer.status === 429), `then both refuse: ${summary}`);
    assert.deepEqual(allowed.map((answer) => answer.remaining), Array.from({ length: 20 }, (_, i) => 19 - i), `one count, whichever replica answers: ${summary}`);
    assert.ok(new Set(answers.slice(20).map((answer) => answer.replica)).size === 2, 'both replicas refuse once the shared count is spent');
  });

  it('under load, one task each of gateway, garage, billing and audit killed: every 2xx is there exactly once, no audit event lost or doubled, invoice numbers gapless', async () => {
    assert.ok(adminToken, 'signed in');
    const started = Date.now();
    let next = 0;
    let finished = false;
    let stopped = false;
    const killed: string[] = [];
    const kills = (async () => {
      await waitFor(() => (seen.completed.size >= KILL_AFTER || stopped ? true : undefined), { timeoutMs: 300_000, intervalMs: 200, what: `${KILL_AFTER} flows completed` });
      if (stopped) return;
      // The active audit consumer, so that the standby has to take over the queue.
      const victims: Array<[string, string]> = [['audit', await activeAuditTask()]];
      for (const service of ['gateway', 'garage', 'billing']) victims.push([service, (await tasks(service))[0]!]);
      for (const [service, container] of victims) {
        await docker(['kill', container]);
        killed.push(`${service}:${container.slice(0, 12)} at ${seen.completed.size} completed`);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    })();
    // At least FLOWS flows, and on until the four kills are done and FLOWS_AFTER more completed.
    let killsDone = false;
    let completedAtKills = 0;
    kills.then(() => {
      killsDone = true;
      completedAtKills = seen.completed.size;
    }, () => (killsDone = true));
    const workers = Array.from({ length: WORKERS }, async () => {
      while ((next < FLOWS || !killsDone || seen.completed.size < completedAtKills + FLOWS_AFTER) && next < MAX_FLOWS) {
        next += 1;
        await flow();
      }
    });
    const issuing = issuer(() => finished);
    try {
      await Promise.all(workers);
    } finally {
      // A failed flow stops the rest too: no loop may outlive the test.
      finished = true;
      stopped = true;
      await Promise.allSettled([kills, issuing]);
    }
    await kills;
    timings['load'] = Date.now() - started;
    const report = `[swarm] load: ${next} flows by ${WORKERS} workers in ${((Date.now() - started) / 1000).toFixed(1)} s, ${seen.requests} requests, ${seen.refused} refused (429) and retried, ${seen.failures.length} failed while replicas died, ${seen.uncertainCreates} creations with unknown outcome, ${seen.abandoned} flows abandoned; ${seen.workOrders.size} work orders created (201), ${seen.completed.size} completed, ${seen.issued.size} invoices issued; killed ${killed.join(', ')}\n${seen.failures.slice(0, 12).join('\n')}\n`;
    process.stderr.write(report);
    assert.equal(killed.length, 4, 'one task of each killed');
    assert.ok(seen.completed.size >= completedAtKills + FLOWS_AFTER, `${FLOWS_AFTER} flows completed after the kills: ${report}`);

    // Swarm replaces the killed tasks.
    await waitUntilConverged('the stack after the kills');
    for (const service of REPLICATED) assert.equal((await tasks(service)).length, 2, `${service}: two tasks again`);

    // garage: every work order answered 201 is stored, and no more than were asked for.
    const workOrders = new Map((await sql('ecar_garage', 'SELECT id, status FROM work_orders')).map(([id, status]) => [id!, status!]));
    for (const id of seen.workOrders) assert.ok(workOrders.has(id), `work order ${id} (201) is stored`);
    assert.ok(workOrders.size <= seen.workOrders.size + seen.uncertainCreates, `${workOrders.size} stored for ${seen.workOrders.size} created and ${seen.uncertainCreates} unknown`);
    for (const id of seen.completed) assert.equal(workOrders.get(id), 'completed', `work order ${id} completed`);
    const completedStored = [...workOrders].filter(([, status]) => status === 'completed').map(([id]) => id).sort();

    // billing: one draft per completed work order (the event consumed exactly once); issued
    // numbers 1..n of the year with no gap and no repeat.
    await waitFor(
      async () => ((await sql('ecar_billing', "SELECT count(*) FROM invoices WHERE origin = 'work_order'"))[0]![0] === String(completedStored.length) ? true : undefined),
      { timeoutMs: 240_000, intervalMs: 2000, what: 'a draft for every completed work order' },
    );
    const invoices = await sql('ecar_billing', "SELECT work_order_id, status, coalesce(seq::text, ''), coalesce(number, '') FROM invoices WHERE origin = 'work_order' ORDER BY seq NULLS LAST");
    assert.deepEqual(invoices.map(([workOrder]) => workOrder).sort(), completedStored, 'one invoice per completed work order');
    const issued = invoices.filter(([, status]) => status === 'issued');
    assert.deepEqual(issued.map(([, , seq]) => Number(seq)), Array.from({ length: issued.length }, (_, i) => i + 1), 'issued numbers without gap or repeat');
    for (const [workOrder, number] of seen.issued) assert.ok(issued.some(([id, , , stored]) => id === workOrder && stored === number), `invoice ${number} (work order ${workOrder}) stored as issued`);

    // audit: exactly one event per fact, none lost while its active replica died, the chain's
    // sequence without gap.
    const expected = new Map<string, number>([
      ['garage.workorder.opened', workOrders.size],
      ['garage.workorder.completed', completedStored.length],
      ['billing.invoice.issued', issued.length],
    ]);
    const counts = async () => new Map((await sql('ecar_audit', "SELECT type, count(*) FROM audit_events WHERE type IN ('garage.workorder.opened', 'garage.workorder.completed', 'billing.invoice.issued') GROUP BY type")).map(([type, count]) => [type!, Number(count)]));
    await waitFor(async () => {
      const now = await counts();
      return [...expected].every(([type, count]) => (now.get(type) ?? 0) >= count) ? true : undefined;
      // A killed consumer's unacknowledged deliveries return to the queue when the broker gives
      // up on its connection (missed heartbeats, about a minute).
    }, { timeoutMs: 240_000, intervalMs: 2000, what: 'audit caught up' }).catch(() => undefined);
    assert.deepEqual(await counts(), expected, 'one audit event per work order opened, completed and invoice issued');
    const doubled = await sql('ecar_audit', "SELECT type, subject_id, count(*) FROM audit_events WHERE type IN ('garage.workorder.opened', 'garage.workorder.completed', 'billing.invoice.issued') GROUP BY type, subject_id HAVING count(*) > 1");
    assert.deepEqual(doubled, [], 'no fact audited twice');
    const opened = new Set((await sql('ecar_audit', "SELECT subject_id FROM audit_events WHERE type = 'garage.workorder.opened'")).map(([id]) => id));
    for (const id of workOrders.keys()) assert.ok(opened.has(id), `the opening of ${id} audited`);
    const [[rows, first, last]] = (await sql('ecar_audit', 'SELECT count(*), min(seq), max(seq) FROM audit_events')) as [[string, string, string]];
    assert.equal(Number(last) - Number(first) + 1, Number(rows), 'the audit sequence has no gap');
    process.stderr.write(`[swarm] stored: ${workOrders.size} work orders, ${invoices.length} invoices (${issued.length} issued, numbers 1..${issued.length}), ${rows} audit events\n`);
  });
});
