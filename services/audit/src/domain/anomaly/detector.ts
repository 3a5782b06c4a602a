import { createHash } from 'node:crypto';
import type { EventEnvelope } from '@ecar/contracts';
import type { EntityManager } from '@ecar/db';
import { countCustomerReads, forgetSignalsBefore, observe, rememberAdminIp } from '../../data/anomaly-signals.ts';
import type { AlertInput, Alerts } from '../alerts.ts';
import { actionOf } from '../classify.ts';
import type { RecordRef } from '../record.ts';
import { isWithinWorkingHours, type WorkingHours } from './working-hours.ts';

export interface AnomalySettings {
  loginFailuresPerAccount: number;
  loginFailuresPerIp: number;
  loginWindowMs: number;
  customerReads: number;
  customerReadsWindowMs: number;
  workingHours: WorkingHours;
}

/** An off-hours or new-IP alert for the same admin is raised at most once per hour. */
const ADMIN_ALERT_WINDOW_MS = 3600_000;

/**
 * INC-1 anomaly rules over the event stream. The event's own `occurredAt` is the clock, so a
 * replay or a backlog gives the same alerts as live traffic. Runs in the audit transaction.
 */
export class AnomalyDetector {
  constructor(
    private readonly settings: AnomalySettings,
    private readonly alerts: Alerts,
  ) {}

  /** Rule state older than every window (and than a day, for late events) is of no more use. */
  async forgetOldSignals(db: EntityManager, now: Date): Promise<void> {
    const { loginWindowMs, customerReadsWindowMs } = this.settings;
    const horizonMs = Math.max(86_400_000, 2 * Math.max(loginWindowMs, customerReadsWindowMs));
    await forgetSignalsBefore(db, new Date(now.getTime() - horizonMs));
  }

  /**
   * The rules over a batch, in delivery order. Customer reads (the high-volume rule) are
   * evaluated set-wise: one upsert for the whole batch and, per reader, one count that stops at
   * the threshold.
   */
  async inspectBatch(db: EntityManager, items: ReadonlyArray<{ envelope: EventEnvelope; refs: readonly RecordRef[] }>): Promise<void> {
    for (const { envelope } of items) await this.inspect(db, envelope);
    await this.customerReads(db, items);
  }

  private async inspect(db: EntityManager, envelope: EventEnvelope): Promise<void> {
    const at = new Date(envelope.occurredAt);
    const actor = envelope.actor;
    const ip = actor.ip;
    if (envelope.type === 'auth.login.failed') await this.loginFailure(db, envelope, at, ip);
    if (envelope.type === 'auth.token.reuse_detected') {
      const sessionId = typeof envelope.data['sessionId'] === 'string' ? envelope.data['sessionId'] : envelope.subject.id;
      await this.raise(db, {
        rule: 'refresh_token_reuse',
        severity: 'critical',
        key: `session:${sessionId}`,
        summary: `A spent refresh token was presented again for session ${sessionId} of ${envelope.subject.type} ${envelope.subject.id}${ip ? ` from ${ip}` : ''}: the token may be stolen; the session family was revoked`,
        triggeringEventId: envelope.id,
        occurredAt: at,
      });
    }
    if (!('userId' in actor)) return;
    if (actor.role === 'super-admin' && envelope.producer !== 'audit') await this.adminAction(db, envelope, at, actor.userId, ip);
  }

  private async loginFailure(db: EntityManager, envelope: EventEnvelope, at: Date, ip: string | undefined): Promise<void> {
    const { loginFailuresPerAccount, loginFailuresPerIp, loginWindowMs } = this.settings;
    const email = typeof envelope.data['email'] === 'string' ? envelope.data['email'].trim().toLowerCase() : envelope.subject.id;
    // The account is named by a hash of its e-mail: alerts and rule state hold no e-mail address.
    const account = `account:${createHash('sha256').update(email).digest('hex').slice(0, 16)}`;
    const perAccount = await observe(db, 'login_failures_account', account, envelope.id, at, loginWindowMs);
    if (perAccount >= loginFailuresPerAccount) {
      await this.raiseOnce(db, {
        rule: 'login_failures_account',
        severity: 'warning',
        key: account,
        summary: `${perAccount} failed logins for one account (user ${envelope.subject.id}) within ${loginWindowMs / 1000} s`,
        triggeringEventId: envelope.id,
        occurredAt: at,
      }, loginWindowMs);
    }
    if (!ip) return;
    const perIp = await observe(db, 'login_failures_ip', `ip:${ip}`, envelope.id, at, loginWindowMs);
    if (perIp >= loginFailuresPerIp) {
      await this.raiseOnce(db, {
        rule: 'login_failures_ip',
        severity: 'warning',
        key: `ip:${ip}`,
        summary: `${perIp} failed logins from ${ip} within ${loginWindowMs / 1000} s (credential stuffing?)`,
        triggeringEventId: envelope.id,
        occurredAt: at,
      }, loginWindowMs);
    }
  }

  private async customerReads(db: EntityManager, items: ReadonlyArray<{ envelope: EventEnvelope; refs: readonly RecordRef[] }>): Promise<void> {
    const { customerReads, customerReadsWindowMs } = this.settings;
    const reads: Array<{ reader: string; customer: string; at: Date }> = [];
    const lastEvent = new Map<string, EventEnvelope>();
    for (const { envelope, refs } of items) {
      const actor = envelope.actor;
      if (!('userId' in actor) || actionOf(envelope.type) !== 'access') continue;
      const key = `user:${actor.userId}`;
      const at = new Date(envelope.occurredAt);
      for (const ref of refs) if (ref.type === 'customer') reads.push({ reader: key, customer: ref.id, at });
      lastEvent.set(key, envelope);
    }
    // The count stops at the threshold: an alert says "at least", and a reader far above it costs no more.
    const counts = await countCustomerReads(db, reads, customerReadsWindowMs, customerReads);
    for (const [key, distinct] of counts) {
      const envelope = lastEvent.get(key);
      if (!envelope || distinct < customerReads) continue;
      await this.raiseOnce(db, {
        rule: 'customer_reads',
        severity: 'warning',
        key,
        summary: `User ${key.slice('user:'.length)} read at least ${distinct} distinct customers within ${customerReadsWindowMs / 1000} s`,
        triggeringEventId: envelope.id,
        occurredAt: new Date(envelope.occurredAt),
      }, customerReadsWindowMs);
    }
  }

  private async adminAction(db: EntityManager, envelope: EventEnvelope, at: Date, adminId: string, ip: string | undefined): Promise<void> {
    if (ip) {
      const seen = await rememberAdminIp(db, adminId, ip, at);
      // The first address ever seen is the baseline; a new one after that is suspicious.
      if (seen.isNew && seen.hadOthers) {
        await this.raise(db, {
          rule: 'admin_new_ip',
          severity: 'warning',
          key: `admin:${adminId}|ip:${ip}`,
          summary: `Super-admin ${adminId} acted (${envelope.type}) from ${ip}, an address never seen for this account`,
          triggeringEventId: envelope.id,
          occurredAt: at,
        });
      }
    }
    if (!isWithinWorkingHours(at, this.settings.workingHours)) {
      await this.raiseOnce(db, {
        rule: 'admin_off_hours',
        severity: 'warning',
        key: `admin:${adminId}`,
        summary: `Super-admin ${adminId} acted (${envelope.type}) outside working hours (${at.toISOString()})`,
        triggeringEventId: envelope.id,
        occurredAt: at,
      }, ADMIN_ALERT_WINDOW_MS);
    }
  }

  private raiseOnce(db: EntityManager, alert: AlertInput, windowMs: number): Promise<void> {
    return this.alerts.raiseOnce(db, alert, windowMs);
  }

  private async raise(db: EntityManager, alert: AlertInput): Promise<void> {
    await this.alerts.raise(db, alert);
  }
}
