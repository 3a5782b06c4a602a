import { createHash } from 'node:crypto';
import { newEvent, type Actor } from '@ecar/contracts';
import { backoffDelay } from '@ecar/primitives';
import type { EntityManager } from '@ecar/db';
import type { UnitOfWork } from '@ecar/runtime';
import { activeLocks, clearThrottle, clearThrottlePrefix, readThrottle, recordFailure, throttleKeysWithPrefix } from '../data/login-throttle.ts';
import { type ClientContext } from './sessions.ts';
import { authorOf, inTransaction, publish } from './auth-events.ts';

export interface ThrottleOptions {
  /** Failures per e-mail+IP answered without delay. */
  freeFailures: number;
  lockAfter: number;
  ipLockAfter: number;
  lockSeconds: number;
  windowSeconds: number;
  maxDelayMs: number;
  /** Wrong second-factor codes per account (any address) that lock its MFA step for `mfaLockSeconds`. */
  mfaLockAfter: number;
  mfaLockSeconds: number;
}

export interface ThrottleVerdict {
  locked: boolean;
  retryAfterSeconds: number;
}

/**
 * Failed-login throttling (NET-5), kept in PostgreSQL so every auth replica shares it. Two
 * counters: one per (e-mail, IP) pair and one per IP. After `freeFailures` a failed answer is
 * delayed progressively; at `lockAfter` the *pair* is locked for `lockSeconds`, at
 * `ipLockAfter` the IP is. The lock never covers an account as a whole: an attacker hammering
 * someone's e-mail locks only their own address for it, and the owner still signs in from
 * elsewhere (and from anywhere once the lock expires). The key is the e-mail as typed, known or
 * not, so unknown and known e-mails behave the same.
 */
export class LoginThrottle {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly options: ThrottleOptions,
  ) {}

  private pairKey(email: string, ip: string): string {
    return `pair:${email}\n${ip}`;
  }

  private ipKey(ip: string): string {
    return `ip:${ip}`;
  }

  /** Whether the attempt may proceed; an expired lock found here is cleared and its unlock published. */
  async check(email: string, client: ClientContext): Promise<ThrottleVerdict> {
    const db = this.unitOfWork.dataSource.manager;
    for (const [key, scope] of [
      [this.pairKey(email, client.ip), 'account_ip'],
      [this.ipKey(client.ip), 'ip'],
    ] as const) {
      const state = await readThrottle(db, key);
      if (!state?.lockedUntil) continue;
      const remainingMs = state.lockedUntil.getTime() - Date.now();
      if (remainingMs > 0) return { locked: true, retryAfterSeconds: Math.ceil(remainingMs / 1000) };
      await inTransaction(this.unitOfWork, async (tx) => {
        await clearThrottle(tx, key);
        await this.publish(tx, 'auth.login.unlocked', key, this.systemActor(client), client.correlationId, { ...(scope === 'account_ip' ? { email } : {}), scope, reason: 'expired' });
      });
    }
    return { locked: false, retryAfterSeconds: 0 };
  }

  /** Counts a failure; returns how long to hold the answer back (the progressive delay). */
  async failed(db: EntityManager, email: string, client: ClientContext): Promise<number> {
    const limits = { windowSeconds: this.options.windowSeconds, lockSeconds: this.options.lockSeconds };
    const pair = await recordFailure(db, this.pairKey(email, client.ip), { ...limits, lockAfter: this.options.lockAfter });
    const ip = await recordFailure(db, this.ipKey(client.ip), { ...limits, lockAfter: this.options.ipLockAfter });
    if (pair.lockedNow && pair.lockedUntil) {
      await this.publish(db, 'auth.login.locked', this.pairKey(email, client.ip), this.systemActor(client), client.correlationId, { email, scope: 'account_ip', failures: pair.failures, until: pair.lockedUntil.toISOString() });
    }
    if (ip.lockedNow && ip.lockedUntil) {
      await this.publish(db, 'auth.login.locked', this.ipKey(client.ip), this.systemActor(client), client.correlationId, { scope: 'ip', failures: ip.failures, until: ip.lockedUntil.toISOString() });
    }
    const excess = pair.failures - this.options.freeFailures;
    return excess > 0 ? backoffDelay(excess - 1, { initialMs: 250, maxMs: this.options.maxDelayMs }, () => 1) : 0;
  }

  /** A successful sign-in forgets the pair's failures (not the IP's: a sprayer may own one account). */
  async succeeded(db: EntityManager, email: string, client: ClientContext): Promise<void> {
    await clearThrottle(db, this.pairKey(email, client.ip));
  }

  private mfaKey(userId: string): string {
    return `mfa:${userId}`;
  }

  /**
   * Whether the account's MFA step is locked (per account, whatever the address: a code guesser
   * spreading over addresses still hits it); an expired lock is cleared and its unlock published.
   */
  async checkMfa(db: EntityManager, userId: string, email: string, client: ClientContext): Promise<ThrottleVerdict> {
    const key = this.mfaKey(userId);
    const state = await readThrottle(db, key);
    if (!state?.lockedUntil) return { locked: false, retryAfterSeconds: 0 };
    const remainingMs = state.lockedUntil.getTime() - Date.now();
    if (remainingMs > 0) return { locked: true, retryAfterSeconds: Math.ceil(remainingMs / 1000) };
    await clearThrottle(db, key);
    await this.publish(db, 'auth.login.unlocked', key, this.systemActor(client), client.correlationId, { email, scope: 'mfa', reason: 'expired' });
    return { locked: false, retryAfterSeconds: 0 };
  }

  /** Counts a wrong TOTP or recovery code against the account; the lock is audited. */
  async mfaFailed(db: EntityManager, userId: string, email: string, client: ClientContext): Promise<void> {
    const key = this.mfaKey(userId);
    const state = await recordFailure(db, key, { windowSeconds: this.options.windowSeconds, lockAfter: this.options.mfaLockAfter, lockSeconds: this.options.mfaLockSeconds });
    if (state.lockedNow && state.lockedUntil) {
      await this.publish(db, 'auth.login.locked', key, this.systemActor(client), client.correlationId, { email, scope: 'mfa', failures: state.failures, until: state.lockedUntil.toISOString() });
    }
  }

  async mfaSucceeded(db: EntityManager, userId: string): Promise<void> {
    await clearThrottle(db, this.mfaKey(userId));
  }

  /**
   * An admin lifts every lock on an account: its e-mail from every address, its MFA step, and
   * the per-IP locks of the addresses its failures came from (the owner's own network, or
   * the gateway's address behind a misconfigured proxy).
   */
  async unlockEmail(db: EntityManager, email: string, actor: Actor, correlationId: string, userId?: string): Promise<number> {
    const prefix = `pair:${email}\n`;
    const ips = (await throttleKeysWithPrefix(db, prefix)).map((key) => key.slice(prefix.length));
    let cleared = await clearThrottlePrefix(db, prefix);
    if (cleared > 0) await this.publish(db, 'auth.login.unlocked', prefix, actor, correlationId, { email, scope: 'account_ip', reason: 'admin' });
    for (const ip of new Set(ips)) {
      const key = this.ipKey(ip);
      if (!(await readThrottle(db, key))?.lockedUntil) continue;
      await clearThrottle(db, key);
      cleared += 1;
      await this.publish(db, 'auth.login.unlocked', key, actor, correlationId, { scope: 'ip', ip, reason: 'admin' });
    }
    if (userId && (await readThrottle(db, this.mfaKey(userId)))) {
      await clearThrottle(db, this.mfaKey(userId));
      cleared += 1;
      await this.publish(db, 'auth.login.unlocked', this.mfaKey(userId), actor, correlationId, { email, scope: 'mfa', reason: 'admin' });
    }
    return cleared;
  }

  /** The per-IP locks in force (an address locked whatever the e-mails it tried), latest first. */
  async ipLocks(db: EntityManager, page: { limit: number; offset: number }): Promise<{ items: Array<{ ip: string; failures: number; lockedUntil: Date }>; total: number }> {
    const prefix = this.ipKey('');
    const { items, total } = await activeLocks(db, prefix, page);
    return { items: items.map((row) => ({ ip: row.key.slice(prefix.length), failures: row.failures, lockedUntil: row.lockedUntil })), total };
  }

  /**
   * An admin lifts the per-IP lock of one address, tied to no account (a shared office or
   * carrier address locked by someone else's failures). False when that address is not locked.
   */
  async unlockIp(db: EntityManager, ip: string, actor: Actor, correlationId: string): Promise<boolean> {
    const key = this.ipKey(ip);
    const state = await readThrottle(db, key);
    if (!state?.lockedUntil || state.lockedUntil.getTime() <= Date.now()) return false;
    await clearThrottle(db, key);
    await this.publish(db, 'auth.login.unlocked', key, actor, correlationId, { scope: 'ip', ip, reason: 'admin' });
    return true;
  }

  private systemActor(client: ClientContext): Actor {
    return { system: 'login-throttle', ip: client.ip, userAgent: client.userAgent };
  }

  /** The subject is a digest of the counter's key: the e-mail stays in `data`, where audit masks it. */
  private async publish(
    db: EntityManager,
    type: 'auth.login.locked' | 'auth.login.unlocked',
    key: string,
    actor: Actor,
    correlationId: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    await publish(this.unitOfWork, db, newEvent(authorOf(actor, correlationId), type, { type: 'login_throttle', id: createHash('sha256').update(key).digest('hex').slice(0, 32) }, data as never));
  }
}
