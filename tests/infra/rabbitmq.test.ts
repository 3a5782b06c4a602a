/**
 * infra/rabbitmq: the definitions give each service its own user with least-privilege
 * permissions (ARCHITECTURE §3) and no guest; rabbitmq.conf listens on TLS only (ENC-6).
 * The rendered definitions are imported into the real local broker under a throw-away vhost
 * and user names, and each user is probed over AMQP.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import amqp from 'amqplib';
import { DEFINITIONS_TEMPLATE, passwordFromAmqpUrl, rabbitPasswordHash, renderDefinitions } from '../../infra/rabbitmq/render-definitions.ts';
import type { RabbitDefinitions } from '../../infra/rabbitmq/render-definitions.ts';
import { consumerQueueNames } from '@ecar/bus';
import { assertConsumerTopology } from '../../shared/bus/src/topology.ts';
import { requireBinary } from './support/binaries.ts';

const SERVICES = ['gateway', 'auth', 'garage', 'billing', 'audit', 'backup', 'notify'];
const CONF = readFileSync(fileURLToPath(new URL('../../infra/rabbitmq/rabbitmq.conf', import.meta.url)), 'utf8');
const BROKER = new URL(process.env['ECAR_TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672');

const suffix = randomBytes(3).toString('hex');
const vhost = `ecar-t-${suffix}`;
const passwords: Record<string, string> = {};
let dir = '';
let rabbitmqctl = '';
let imported: RabbitDefinitions;

function userFor(service: string): string {
  return `ecar_${service}-t${suffix}`;
}

function ctl(args: string[]): string {
  const result = spawnSync(rabbitmqctl, ['-q', ...args], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

function connect(service: string, password = passwords[service] ?? '', targetVhost = vhost): Promise<amqp.ChannelModel> {
  const url = new URL(BROKER);
  url.username = encodeURIComponent(userFor(service));
  url.password = encodeURIComponent(password);
  url.pathname = `/${encodeURIComponent(targetVhost)}`;
  return amqp.connect(url.toString());
}

/** Runs one AMQP operation on a fresh channel; resolves 'ok' or the broker's refusal. */
async function attempt(service: string, operation: (channel: amqp.ConfirmChannel) => Promise<unknown>): Promise<string> {
  const connection = await connect(service);
  try {
    const channel = await connection.createConfirmChannel();
    const closed = new Promise<string>((resolve) => channel.once('error', (error: Error) => resolve(error.message)));
    const result = await Promise.race([operation(channel).then(() => 'ok', (error: Error) => error.message), closed]);
    const refusal = result === 'ok' ? await Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve('ok'), 150))]) : result;
    return refusal;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

before(() => {
  rabbitmqctl = requireBinary('rabbitmqctl', 'rabbitmq-server');
  dir = mkdtempSync(join(tmpdir(), 'ecar-rabbit-'));
  // The services' secrets, as the deploy guide has them generated.
  for (const service of SERVICES) {
    passwords[service] = randomBytes(24).toString('base64url');
    writeFileSync(join(dir, `${service}_amqp_url`), `amqps://ecar_${service}:${passwords[service]}@rabbitmq:5671/ecar\n`);
  }
  const rendered = renderDefinitions(dir);
  // Same permissions and hashes, under names that cannot collide with anything on this broker.
  const text = JSON.stringify(rendered)
    .replaceAll('"vhost":"ecar"', `"vhost":"${vhost}"`)
    .replaceAll('"name":"ecar"', `"name":"${vhost}"`)
    .replace(/"(user|name)":"ecar_([a-z]+)"/g, (_match, key: string, service: string) => `"${key}":"${userFor(service)}"`);
  // rabbitmqctl runs as the rabbitmq user: the file must be readable for the import only.
  const readable = mkdtempSync(join(tmpdir(), 'ecar-rabbit-import-'));
  try {
    chmodSync(readable, 0o755);
    writeFileSync(join(readable, 'definitions.json'), text, { mode: 0o644 });
    ctl(['import_definitions', join(readable, 'definitions.json')]);
  } finally {
    rmSync(readable, { recursive: true, force: true });
  }
  imported = JSON.parse(text) as RabbitDefinitions;
});

after(() => {
  if (rabbitmqctl && imported) {
    try {
      ctl(['delete_vhost', vhost]);
    } finally {
      for (const service of SERVICES) spawnSync(rabbitmqctl, ['-q', 'delete_user', userFor(service)], { encoding: 'utf8' });
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('definitions (least privilege, no guest)', () => {
  const template = JSON.parse(readFileSync(DEFINITIONS_TEMPLATE, 'utf8')) as RabbitDefinitions;

  test('one user per deployable, no guest, no administrator, no secret in the repository', () => {
    assert.deepEqual(template.users.map((user) => user.name).sort(), SERVICES.map((s) => `ecar_${s}`).sort());
    for (const user of template.users) {
      assert.deepEqual(user.tags, [], `${user.name} has management tags`);
      assert.equal(user.password_hash, '', `${user.name}: the repository must not hold a password hash`);
    }
    assert.deepEqual(template.vhosts.map((v) => v.name), ['ecar']);
    assert.ok(template.permissions.every((p) => p.vhost === 'ecar'));
    assert.deepEqual(template.exchanges.map((e) => [e.name, e.type, e.durable]), [['ecar.events', 'topic', true]]);
  });

  test('each service may publish only its own event types on ecar.events', () => {
    for (const service of SERVICES) {
      const topic = template.topic_permissions.find((p) => p.user === `ecar_${service}`);
      assert.ok(topic, `${service} has no topic permission`);
      assert.equal(topic.exchange, 'ecar.events');
      const write = new RegExp(topic.write);
      assert.ok(write.test(`${service}.something.happened`));
      for (const other of SERVICES.filter((s) => s !== service)) assert.ok(!write.test(`${other}.something.happened`), `${service} may publish ${other}.*`);
    }
  });

  test('rendering hashes each password from the service\'s own AMQP URL secret', () => {
    const password = passwords['billing'] ?? '';
    const salt = Buffer.from('a1b2c3d4', 'hex');
    const hash = Buffer.from(rabbitPasswordHash(password, salt), 'base64');
    assert.equal(hash.length, 4 + 32);
    assert.deepEqual(hash.subarray(0, 4), salt);
    assert.notEqual(rabbitPasswordHash(password), rabbitPasswordHash(password), 'each render uses a fresh salt');
    assert.throws(() => passwordFromAmqpUrl('amqps://ecar_auth:short@rabbitmq/ecar', 'ecar_auth', 'auth_amqp_url'), /at least 24/);
    assert.throws(() => passwordFromAmqpUrl(`amqps://ecar_audit:${password}@rabbitmq/ecar`, 'ecar_billing', 'billing_amqp_url'), /user must be ecar_billing/);
  });

  test('rabbitmq.conf: TLS 1.2/1.3 listener only, definitions from a secret, per-queue metrics', () => {
    const settings = new Map(
      CONF.split('\n')
        .filter((line) => line.trim() && !line.trim().startsWith('#'))
        .map((line) => line.split('=').map((part) => part.trim()) as [string, string]),
    );
    assert.equal(settings.get('listeners.tcp'), 'none');
    assert.equal(settings.get('listeners.ssl.default'), '5671');
    assert.deepEqual([settings.get('ssl_options.versions.1'), settings.get('ssl_options.versions.2')].sort(), ['tlsv1.2', 'tlsv1.3']);
    assert.equal(settings.get('ssl_options.verify'), 'verify_peer');
    assert.equal(settings.get('definitions.local.path'), '/run/secrets/rabbitmq_definitions');
    assert.equal(settings.get('prometheus.return_per_object_metrics'), 'true');
    assert.doesNotMatch(CONF, /^\s*default_(user|pass)\s*=/m);
  });
});

describe('the rendered definitions on a real broker', () => {
  test('every service logs in with the password from its secret, and not with another', async () => {
    for (const service of SERVICES) {
      const connection = await connect(service);
      await connection.close();
    }
    await assert.rejects(connect('billing', passwords['audit']), /ACCESS_REFUSED|403/);
  });

  test('a service user cannot open another virtual host', async () => {
    await assert.rejects(connect('billing', passwords['billing'], '/'), /NOT_ALLOWED|access to vhost|Expected ConnectionOpenOk; got <ConnectionClose/i);
  });

  test('a service declares, binds and consumes its own queues and publishes its own events', async () => {
    const result = await attempt('billing', async (channel) => {
      await channel.assertExchange('ecar.events', 'topic', { durable: true });
      await channel.assertQueue('billing.workorders', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await channel.bindQueue('billing.workorders', 'ecar.events', 'garage.workorder.completed');
      await channel.consume('billing.workorders', () => undefined);
      channel.publish('ecar.events', 'billing.invoice.issued', Buffer.from('{}'), { persistent: true });
      await channel.waitForConfirms();
    });
    assert.equal(result, 'ok');
  });

  test('a service cannot forge another service\'s event type', async () => {
    const result = await attempt('billing', async (channel) => {
      channel.publish('ecar.events', 'auth.login.succeeded', Buffer.from('{}'), { persistent: true });
      await channel.waitForConfirms();
    });
    assert.match(result, /ACCESS_REFUSED|403/);
  });

  test('a service cannot read, declare or delete another service\'s queue', async () => {
    assert.equal(await attempt('audit', (channel) => channel.assertQueue('audit.all', { durable: true, arguments: { 'x-queue-type': 'quorum' } })), 'ok');
    assert.match(await attempt('billing', (channel) => channel.consume('audit.all', () => undefined)), /ACCESS_REFUSED|403/);
    assert.match(await attempt('billing', (channel) => channel.assertQueue('audit.stolen', { durable: true })), /ACCESS_REFUSED|403/);
    assert.match(await attempt('billing', (channel) => channel.deleteQueue('audit.all')), /ACCESS_REFUSED|403/);
    assert.match(await attempt('garage', (channel) => channel.bindQueue('audit.all', 'ecar.events', '#')), /ACCESS_REFUSED|403/);
  });

  test("a consumer's retry exchange is its own: it publishes retries there, no other service can", async () => {
    const declared = await attempt('garage', async (channel) => {
      await channel.assertExchange('garage.users.retry', 'direct', { durable: true });
      await channel.assertQueue('garage.users.retry.1000', { durable: true, arguments: { 'x-message-ttl': 1000, 'x-dead-letter-exchange': 'garage.users.retry', 'x-dead-letter-routing-key': 'garage.users' } });
      await channel.bindQueue('garage.users.retry.1000', 'garage.users.retry', 'garage.users.retry.1000');
      channel.publish('garage.users.retry', 'garage.users.retry.1000', Buffer.from('{}'), { persistent: true, userId: userFor('garage') });
      await channel.waitForConfirms();
    });
    assert.equal(declared, 'ok');
    const foreign = await attempt('billing', async (channel) => {
      channel.publish('garage.users.retry', 'garage.users.retry.1000', Buffer.from('{}'), { persistent: true });
      await channel.waitForConfirms();
    });
    assert.match(foreign, /ACCESS_REFUSED|403/);
  });

  test("the broker refuses a user-id that is not the publisher's own account", async () => {
    assert.equal(await attempt('auth', async (channel) => {
      channel.publish('ecar.events', 'auth.user.updated', Buffer.from('{}'), { persistent: true, userId: userFor('auth') });
      await channel.waitForConfirms();
    }), 'ok');
    const forged = await attempt('billing', async (channel) => {
      channel.publish('ecar.events', 'billing.invoice.issued', Buffer.from('{}'), { persistent: true, userId: userFor('auth') });
      await channel.waitForConfirms();
    });
    assert.match(forged, /PRECONDITION_FAILED|user_id/i);
  });

  test('no service may publish to the default exchange, nor dead-letter through it (finding 3 of issue 12)', async () => {
    for (const permission of imported.permissions) {
      assert.ok(!new RegExp(permission.write).test('amq.default'), `${permission.user} may write to amq.default`);
    }
    // The consumer's own queue exists: the refusal is the permission, not a missing queue.
    assert.equal(await attempt('notify', (channel) => channel.assertQueue('notify.events', { durable: true, arguments: { 'x-queue-type': 'quorum' } })), 'ok');
    for (const service of SERVICES) {
      const pushed = await attempt(service, async (channel) => {
        channel.sendToQueue('notify.events', Buffer.from('{}'), { persistent: true, userId: userFor(service) });
        await channel.waitForConfirms();
      });
      assert.match(pushed, /ACCESS_REFUSED.*amq\.default/, `${service} pushed into a queue through the default exchange`);
    }
    const dlxDefault = await attempt('garage', (channel) =>
      channel.assertQueue('garage.legacy.retry.1000', { durable: true, arguments: { 'x-message-ttl': 1000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'garage.legacy' } }),
    );
    assert.match(dlxDefault, /ACCESS_REFUSED.*amq\.default/);
  });

  test("the bus's own topology declares and retries without the default exchange", async () => {
    const names = consumerQueueNames('notify.deliveries', [300]);
    const result = await attempt('notify', async (channel) => {
      await assertConsumerTopology(channel, { exchange: 'ecar.events', names, bindings: ['notify.message.queued'], singleActiveConsumer: false });
      // A retry copy goes through the consumer's own exchange, waits out its TTL, and the broker
      // dead-letters it back into the main queue through that exchange.
      channel.publish(names.retryExchange, names.retryQueues[0]?.name ?? '', Buffer.from('{"retry":1}'), { persistent: true, userId: userFor('notify') });
      await channel.waitForConfirms();
      const deadline = Date.now() + 10_000;
      for (;;) {
        const message = await channel.get(names.queue, { noAck: true });
        if (message) {
          assert.equal(message.content.toString(), '{"retry":1}');
          assert.equal(message.fields.exchange, names.retryExchange);
          break;
        }
        if (Date.now() > deadline) throw new Error('the retried message never came back to the main queue');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    assert.equal(result, 'ok');
  });

  test('a service cannot create other exchanges', async () => {
    assert.match(await attempt('auth', (channel) => channel.assertExchange('ecar.shadow', 'fanout', { durable: true })), /ACCESS_REFUSED|403/);
  });
});
