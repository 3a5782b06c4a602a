import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import type { EventEnvelope } from '@ecar/contracts';
import { AMQP_URL } from '@ecar/testkit';

/** Runs rabbitmqctl on the test broker; its output. */
export function rabbitmqctl(args: string[]): string {
  const result = spawnSync('rabbitmqctl', ['-q', ...args], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/**
 * Broker accounts of a test's own, one per service as the production definitions have (the test
 * broker otherwise has one account, guest, for everything), so a consumer can tell producers
 * apart (finding 3 of issue 12). Each may publish on the test's exchange and, as every
 * production account may (RabbitMQ wants write access to a queue's dead-letter exchange to
 * declare it), on the default exchange. Consumers learn `pattern` as BUS_PRODUCER_USERS.
 */
export class BrokerAccounts {
  private readonly tag = randomBytes(3).toString('hex');
  private readonly passwords = new Map<string, string>();

  /** BUS_PRODUCER_USERS for the consumers under test. */
  readonly pattern = `ecar_{producer}-${this.tag}`;

  userOf(service: string): string {
    return this.pattern.replaceAll('{producer}', service);
  }

  create(services: readonly string[], exchange: string): void {
    const escaped = exchange.replaceAll('.', '\\.');
    for (const service of services) {
      // Hex: a base64url password may begin with '-', which rabbitmqctl takes for an option.
      const password = randomBytes(18).toString('hex');
      rabbitmqctl(['add_user', this.userOf(service), password]);
      this.passwords.set(service, password);
      rabbitmqctl(['set_permissions', '-p', '/', this.userOf(service), '^$', `^(${escaped}|amq\\.default)$`, '^$']);
    }
  }

  remove(): void {
    for (const service of this.passwords.keys()) spawnSync('rabbitmqctl', ['-q', 'delete_user', this.userOf(service)], { encoding: 'utf8' });
  }

  /**
   * Publishes as `service`'s own account, `claimedUser` as the user-id property (default: its own
   * user, as the bus sets it). 'ok' once confirmed and routed, 'unroutable', or the broker's error.
   */
  async publish(service: string, envelope: EventEnvelope, route: { exchange: string; routingKey: string }, claimedUser: string | undefined = this.userOf(service)): Promise<string> {
    const url = new URL(AMQP_URL);
    url.username = encodeURIComponent(this.userOf(service));
    url.password = encodeURIComponent(this.passwords.get(service) ?? '');
    const connection = await amqp.connect(url.toString());
    try {
      const channel = await connection.createConfirmChannel();
      const closed = new Promise<string>((resolve) => channel.once('error', (error: Error) => resolve(error.message)));
      // The broker returns an unroutable mandatory message before it confirms it.
      let returned = false;
      channel.on('return', () => {
        returned = true;
      });
      channel.publish(route.exchange, route.routingKey, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        mandatory: true,
        messageId: envelope.id,
        contentType: 'application/json',
        ...(claimedUser ? { userId: claimedUser } : {}),
      });
      const outcome = await Promise.race([channel.waitForConfirms().then(() => 'ok', (error: Error) => error.message), closed]);
      return outcome === 'ok' && returned ? 'unroutable' : outcome;
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}
