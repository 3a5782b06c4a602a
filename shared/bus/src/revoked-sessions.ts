import type { Logger } from '@ecar/logger';
import { parseEventData } from '@ecar/contracts';
import { backoffDelay } from '@ecar/primitives';
import type { BusConnection } from './connection.ts';
import { EphemeralSubscription } from './ephemeral-subscription.ts';

const REVOKED = 'auth.session.revoked';
const KEY_REVOKED = 'auth.signing_key.revoked';

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

export interface RevokedSession {
  sessionId: string;
  revokedAt: Date;
}

/** A signing key auth revoked (compromised): its tokens are refused however long they still run. */
export interface RevokedKey {
  keyId: string;
}

export interface RevokedSessionsOptions {
  connection: BusConnection;
  exchange: string;
  /** A queue name of this process's own (exclusive, deleted with the connection). */
  queue: string;
  /** auth's list of the sessions revoked within one access-token lifetime (`/internal/v1/revoked-sessions`). */
  loadSnapshot(): Promise<Array<RevokedSession | RevokedKey>>;
  logger: Logger;
  /** How long a revoked session stays on the list; default one hour (the longest access token). */
  accessTtlMs?: number;
  /**
   * How long the list is still trusted after it stopped being fed (broker lost, and auth not
   * answering the snapshot either); past it every authenticated request is refused. Default 10 s.
   */
  graceMs?: number;
  /** While not subscribed, the snapshot is polled this often (the fallback feed). Default 2 s. */
  pollMs?: number;
}

/**
 * The deny-list and what feeds it, failing closed (finding 4 of issue 12). The list is *current*
 * while the process is subscribed to `auth.session.revoked` and has loaded auth's snapshot since
 * that subscription began (together they leave no gap). Without the broker it falls back to
 * polling the snapshot; `current()` stays true only while a subscription or a successful poll
 * is younger than `graceMs`. Callers refuse authenticated requests (503) while it is false,
 * instead of serving a token whose revocation they could have missed.
 */
export class RevokedSessions {
  readonly denyList: SessionDenyList;
  /** Revoked signing keys: few, and kept for the life of the process (a revoked kid never returns). */
  private readonly revokedKeys = new Set<string>();
  private readonly subscription: EphemeralSubscription;
  private readonly graceMs: number;
  private readonly pollMs: number;
  /** Set once the snapshot is loaded after a (re)subscription: true while that connection lasts. */
  private subscribedOn: (() => boolean) | undefined;
  /** Last moment the list was known complete. */
  private lastCompleteAt = Number.NEGATIVE_INFINITY;
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;

  constructor(private readonly options: RevokedSessionsOptions) {
    this.denyList = new SessionDenyList(options.accessTtlMs ?? 3_600_000);
    this.graceMs = options.graceMs ?? 10_000;
    this.pollMs = options.pollMs ?? 2_000;
    this.subscription = new EphemeralSubscription({
      name: 'revocations',
      connection: options.connection,
      exchange: options.exchange,
      queue: options.queue,
      bindings: [REVOKED, KEY_REVOKED],
      logger: options.logger,
      handle: (envelope) => {
        if (envelope.type === KEY_REVOKED) this.revokedKeys.add(parseEventData(KEY_REVOKED, envelope.data).kid);
        if (envelope.type !== REVOKED) return;
        const data = parseEventData(REVOKED, envelope.data);
        this.denyList.add(data.sessionId, new Date(envelope.occurredAt));
      },
      onSubscribed: (isCurrent) => {
        this.subscribedOn = undefined;
        void this.loadAfterSubscribing(isCurrent);
      },
    });
  }

  /** Subscribed and the snapshot loaded since: the list follows auth as it happens. */
  get subscribed(): boolean {
    return this.options.connection.isConnected() && (this.subscribedOn?.() ?? false);
  }

  /** Whether the list can be trusted now (subscribed, or fed within the grace period). */
  current(now = Date.now()): boolean {
    if (this.subscribed) return true;
    return now - this.lastCompleteAt <= this.graceMs;
  }

  isRevoked(sessionId: string): boolean {
    return this.denyList.has(sessionId);
  }

  isKeyRevoked(kid: string): boolean {
    return this.revokedKeys.has(kid);
  }

  /**
   * Subscribes (now, or once the broker is reached) and makes one attempt at the snapshot before
   * returning, so a process that can reach auth serves from its first request; one that cannot
   * starts anyway and refuses authenticated requests until it is fed.
   */
  async start(): Promise<void> {
    await this.subscription.start();
    this.poller = setInterval(() => void this.tick(), this.pollMs);
    this.poller.unref();
    await this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.poller);
    this.denyList.close();
  }

  /** While subscribed, moves the mark forward; otherwise polls the snapshot (one at a time). */
  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.subscribed) {
      this.lastCompleteAt = Date.now();
      return;
    }
    if (this.polling) return;
    this.polling = true;
    const startedAt = Date.now();
    try {
      this.apply(await this.options.loadSnapshot());
      this.lastCompleteAt = Math.max(this.lastCompleteAt, startedAt);
    } catch (error) {
      if (this.current()) this.options.logger.warn('revoked-session snapshot not loaded; the deny-list is trusted for its grace period only', { error });
    } finally {
      this.polling = false;
    }
  }

  /** After every (re)subscription: retries until loaded, stopped, or this connection is replaced. */
  private async loadAfterSubscribing(isCurrent: () => boolean): Promise<void> {
    for (let attempt = 0; !this.stopped && isCurrent(); attempt++) {
      const startedAt = Date.now();
      try {
        this.apply(await this.options.loadSnapshot());
        this.subscribedOn = isCurrent;
        this.lastCompleteAt = Math.max(this.lastCompleteAt, startedAt);
        return;
      } catch (error) {
        if (attempt === 0) this.options.logger.warn('revoked-session snapshot not loaded yet; retrying', { error });
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { initialMs: 500, maxMs: 10_000 }, () => 1)).unref());
      }
    }
  }

  private apply(items: ReadonlyArray<RevokedSession | RevokedKey>): void {
    for (const item of items) {
      if ('keyId' in item) this.revokedKeys.add(item.keyId);
      else this.denyList.add(item.sessionId, item.revokedAt);
    }
  }
}
