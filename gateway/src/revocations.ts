import { randomUUID } from 'node:crypto';
import { EphemeralSubscription, type BusConnection } from '@ecar/bus';
import { parseEventData } from '@ecar/contracts';
import type { Logger } from '@ecar/logger';
import { backoffDelay } from '@ecar/primitives';
import { getJson, type InternalTls } from '@ecar/tls';

const REVOKED = 'auth.session.revoked';

/**
 * Sessions revoked while one of their access tokens may still be alive (AUTH-2: logout,
 * password change, disable, admin revoke, refresh-token reuse). Entries expire one access-token
 * lifetime after the revocation, so the list stays small.
 */
export class SessionDenyList {
  private readonly entries = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly accessTtlMs: number) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  add(sessionId: string, revokedAt: Date): void {
    const until = revokedAt.getTime() + this.accessTtlMs + 60_000;
    if (until > Date.now()) this.entries.set(sessionId, Math.max(until, this.entries.get(sessionId) ?? 0));
  }

  has(sessionId: string): boolean {
    const until = this.entries.get(sessionId);
    return until !== undefined && until > Date.now();
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(now = Date.now()): void {
    for (const [sessionId, until] of this.entries) if (until <= now) this.entries.delete(sessionId);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

export interface RevocationFeedOptions {
  bus: BusConnection;
  exchange: string;
  queuePrefix: string;
  /** auth's internal list of recently revoked sessions (not routed publicly). */
  snapshotUrl: string;
  /** Client certificate for auth's internal endpoint (mutual TLS, ENC-6). */
  tls?: InternalTls | undefined;
  denyList: SessionDenyList;
  logger: Logger;
}

/**
 * Feeds the deny-list. The gateway has no database, so it subscribes with a queue of its own
 * (exclusive, deleted with the connection) bound to `auth.session.revoked`. On every (re)connect
 * it binds first, then loads auth's snapshot of recent revocations: together they leave no gap,
 * also for events published while the gateway was away.
 */
export class RevocationFeed {
  private readonly subscription: EphemeralSubscription;
  private snapshotLoaded = false;
  private stopped = false;

  constructor(private readonly options: RevocationFeedOptions) {
    this.subscription = new EphemeralSubscription({
      connection: options.bus,
      exchange: options.exchange,
      queue: `${options.queuePrefix}gateway.revocations.${randomUUID()}`,
      bindings: [REVOKED],
      logger: options.logger,
      handle: (envelope) => {
        if (envelope.type !== REVOKED) return;
        const data = parseEventData(REVOKED, envelope.data);
        options.denyList.add(data.sessionId, new Date(envelope.occurredAt));
      },
      onSubscribed: (isCurrent) => {
        this.snapshotLoaded = false;
        void this.loadSnapshot(isCurrent);
      },
    });
  }

  /** True once a snapshot was loaded since the last (re)connect. */
  get ready(): boolean {
    return this.snapshotLoaded;
  }

  start(): Promise<void> {
    return this.subscription.start();
  }

  stop(): void {
    this.stopped = true;
  }

  /** Retries until it succeeds, the feed stops, or this connection is replaced (the next one loads again). */
  private async loadSnapshot(isCurrent: () => boolean): Promise<void> {
    for (let attempt = 0; !this.stopped && isCurrent(); attempt++) {
      try {
        const body = (await getJson(this.options.snapshotUrl, { tls: this.options.tls })) as { items?: Array<{ sessionId?: unknown; revokedAt?: unknown }> };
        for (const item of body.items ?? []) {
          if (typeof item.sessionId === 'string' && typeof item.revokedAt === 'string') this.options.denyList.add(item.sessionId, new Date(item.revokedAt));
        }
        this.snapshotLoaded = true;
        return;
      } catch (error) {
        if (attempt === 0) this.options.logger.warn('revoked-session snapshot not loaded yet; retrying', { error });
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { initialMs: 500, maxMs: 10_000 }, () => 1)).unref());
      }
    }
  }
}
