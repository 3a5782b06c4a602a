import { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '@ecar/logger';

export interface RateVerdict {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

/** One counter a request is counted on: a limiter and its key (an address, a user id). */
export interface LimitHit {
  limiter: SharedRateLimiter;
  key: string;
}

/** The verdict of the last counter counted: the first one over its budget, or the last of all. */
export interface LimitOutcome {
  limiter: SharedRateLimiter;
  verdict: RateVerdict;
}

/**
 * Every counter of one request in one script call (one round trip): fixed windows with the keys
 * and arithmetic of rate-limiter-flexible's RateLimiterRedis (SET NX EX, INCR, PTTL), counted in
 * order and stopped at the first over its budget — a request refused per address is not counted
 * against its user, as when each limit was a call of its own. KEYS: the counters; ARGV: their
 * budgets, then their windows in seconds. Answers consumed, ttl ms per counter counted.
 * (All keys go to one Redis; under Redis Cluster they would need one hash slot.)
 */
const HIT_IN_ORDER = `
local n = #KEYS
local out = {}
for i = 1, n do
  local seconds = ARGV[n + i]
  redis.call('set', KEYS[i], 0, 'EX', seconds, 'NX')
  local consumed = redis.call('incr', KEYS[i])
  local ttl = redis.call('pttl', KEYS[i])
  if ttl == -1 then
    redis.call('expire', KEYS[i], seconds)
    ttl = 1000 * seconds
  end
  out[2 * i - 1] = consumed
  out[2 * i] = ttl
  if consumed > tonumber(ARGV[i]) then break end
end
return out`;

type ScriptClient = Redis & { ecarRateLimitHits(numberOfKeys: number, ...keysThenArgs: string[]): Promise<number[]> };

/**
 * The Redis connection every limiter of one gateway shares. Commands fail at once while Redis is
 * away (no offline queue) so a request never waits on it; the limiters then decide from memory.
 */
export class RateLimitStore {
  readonly client: ScriptClient;
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
    this.client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: (attempt) => Math.min(attempt * 200, 2_000) }) as ScriptClient;
    this.client.defineCommand('ecarRateLimitHits', { lua: HIT_IN_ORDER });
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

  /**
   * Counts one request on each of `hits`, in order, in one Redis call; stops at the first refused.
   * When Redis does not answer, each limiter decides from its memory counter instead (in order,
   * stopping likewise), counted in ecar_gateway_rate_limit_insurance_total.
   */
  async hitInOrder(hits: readonly LimitHit[]): Promise<LimitOutcome> {
    if (hits.length === 0) throw new RangeError('no rate limit to count');
    let answer: number[] | undefined;
    // Not ready: fail at once (no offline queue), as rate-limiter-flexible's rejectIfRedisNotReady did.
    if (this.client.status === 'ready') {
      try {
        answer = await this.client.ecarRateLimitHits(
          hits.length,
          ...hits.map((hit) => hit.limiter.redisKey(hit.key)),
          ...hits.map((hit) => String(hit.limiter.max)),
          ...hits.map((hit) => String(hit.limiter.windowSeconds)),
        );
      } catch {
        answer = undefined;
      }
    }
    let outcome: LimitOutcome | undefined;
    for (const [index, hit] of hits.entries()) {
      let verdict: RateVerdict;
      if (answer) {
        const consumed = answer[2 * index];
        if (consumed === undefined) break;
        verdict = { allowed: consumed <= hit.limiter.max, remaining: Math.max(hit.limiter.max - consumed, 0), retryAfterMs: Number(answer[2 * index + 1]) };
      } else {
        this.insuranceDecisions.inc({ limiter: hit.limiter.name });
        verdict = await hit.limiter.hitMemory(hit.key);
      }
      outcome = { limiter: hit.limiter, verdict };
      if (!verdict.allowed) break;
    }
    return outcome!;
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
 * Fixed-window counter shared by every gateway replica through Redis (NET-4, NET-5), counted by
 * `RateLimitStore.hitInOrder`. When Redis does not answer, the same budget is counted in this
 * process instead: degraded to per replica, never open, and visible in
 * ecar_gateway_rate_limit_insurance_total.
 */
export class SharedRateLimiter {
  private readonly insurance: RateLimiterMemory;
  readonly windowSeconds: number;

  constructor(
    private readonly store: RateLimitStore,
    readonly name: string,
    private readonly keyPrefix: string,
    private readonly points: number,
    windowMs: number,
  ) {
    this.windowSeconds = Math.ceil(windowMs / 1000);
    this.insurance = new RateLimiterMemory({ keyPrefix, points, duration: this.windowSeconds });
  }

  get max(): number {
    return this.points;
  }

  /** The Redis key of `key`'s counter (rate-limiter-flexible's naming, so counters carry over an upgrade). */
  redisKey(key: string): string {
    return `${this.keyPrefix}:${key}`;
  }

  /** Counts one hit on this limiter alone. */
  async hit(key: string): Promise<RateVerdict> {
    return (await this.store.hitInOrder([{ limiter: this, key }])).verdict;
  }

  /** The per-process counter, for when Redis does not answer. */
  async hitMemory(key: string): Promise<RateVerdict> {
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
