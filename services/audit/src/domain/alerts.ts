import { randomUUID } from 'node:crypto';
import { newEvent, type Caller } from '@ecar/contracts';
import type { DataSource, EntityManager } from '@ecar/db';
import { badRequest, conflict, notFound } from '@ecar/errors';
import { pageOf, rowsForPage, type Page } from '@ecar/primitives';
import type { UnitOfWork } from '@ecar/runtime';
import { Counter, type Registry } from 'prom-client';
import { acknowledgeAlert, insertAlert, listAlerts, recentlyRaised, type AlertRow, type NewAlert } from '../data/alerts.ts';

export type { AlertRow } from '../data/alerts.ts';
export type AlertInput = Omit<NewAlert, 'id'>;

/** Counts alerts per rule for Prometheus (`ecar_audit_alerts_raised_total`, see infra alerts). */
export function alertCounter(registry: Registry): Counter<'rule'> {
  const existing = registry.getSingleMetric('ecar_audit_alerts_raised_total');
  if (existing) return existing as Counter<'rule'>;
  return new Counter({ name: 'ecar_audit_alerts_raised_total', help: 'Security alerts raised by the audit anomaly rules', labelNames: ['rule'], registers: [registry] });
}

export interface AlertFilters {
  status: 'open' | 'all';
  rule?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cursor = base64url of "<raisedAt ISO>|<id>" of the last alert of the previous page. */
function decodeCursor(cursor: string): { raisedAt: Date; id: string } {
  const [raisedAt = '', id = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(raisedAt);
  if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw badRequest('Invalid cursor');
  return { raisedAt: date, id };
}

const encodeCursor = (alert: AlertRow) => Buffer.from(`${alert.raisedAt}|${alert.id}`).toString('base64url');

/** Security alerts (INC-1): raised by the anomaly rules and the chain check, taken in hand by super-admins. */
export class Alerts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly counter: Counter<'rule'>,
  ) {}

  /**
   * Stores an alert and publishes `audit.alert.raised` in the caller's transaction: the alert, its
   * event and the audit rows that caused it commit together.
   */
  async raise(db: EntityManager, input: AlertInput): Promise<NewAlert> {
    const alert: NewAlert = { ...input, id: randomUUID() };
    await this.unitOfWork.within(db, async () => {
      await insertAlert(db, alert);
      const data = {
        alertId: alert.id,
        rule: alert.rule,
        severity: alert.severity,
        key: alert.key.slice(0, 200),
        summary: alert.summary.slice(0, 500),
        ...(alert.triggeringEventId ? { triggeringEventId: alert.triggeringEventId } : {}),
      };
      const by = { system: 'audit-anomaly-rules', correlationId: `alert-${alert.id}` };
      return { result: undefined, events: [newEvent(by, 'audit.alert.raised', { type: 'alert', id: alert.id }, data)] };
    });
    this.counter.inc({ rule: alert.rule });
    return alert;
  }

  /** One alert per rule and key per window: a burst is one incident, not fifty e-mails. */
  async raiseOnce(db: EntityManager, input: AlertInput, windowMs: number): Promise<void> {
    if (await recentlyRaised(db, input.rule, input.key, input.occurredAt, windowMs)) return;
    await this.raise(db, input);
  }

  /** One page of alerts, newest first. */
  async page(filters: AlertFilters, cursor: string | undefined, limit: number): Promise<Page<AlertRow>> {
    const rows = await listAlerts(this.dataSource.manager, {
      status: filters.status,
      ...(filters.rule ? { rule: filters.rule } : {}),
      ...(cursor ? { before: decodeCursor(cursor) } : {}),
      limit: rowsForPage(limit),
    });
    return pageOf(rows, limit, (row) => row, encodeCursor);
  }

  /** A super-admin takes an alert in hand; the acknowledgement is itself audited. */
  async acknowledge(caller: Caller, alertId: string, note: string | undefined): Promise<AlertRow> {
    if (!UUID.test(alertId)) throw notFound('No such alert');
    return this.unitOfWork.run(async (db) => {
      const result = await acknowledgeAlert(db, alertId, caller.userId, note);
      if (result === undefined) throw notFound('No such alert');
      if (result === false) throw conflict('The alert is already acknowledged');
      const data = { alertId: result.id, ...(note ? { note } : {}) };
      return { result, events: [newEvent(caller, 'audit.alert.acknowledged', { type: 'alert', id: result.id }, data)] };
    });
  }
}
