import { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '@ecar/logger';

export interface RateVerdict {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

/**
 * The Redis connection every limiter of one gateway shares. Commands fail at once while Redis is
 * away (no offline queue) so a request never waits on it; the limiters then decide from memory.
 */
export class RateLimitStore {
  readonly client: Redis;
  private readonly up: Gauge;
  private reachable: boolean | undefined;
  readonly insuranceDecisions: Counter<'limiter'>;

  constructor(
    url: string,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.up = new Gauge({ name: 'ecar_gateway_rate_limit_store_up', help: '1 while the shared rate-limit store (Redis) answers', registers: [registry] });
    this.insuranceDecisions = new Counter({
      name: 'ecar_gateway_rate_limit_insurance_total',
      help: 'Rate-limit decisions taken from the per-process memory limiter because Redis did not answer',
      labelNames: ['limiter'] as const,
      registers: [registry],
    });
    this.client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: (attempt) => Math.min(attempt * 200, 2_000) });
    this.up.set(0);
    this.client.on('ready', () => this.available(true));
    this.client.on('close', () => this.available(false));
    // Without a listener ioredis reports each failed reconnect as an unhandled error.
    this.client.on('error', (error: Error) => this.logger.debug('rate-limit store error', { error: error.message }));
  }

  /** Logs each change once, not each reconnect attempt. */
  private available(up: boolean): void {
    if (up === this.reachable) return;
    this.reachable = up;
    this.up.set(up ? 1 : 0);
    if (up) this.logger.info('rate limits shared through Redis');
    else this.logger.error('Redis unreachable: rate limits fall back to per-process memory counters (each replica counts alone) until it answers again');
  }

  /** Waits for the first connection, up to timeoutMs: a gateway starts even while Redis is away. */
  async connected(timeoutMs: number): Promise<boolean> {
    if (this.client.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.client.once('ready', onReady);
    });
  }

  limiter(name: string, points: number, windowMs: number): SharedRateLimiter {
    return new SharedRateLimiter(this, name, `${this.keyPrefix}rl:${name}`, points, windowMs);
  }

  async close(): Promise<void> {
    this.client.removeAllListeners('close');
    this.client.removeAllListeners('ready');
    this.client.disconnect();
  }
}

/**
 * Fixed-window counter shared by every gateway replica through Redis (NET-4, NET-5). When Redis
 * does not answer, the same budget is counted in this process instead: degraded to per replica,
 * never open, and visible in ecar_gateway_rate_limit_insurance_total.
 */
export class SharedRateLimiter {
  private readonly shared: RateLimiterRedis;
  private readonly insurance: RateLimiterMemory;

  constructor(
    private readonly store: RateLimitStore,
    private readonly name: string,
    keyPrefix: string,
    private readonly points: number,
    windowMs: number,
  ) {
    const duration = Math.ceil(windowMs / 1000);
    this.shared = new RateLimiterRedis({ storeClient: store.client, keyPrefix, points, duration, rejectIfRedisNotReady: true });
    this.insurance = new RateLimiterMemory({ keyPrefix, points, duration });
  }

  get max(): number {
    return this.points;
  }

  /** Counts one hit; answers whether it is allowed and how long until the window resets. */
  async hit(key: string): Promise<RateVerdict> {
    try {
      return verdict(await this.shared.consume(key), true);
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return verdict(refusal, false);
    }
    this.store.insuranceDecisions.inc({ limiter: this.name });
    try {
      return verdict(await this.insurance.consume(key), true);
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return verdict(refusal, false);
      throw refusal;
    }
  }
}

function verdict(result: RateLimiterRes, allowed: boolean): RateVerdict {
  return { allowed, remaining: result.remainingPoints, retryAfterMs: result.msBeforeNext };
}
