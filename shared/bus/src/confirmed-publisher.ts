import type { ConfirmChannel, Message, Options } from 'amqplib';

export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  /** `messageId` is required: an unroutable message comes back identified by it. */
  options: Options.Publish & { messageId: string };
}

export type PublishFailureReason = 'nack' | 'unroutable' | 'channel_closed' | 'confirm_timeout';

export type PublishOutcome = { ok: true } | { ok: false; reason: PublishFailureReason; error: string };

/**
 * Publishes on a confirm channel and tells, message by message, whether the broker took
 * responsibility for it: confirmed (ack) and not returned as unroutable. Every publish is
 * `mandatory`, so a message no queue receives comes back instead of vanishing.
 */
export class ConfirmedPublisher {
  /** messageId → number of publish calls waiting on it; returns of other ids are ignored. */
  private readonly watched = new Map<string, number>();
  private readonly returned = new Set<string>();

  /**
   * `userId`: the broker user of the channel's connection, set as every message's `user-id`
   * (RabbitMQ refuses any other value, so consumers can tell who really published).
   */
  constructor(
    private readonly channel: ConfirmChannel,
    private readonly confirmTimeoutMs: number,
    private readonly userId: string,
  ) {
    // RabbitMQ sends basic.return before the basic.ack of the same message, so a return is
    // always recorded before the confirmation that settles the message is seen.
    channel.on('return', (message: Message) => {
      const id: unknown = message.properties.messageId;
      if (typeof id === 'string' && this.watched.has(id)) this.returned.add(id);
    });
  }

  async publish(messages: OutgoingMessage[]): Promise<PublishOutcome[]> {
    for (const { options } of messages) this.watch(options.messageId);
    try {
      const confirmations: Promise<PublishOutcome>[] = [];
      for (const message of messages) {
        const { confirmation, fitted } = this.publishOne(message);
        confirmations.push(confirmation);
        // A full socket buffer: wait for it to drain rather than buffering a whole batch in memory.
        if (!fitted) await this.drained();
      }
      const outcomes = await this.withTimeout(confirmations);
      return outcomes.map((outcome, index) => {
        const id = messages[index]?.options.messageId;
        if (outcome.ok && id !== undefined && this.returned.has(id)) {
          return { ok: false, reason: 'unroutable', error: 'no queue is bound for this routing key' } as const;
        }
        return outcome;
      });
    } finally {
      for (const { options } of messages) this.unwatch(options.messageId);
    }
  }

  /** `fitted` is false when the write did not fit in the socket buffer. */
  private publishOne({ exchange, routingKey, content, options }: OutgoingMessage): {
    confirmation: Promise<PublishOutcome>;
    fitted: boolean;
  } {
    let fitted = true;
    const confirmation = new Promise<PublishOutcome>((resolve) => {
      try {
        fitted = this.channel.publish(exchange, routingKey, content, { ...options, userId: this.userId, mandatory: true }, (error: unknown) =>
          resolve(error ? confirmFailure(error) : { ok: true }),
        );
      } catch (error) {
        // publish throws synchronously once the channel is closed.
        resolve({ ok: false, reason: 'channel_closed', error: describe(error) });
      }
    });
    return { confirmation, fitted };
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.channel.off('drain', done);
        this.channel.off('close', done);
        resolve();
      };
      this.channel.once('drain', done);
      this.channel.once('close', done);
    });
  }

  /** Unconfirmed after the timeout (a blocked broker, a stuck link) counts as a failure. */
  private async withTimeout(confirmations: Promise<PublishOutcome>[]): Promise<PublishOutcome[]> {
    const settled = new Array<PublishOutcome | undefined>(confirmations.length);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.confirmTimeoutMs);
    });
    const all = Promise.all(confirmations.map((confirmation, index) => confirmation.then((outcome) => (settled[index] = outcome))));
    await Promise.race([all, timeout]);
    clearTimeout(timer);
    return Array.from(settled, (outcome) => outcome ?? { ok: false, reason: 'confirm_timeout', error: `not confirmed within ${this.confirmTimeoutMs} ms` });
  }

  private watch(id: string): void {
    this.watched.set(id, (this.watched.get(id) ?? 0) + 1);
  }

  private unwatch(id: string): void {
    const count = (this.watched.get(id) ?? 1) - 1;
    if (count > 0) {
      this.watched.set(id, count);
    } else {
      this.watched.delete(id);
      this.returned.delete(id);
    }
  }
}

function confirmFailure(error: unknown): PublishOutcome {
  const message = describe(error);
  // amqplib reports a nack as "message nacked" and a closed channel as "channel closed".
  return { ok: false, reason: /nack/i.test(message) ? 'nack' : 'channel_closed', error: message };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
