import amqp from 'amqplib';
import type { EventEnvelope } from '@ecar/contracts';
import { AMQP_URL } from '@ecar/testkit';

/** The events a test sees on the real broker: every envelope published on `exchange` under the routing-key `pattern` (e.g. `garage.stock.#`), kept in arrival order. */
export interface BusListener {
  events: EventEnvelope[];
  close(): Promise<void>;
}

export async function listenTo(exchange: string, pattern: string): Promise<BusListener> {
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange, pattern);
  const events: EventEnvelope[] = [];
  await channel.consume(queue, (message) => {
    if (!message) return;
    events.push(JSON.parse(message.content.toString()) as EventEnvelope);
    channel.ack(message);
  });
  return {
    events,
    async close() {
      await channel.close();
      await connection.close();
    },
  };
}
