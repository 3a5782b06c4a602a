import amqp from 'amqplib';
import type { EventEnvelope } from '@ecar/contracts';
import { AMQP_URL, waitFor } from '@ecar/testkit';

/** Collects the `backup.#` events published on a test exchange, as a consumer would see them. */
export class BackupEventTap {
  readonly events: EventEnvelope[] = [];
  private connection: Awaited<ReturnType<typeof amqp.connect>> | undefined;

  static async open(exchange: string): Promise<BackupEventTap> {
    const tap = new BackupEventTap();
    tap.connection = await amqp.connect(AMQP_URL);
    const channel = await tap.connection.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, exchange, 'backup.#');
    await channel.consume(queue, (message) => {
      if (message) tap.events.push(JSON.parse(message.content.toString('utf8')) as EventEnvelope);
    }, { noAck: true });
    return tap;
  }

  of(type: string, backupId?: string): EventEnvelope[] {
    return this.events.filter((event) => event.type === type && (backupId === undefined || event.subject.id === backupId || event.data['backupId'] === backupId));
  }

  async next(type: string, backupId?: string, timeoutMs = 40_000): Promise<EventEnvelope> {
    return waitFor(() => this.of(type, backupId)[0], { timeoutMs, what: `event ${type}${backupId ? ` of ${backupId}` : ''}` });
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }
}
